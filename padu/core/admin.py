from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ChangeLog
from .services import delete_with_history, save_with_history


def _is_administrator(request) -> bool:
    # Duck-typed: core sits below accounts, whose User has this.
    return bool(getattr(request.user, "is_padu_admin", False))


class ReadOnly:
    """An admin page or inline where nothing is added, changed or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    """For logs: written by services only, never edited by hand, read by the administrator."""

    def has_module_permission(self, request):
        return _is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return _is_administrator(request)


class ReferenceDataAdmin(admin.ModelAdmin):
    """Reference data (regions, agencies, poverty lines, need rules, accounts): staff may read
    it, only the administrator edits it, and every edit is in the change log."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request):
        return _is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return _is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return _is_administrator(request)

    def save_model(self, request, obj, form, change):
        save_with_history(obj, actor=request.user)

    def delete_model(self, request, obj):
        delete_with_history(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            delete_with_history(obj, actor=request.user)


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "actor", "action", "content_type", "object_repr", "origin"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "object_id", "request_id"]
    date_hierarchy = "changed_at"


def year_column(name: str = "year"):
    """A list column showing a year as a year ("2025"), not as a number ("2.025")."""

    @admin.display(description=_("tahun"), ordering=name)
    def year(obj) -> str:
        value = getattr(obj, name)
        return "" if value is None else str(value)

    return year
