"""Everything Padu holds about one person, and every processing of it, as one document: a
data subject's request under UU 27/2022 (Pelindungan Data Pribadi), answered by the data
custodian. Registry writes the person, the family and their history; the apps above it
contribute their own sections (the sources a person came from, the matches, the welfare
results, the visits, the referrals and programs) the way they contribute panels::

    @subject_section(order=20)
    def welfare(persons, families) -> Section | None: ...

Sections read every record, not the reader's scope: the request is about the person, and
the custodian answers it whole. Who may ask is the view's business (it logs the answer).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from padu.accounts.models import AccessLog
from padu.core.history import described_changes, history_of, jsonable, shown_value

from .models import Family, Person


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""


SectionSource = Callable[[list[Person], list[Family]], Section | None]
_sections: dict[str, tuple[int, SectionSource]] = {}


def subject_section(*, order: int) -> Callable[[SectionSource], SectionSource]:
    def register(source: SectionSource) -> SectionSource:
        _sections[f"{source.__module__}.{source.__qualname__}"] = (order, source)
        return source

    return register


@dataclass
class SubjectReport:
    nik: str
    made_at: object
    persons: list[Person]
    families: list[Family]
    sections: list[Section]


def when(value) -> str:
    """A date or time as the document writes it (local time, day first)."""
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        return date_format(timezone.localtime(value), "d-m-Y H:i")
    return date_format(value, "d-m-Y")


def _fields(instance, names: Iterable[str]) -> list[list[str]]:
    rows = []
    for name in names:
        model_field = instance._meta.get_field(name)
        # As the change log keeps it (a date as ISO text), so it reads as history reads.
        value = shown_value(
            model_field, jsonable({"v": getattr(instance, model_field.attname)})["v"]
        )
        label = str(model_field.verbose_name)
        rows.append([label[:1].upper() + label[1:], value or "—"])
    return rows


PERSON_FIELDS = ["nik", "full_name", "sex", "birth_place", "birth_date", "relationship",
                 "mother_name", "marital_status", "education", "occupation", "work_status",
                 "disability", "chronic_illness", "health_insurance", "lifecycle"]  # fmt: skip
FAMILY_FIELDS = ["kk_number", "village", "rw", "rt", "address", "house_tenure",
                 "floor_area_m2", "lifecycle", "verification_status", "verified_on"]  # fmt: skip


def _held(persons: list[Person], families: list[Family]) -> list[Section]:
    sections = [
        Section(
            _("Data orang (rekaman terpadu #%(id)s)") % {"id": person.pk},
            [_("Isian"), _("Nilai")],
            _fields(person, PERSON_FIELDS),
        )
        for person in persons
    ]
    sections += [
        Section(
            _("Data keluarga (KK, rekaman terpadu #%(id)s)") % {"id": family.pk},
            [_("Isian"), _("Nilai")],
            _fields(family, FAMILY_FIELDS),
        )
        for family in families
    ]
    changes = Section(
        _("Riwayat perubahan"),
        [_("Waktu"), _("Oleh"), _("Asal"), _("Perubahan")],
        note=_("Setiap perubahan data orang dan keluarganya, dengan siapa atau proses apa."),
    )
    for entry in history_of(*persons, *families).select_related("content_type")[:500]:
        described = "; ".join(
            f"{c.label}: {c.before or '—'} → {c.after}" for c in described_changes(entry)
        )
        changes.rows.append(
            [
                when(entry.changed_at),
                str(entry.actor or _("proses Padu")),
                entry.origin or "—",
                described or entry.get_action_display(),
            ]
        )
    return [*sections, changes]


def _looks(persons: list[Person], families: list[Family]) -> Section:
    """Every look at the person's or the family's data, from the access log."""
    condition = Q(object_type="person", object_id__in=[str(p.pk) for p in persons])
    for family in families:
        condition |= Q(object_type="family", object_id=str(family.pk))
        condition |= Q(object_type="family", object_id="*", detail__regex=rf"[=,]{family.pk}(,|$)")
    looks = AccessLog.objects.filter(condition).select_related("user").order_by("accessed_at")
    return Section(
        _("Siapa yang melihat"),
        [_("Waktu"), _("Pengguna"), _("Jenis"), _("Rincian")],
        [
            [when(e.accessed_at), e.user.username, e.get_kind_display(), e.detail or "—"]
            for e in looks[:1000]
        ],
        note=_("Dari log akses: halaman, daftar dan berkas yang memuat data ini."),
    )


def subject_access(nik: str, persons) -> SubjectReport:
    """The document for one NIK: every person record holding it among ``persons`` (those the
    custodian answers for), their families, what the apps hold about them, and who looked."""
    persons = list(persons.filter(nik=nik).select_related("family__village").order_by("pk"))
    families = list({p.family_id: p.family for p in persons}.values())
    sections = _held(persons, families)
    for _order, source in sorted(_sections.values(), key=lambda item: item[0]):
        section = source(persons, families)
        if section is not None:
            sections.append(section)
    sections.append(_looks(persons, families))
    return SubjectReport(nik, timezone.now(), persons, families, sections)
