from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from padu.core.admin import ReadOnlyAdmin

from .models import AccessLog, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "region", "agency", "is_active"]
    list_filter = ["role", "is_active", "agency"]
    raw_id_fields = ["region"]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Peran dan cakupan"), {"fields": ("role", "region", "agency", "phone")}),
    )


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "user", "kind", "object_type", "object_id", "detail"]
    list_filter = ["kind", "object_type"]
    search_fields = ["user__username", "object_id", "detail", "request_id"]
    date_hierarchy = "accessed_at"
