from django.contrib import admin

from padu.core.admin import ReferenceDataAdmin

from .models import Agency


@admin.register(Agency)
class AgencyAdmin(ReferenceDataAdmin):
    list_display = ["short_name", "name", "code", "sectors"]
    search_fields = ["short_name", "name", "code"]
