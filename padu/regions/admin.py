from django.contrib import admin

from padu.core.admin import ReferenceDataAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    list_display = ["code", "name", "kind", "postal_code"]
    list_filter = ["level", "kind"]
    search_fields = ["code", "name"]
    readonly_fields = ["name_key"]
    raw_id_fields = ["parent"]
    show_full_result_count = False
