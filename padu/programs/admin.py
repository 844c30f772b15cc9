from django.contrib import admin

from padu.accounts.admin import RestrictedAdmin
from padu.accounts.policy import Action
from padu.core.admin import ReferenceDataAdmin

from .models import CombinationRule, Program, Referral


@admin.register(Referral)
class ReferralAdmin(RestrictedAdmin):
    list_display = ["pk", "agency", "rule", "family", "status", "created_at"]
    list_filter = ["agency", "status"]


@admin.register(Program)
class ProgramAdmin(RestrictedAdmin):
    """Programs are the agencies' own: edited on their pages, read here."""

    list_display = ["code", "name", "agency", "sector", "year", "funding_level", "status"]
    list_filter = ["agency", "sector", "funding_level", "status"]
    search_fields = ["code", "name"]


@admin.register(CombinationRule)
class CombinationRuleAdmin(ReferenceDataAdmin):
    """Which benefits may be held together, within how many years: the administrator's."""

    list_display = ["__str__", "allowed", "within_years", "note"]
    list_filter = ["allowed"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the programs the user may see (another region's are not theirs to name).
        if db_field.related_model is Program:
            kwargs["queryset"] = Program.objects.restrict(request.user, Action.VIEW)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
