"""A data subject's document: the family's welfare results and needs, by model version."""

from django.utils.translation import gettext as _

from padu.registry.subject import Section, subject_section

from .models import FamilyNeed, FamilyWelfare


@subject_section(order=20)
def welfare(persons, families) -> Section:
    section = Section(
        _("Penilaian kesejahteraan"),
        [
            _("Model"),
            _("Skor"),
            _("Perkiraan pengeluaran/kapita"),
            _("Desil"),
            _("Status"),
            _("Kriteria terpenuhi"),
        ],
        note=_("Hasil setiap penilaian keluarga (model PMT per versi), dan kebutuhannya."),
    )
    results = FamilyWelfare.objects.filter(family__in=families).select_related("model")
    for result in results.order_by("model__year", "model__version"):
        section.rows.append(
            [
                f"{result.model.year} v{result.model.version}",
                f"{result.score:.3f}",
                f"Rp{result.predicted_expenditure:,}".replace(",", "."),
                str(result.desil),
                result.get_status_display(),
                f"{result.criteria_met}/{result.criteria_known}",
            ]
        )
    for need in FamilyNeed.objects.filter(family__in=families).select_related("rule", "model"):
        section.rows.append(
            [f"{need.model.year} v{need.model.version}", "", "", "", need.rule.label, need.reason]
        )
    return section
