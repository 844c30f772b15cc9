from django.contrib import admin

from padu.accounts.admin import RestrictedAdmin

from .models import Referral


@admin.register(Referral)
class ReferralAdmin(RestrictedAdmin):
    list_display = ["pk", "agency", "rule", "family", "status", "created_at"]
    list_filter = ["agency", "status"]
