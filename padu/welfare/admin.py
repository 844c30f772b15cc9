from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from padu.core.admin import ReadOnlyAdmin, ReferenceDataAdmin, year_column

from .choices import RuleMatch
from .forms import RULE_CONDITION_ROWS, NeedRuleForm
from .models import NeedRule, PovertyLine, WelfareModel
from .needs import describe


@admin.register(PovertyLine)
class PovertyLineAdmin(ReferenceDataAdmin):
    list_display = [year_column(), "kind", "region", "amount", "source"]
    list_filter = ["year", "kind"]
    autocomplete_fields = ["region"]


@admin.register(NeedRule)
class NeedRuleAdmin(ReferenceDataAdmin):
    """Rules and their agencies are data: edited here, applied by the next classification."""

    form = NeedRuleForm
    list_display = ["code", "dimension", "label", "agency", "match", "sentences", "is_active"]
    list_filter = ["dimension", "agency", "is_active"]
    list_editable = ["agency", "is_active"]
    readonly_fields = ["sentences"]

    def get_fieldsets(self, request, obj=None):
        rows = [
            (None, {"fields": ["code", "dimension", "label", "agency", "match", "is_active"]}),
            (_("Syarat dalam kalimat"), {"fields": ["sentences"]}),
        ]
        for i in range(1, RULE_CONDITION_ROWS + 1):
            rows.append(
                (
                    _("Syarat %(n)s") % {"n": i},
                    {"fields": [(f"field_{i}", f"op_{i}", f"value_{i}")]},
                )
            )
        return rows

    @admin.display(description=_("syarat"))
    def sentences(self, rule) -> str:
        joiner = " atau " if rule.match == RuleMatch.ANY else " dan "
        return joiner.join(describe(condition) for condition in rule.conditions or []) or "—"


@admin.register(WelfareModel)
class WelfareModelAdmin(ReadOnlyAdmin):
    """Versions are fitted by `padu classify`, never typed in or edited."""

    list_display = ["regency", "version", year_column(), "fitted_at", "families"]
