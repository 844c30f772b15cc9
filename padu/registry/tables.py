"""The family and person lists as django-tables2 tables: columns a person reads, sortable
where the database can sort quickly (apps above add columns: see padu.registry.lists)."""

import datetime as dt

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .ages import age_on
from .identity import masked
from .models import PROGRAM_FIELDS, Family, Person


def programs_received(family) -> str:
    names = [
        str(Family._meta.get_field(n).verbose_name) for n in PROGRAM_FIELDS if getattr(family, n)
    ]
    return ", ".join(names) or "—"


class FamilyLink(tables.Column):
    """A cell that opens the row's family."""

    def __init__(self, *args, family_id: str = "pk", **kwargs):
        self.family_id = family_id
        super().__init__(*args, **kwargs)

    def render(self, value, record):
        family_id = getattr(record, self.family_id)
        url = reverse("registry:family-detail", args=[family_id])
        return format_html('<a href="{}">{}</a>', url, value or "—")


class MaskedIdentifiers:
    """NIK and No KK cells whole only for a role whose work needs the numbers (``reveal``,
    from the user's policy); masked for the others, in the page and in its export."""

    def __init__(self, *args, reveal: bool = False, **kwargs):
        self.reveal = reveal
        super().__init__(*args, **kwargs)

    def identifier(self, value) -> str:
        return value if self.reveal else masked(value)

    def render_kk_number(self, value):
        return self.identifier(value)

    def value_kk_number(self, value):
        return self.identifier(value)


class PageRows:
    """The page's rows as HTML, each column's cell attributes and header worked out once
    per page: django-tables2's template works them out again for every cell, which took
    most of a list page's time. ``_table.html`` writes these rows."""

    def html_rows(self):
        columns = [
            (column.name, column.attrs["td"].as_html(), column.header, column.localize)
            for column in self.columns
        ]
        for row in self.paginated_rows:
            cells = format_html_join(
                "",
                '<td {} data-label="{}">{}</td>',
                (
                    (attrs, header, _localized(row.get_cell(name), localize_as))
                    for name, attrs, header, localize_as in columns
                ),
            )
            yield format_html("<tr {}>{}</tr>", row.attrs.as_html(), cells)


def _localized(value, localize_as):
    """A cell's value as the template would write it (``column.localize``: None as the
    page's numbers and dates are, False as a plain number)."""
    return str(value) if localize_as is False else localize(value)


class FamilyTable(PageRows, MaskedIdentifiers, tables.Table):
    head_name = FamilyLink(verbose_name=_("Kepala keluarga"), orderable=False, default="—")
    # Sorted only where an index can keep a city's list fast (not by KK or date).
    kk_number = tables.Column(
        verbose_name=_("No KK"), attrs={"td": {"class": "mono"}}, orderable=False
    )
    village = tables.Column(
        verbose_name=_("Desa/kelurahan"),
        accessor="village__name",
        order_by=("village_id", "rw", "rt", "pk"),
    )
    rt_rw = tables.Column(verbose_name=_("RT/RW"), orderable=False, empty_values=())
    member_count = tables.Column(verbose_name=_("Anggota"), orderable=False)
    verification = tables.Column(
        verbose_name=_("Verivali"), accessor="verified_on", orderable=False, empty_values=()
    )
    programs = tables.Column(verbose_name=_("Menerima"), orderable=False, empty_values=())

    extra_columns_after = "member_count"

    class Meta:
        model = Family
        fields = []
        sequence = ("head_name", "kk_number", "village", "rt_rw", "member_count",
                    "verification", "programs")  # fmt: skip
        template_name = "_table.html"
        attrs = {"class": "list", "id": "families"}
        empty_text = _("Tidak ada keluarga yang cocok.")
        order_by = ("village",)

    def render_rt_rw(self, record):
        return record.rt_rw

    def render_verification(self, record):
        if not record.verification_status:
            return "—"
        when = f" · {record.verified_on:%d-%m-%Y}" if record.verified_on else ""
        return f"{record.get_verification_status_display()}{when}"

    def render_programs(self, record):
        return programs_received(record)


class PersonTable(PageRows, MaskedIdentifiers, tables.Table):
    full_name = FamilyLink(
        verbose_name=_("Nama"), family_id="family_id", order_by=("full_name", "pk")
    )
    nik = tables.Column(verbose_name=_("NIK"), attrs={"td": {"class": "mono"}}, default="—")
    age = tables.Column(
        verbose_name=_("Umur"), accessor="birth_date", order_by=("-birth_date", "pk"),
        empty_values=(),
    )  # fmt: skip
    sex = tables.Column(verbose_name=_("L/P"), orderable=False, default="—")
    relationship = tables.Column(verbose_name=_("Hubungan"), orderable=False, default="—")
    kk_number = tables.Column(
        verbose_name=_("No KK"), accessor="family__kk_number", attrs={"td": {"class": "mono"}}
    )
    village = tables.Column(
        verbose_name=_("Desa/kelurahan"),
        accessor="family__village__name",
        order_by=("family__village_id", "family__rw", "family__rt", "family_id", "pk"),
    )

    extra_columns_after = "village"

    class Meta:
        model = Person
        fields = []
        sequence = ("full_name", "nik", "age", "sex", "relationship", "kk_number", "village")
        template_name = "_table.html"
        attrs = {"class": "list", "id": "persons"}
        empty_text = _("Tidak ada orang yang cocok.")
        order_by = ("village",)

    def render_nik(self, value):
        return self.identifier(value)

    def value_nik(self, value):
        return self.identifier(value)

    def render_age(self, record):
        return age_on(record.birth_date, dt.date.today()) if record.birth_date else "—"
