from django.contrib import admin

from .models import NeedRule, PovertyLine, WelfareModel


@admin.register(PovertyLine)
class PovertyLineAdmin(admin.ModelAdmin):
    list_display = ["year", "kind", "region", "amount", "source"]
    list_filter = ["year", "kind"]
    autocomplete_fields = ["region"]


@admin.register(NeedRule)
class NeedRuleAdmin(admin.ModelAdmin):
    """Rules and their agencies are data: edited here, applied by the next classification."""

    list_display = ["code", "dimension", "label", "agency", "match", "is_active"]
    list_filter = ["dimension", "agency", "is_active"]
    list_editable = ["agency", "is_active"]


@admin.register(WelfareModel)
class WelfareModelAdmin(admin.ModelAdmin):
    list_display = ["regency", "version", "year", "fitted_at", "families"]
    readonly_fields = [f.name for f in WelfareModel._meta.fields]

    def has_add_permission(self, request):
        return False  # versions are fitted by `padu classify`, never typed in
