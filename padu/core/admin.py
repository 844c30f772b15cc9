from django.contrib import admin

from .models import ChangeLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """For logs: they are written by services only, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeLog)
class ChangeLogAdmin(ReadOnlyAdmin):
    list_display = ["changed_at", "actor", "action", "content_type", "object_repr", "origin"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "object_id", "request_id"]
    date_hierarchy = "changed_at"
