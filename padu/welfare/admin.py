from django.contrib import admin

from padu.core.admin import ReadOnlyAdmin, ReferenceDataAdmin

from .models import NeedRule, PovertyLine, WelfareModel


@admin.register(PovertyLine)
class PovertyLineAdmin(ReferenceDataAdmin):
    list_display = ["year", "kind", "region", "amount", "source"]
    list_filter = ["year", "kind"]
    autocomplete_fields = ["region"]


@admin.register(NeedRule)
class NeedRuleAdmin(ReferenceDataAdmin):
    """Rules and their agencies are data: edited here, applied by the next classification."""

    list_display = ["code", "dimension", "label", "agency", "match", "is_active"]
    list_filter = ["dimension", "agency", "is_active"]
    list_editable = ["agency", "is_active"]


@admin.register(WelfareModel)
class WelfareModelAdmin(ReadOnlyAdmin):
    """Versions are fitted by `padu classify`, never typed in or edited."""

    list_display = ["regency", "version", "year", "fitted_at", "families"]
