from django.contrib import admin

from .models import Agency, Referral


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "code"]
    search_fields = ["short_name", "name", "code"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["pk", "agency", "rule", "family", "status", "created_at"]
    list_filter = ["agency", "status"]
    raw_id_fields = ["family", "officer"]
