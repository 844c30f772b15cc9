from django.contrib import admin

from padu.accounts.admin import RestrictedAdmin

from .models import Release


@admin.register(Release)
class ReleaseAdmin(RestrictedAdmin):
    """Releases are made, checked and published on their pages and by `padu release`
    (services that keep their history); here they are only read."""

    list_display = ["number", "name", "period", "region", "lifecycle", "status", "as_of"]
    list_filter = ["lifecycle", "status"]
    search_fields = ["name", "decree_number"]
