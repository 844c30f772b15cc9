"""A data subject's document: referrals to agencies and the programs that reached them."""

from django.db.models import Q
from django.utils.translation import gettext as _

from padu.registry.subject import Section, subject_section, when

from .models import Beneficiary, Referral


@subject_section(order=40)
def referrals(persons, families) -> Section:
    section = Section(
        _("Rujukan ke OPD"),
        [_("Dirujuk"), _("Kebutuhan"), _("OPD"), _("Status")],
        note=_("Kebutuhan keluarga yang diteruskan ke OPD yang bertanggung jawab."),
    )
    for referral in (
        Referral.objects.filter(family__in=families)
        .select_related("rule", "agency")
        .order_by("created_at")
    ):
        section.rows.append(
            [
                when(referral.created_at),
                referral.rule.label,
                referral.agency.short_name,
                referral.get_status_display(),
            ]
        )
    return section


@subject_section(order=50)
def programs(persons, families) -> Section:
    section = Section(
        _("Program dan bantuan"),
        [_("Program"), _("Siklus"), _("Nama tertulis"), _("Tautan"), _("Tepat sasaran")],
        note=_("Daftar penerima program OPD yang memuat orang atau keluarga ini."),
    )
    rows = (
        Beneficiary.objects.filter(Q(person__in=persons) | Q(family__in=families))
        .select_related("cycle__program")
        .order_by("cycle__starts_on")
    )
    for row in rows:
        on_target = {True: _("ya"), False: _("tidak"), None: "—"}[row.on_target]
        section.rows.append(
            [
                row.cycle.program.name,
                row.cycle.name,
                row.written_name or "—",
                row.get_link_status_display(),
                on_target,
            ]
        )
    return section
