from django.utils.translation import gettext as _
from rest_framework import permissions

from padu.accounts import policy
from padu.accounts.choices import TokenScope
from padu.accounts.models import ApiToken


class PolicyPermission(permissions.BasePermission):
    """The web's door, for the API: the policy's grant of the view's action on its model
    (reading: ``action``, writing: ``write_action``), and a token's scope besides."""

    message = _("Peran Anda tidak mendapat izin ini dari kebijakan akses Padu.")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        # A DCI search is a read sent by POST.
        reading = request.method in permissions.SAFE_METHODS or getattr(
            view, "reads_by_post", False
        )
        if isinstance(request.auth, ApiToken):
            needed = TokenScope.READ if reading else TokenScope.WRITE
            if needed not in request.auth.scopes:
                self.message = _("Token ini tidak punya cakupan %(scope)s.") % {"scope": needed}
                return False
        return policy.allows(user, view.model, view.current_action())
