"""A data subject's document: the field visits to the family."""

from django.utils.translation import gettext as _

from padu.registry.subject import Section, subject_section, when

from .models import Visit


@subject_section(order=30)
def visits(persons, families) -> Section:
    section = Section(
        _("Verifikasi dan validasi lapangan"),
        [_("Tanggal"), _("Operator"), _("Hasil"), _("Status"), _("Catatan")],
        note=_("Kunjungan petugas ke keluarga, dan keputusannya."),
    )
    for visit in (
        Visit.objects.filter(family__in=families).select_related("operator").order_by("visited_on")
    ):
        section.rows.append(
            [
                when(visit.visited_on),
                visit.operator.username if visit.operator else "—",
                visit.get_outcome_display(),
                visit.get_status_display(),
                visit.notes or "—",
            ]
        )
    return section
