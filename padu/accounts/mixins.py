"""The base of every page that shows or changes records of a model in the policy: it asks
the policy at the door and restricts every query, so that a new view cannot forget."""

import functools

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from . import policy
from .policy import Action

#: Each action as the verb of a sentence ("Peran Anda tidak dapat melihat keluarga").
_VERBS = {
    Action.VIEW: _lazy("melihat"),
    Action.CHANGE: _lazy("mengubah"),
    Action.CHECK: _lazy("memeriksa"),
    Action.APPROVE: _lazy("menyetujui"),
    Action.EXPORT: _lazy("mengekspor"),
    Action.REVEAL: _lazy("menampilkan NIK utuh"),
    Action.RECEIVE: _lazy("mencatat di loket"),
}


def denied_message(model, action: str) -> str:
    return _(
        "Peran Anda tidak dapat %(verb)s %(what)s di Padu. Bila pekerjaan Anda "
        "memerlukannya, minta sekretariat TKPK mengubah peran atau wilayah kerja akun Anda."
    ) % {"verb": _VERBS[Action(action)], "what": model._meta.verbose_name_plural}


class RestrictedMixin(LoginRequiredMixin):
    """A page over ``model``: GET and HEAD take ``action``, POST takes ``post_action``.

    A visitor not logged in is sent to the login page; a user the policy grants the action
    on no rows of the model is refused (403, saying why); ``get_queryset`` holds only the
    rows the user may take the action on, so another's record is simply not found (404).
    """

    model = None
    action: str = Action.VIEW
    post_action: str = Action.CHANGE

    def current_action(self) -> str:
        return self.post_action if self.request.method == "POST" else self.action

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not policy.allows(request.user, self.model, self.current_action()):
            raise PermissionDenied(denied_message(self.model, self.current_action()))
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return self.model._default_manager.restrict(self.request.user, self.current_action())


def restricted(model, *, get: str = Action.VIEW, post: str = Action.CHANGE):
    """``RestrictedMixin``'s door for a function view: login, then the policy's grant of
    ``get`` (GET, HEAD) or ``post`` (POST) on ``model``. The view still restricts its own
    queries (``model.objects.restrict(request.user, action)``)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            action = post if request.method == "POST" else get
            if not policy.allows(request.user, model, action):
                raise PermissionDenied(denied_message(model, action))
            return view(request, *args, **kwargs)

        wrapper.model, wrapper.get_action, wrapper.post_action = model, get, post
        return wrapper

    return decorate
