from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from padu.core.admin import ReadOnly, ReadOnlyAdmin, ReferenceDataAdmin
from padu.core.services import record_related_change

from . import policy
from .choices import AccessKind
from .models import AccessLog, User
from .policy import Action
from .services import log_shown


class RestrictedAdmin(ReadOnly, admin.ModelAdmin):
    """Records of a model in the policy (families, persons, referrals …): read-only in the
    admin, and only those the user may view. They change through services alone, which keep
    their history and survivorship; an edit here would skip both."""

    def get_queryset(self, request):
        return super().get_queryset(request).restrict(request.user, Action.VIEW)

    def has_module_permission(self, request):
        return request.user.is_staff and policy.allows(request.user, self.model, Action.VIEW)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    # Every admin page of these records is a look at personal data, and logged as such.

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = (getattr(response, "context_data", None) or {}).get("cl")
        if changelist is not None:
            log_shown(
                request,
                object_type=self.model._meta.model_name,
                ids=[row.pk for row in changelist.result_list],
                detail="admin",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            self._log_one(request, object_id, "admin")
        return response

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if response.status_code == 200:
            self._log_one(request, object_id, "admin: riwayat")
        return response

    def _log_one(self, request, object_id, detail: str) -> None:
        log_shown(
            request,
            object_type=self.model._meta.model_name,
            ids=[object_id],
            kind=AccessKind.VIEW,
            detail=detail,
        )


@admin.register(User)
class UserAdmin(ReferenceDataAdmin, DjangoUserAdmin):
    """Accounts: the administrator alone sees and edits them; every change of a role, scope,
    group or password is in the change log."""

    list_display = ["username", "first_name", "last_name", "role", "region", "agency",
                    "expires_on", "is_active"]  # fmt: skip
    list_filter = ["role", "is_active", "agency"]
    raw_id_fields = ["region"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Peran dan cakupan"),
            {"fields": ("role", "region", "agency", "phone", "expires_on", "time_zone")},
        ),
    )

    def has_module_permission(self, request):
        return request.user.is_padu_admin

    def has_view_permission(self, request, obj=None):
        return request.user.is_padu_admin

    def save_related(self, request, form, formsets, change):
        before = {name: set(getattr(form.instance, name).all()) for name in _ACCESS_RELATIONS}
        super().save_related(request, form, formsets, change)
        changed = {
            name: sorted(str(item) for item in getattr(form.instance, name).all())
            for name in _ACCESS_RELATIONS
            if set(getattr(form.instance, name).all()) != before[name]
        }
        if changed and change:
            record_related_change(
                form.instance, actor=request.user, changes=changed, origin="admin"
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            record_related_change(
                User.objects.get(pk=id),
                actor=request.user,
                changes={"password": "diubah"},
                origin="admin",
            )
        return response


#: What a user's access rests on besides their fields.
_ACCESS_RELATIONS = ("groups", "user_permissions")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "user", "kind", "object_type", "object_id", "detail"]
    list_filter = ["kind", "object_type"]
    search_fields = ["user__username", "object_id", "detail", "request_id"]
    date_hierarchy = "accessed_at"
