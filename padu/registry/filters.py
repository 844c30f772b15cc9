import datetime as dt

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padu.regions.choices import RegionLevel
from padu.regions.filters import RegionFilter
from padu.regions.models import Region

from . import choices as c
from .lists import FAMILIES, PERSONS, Rows
from .models import PROGRAM_FIELDS, Family, Person
from .queries import regencies_with_families
from .search import filter_by_search


class FamilySearch(django_filters.CharFilter):
    """Rows whose family a search box means: by name, NIK or No KK, address (``field_name``
    leads to the family's id). The best matches first when the list is not sorted."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Cari"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"type": "search", "placeholder": _("Nama, NIK, No KK atau alamat")}
            ),
        )
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return filter_by_search(queryset, value, self.field_name)


def region_options(user) -> list[tuple[str, str]]:
    """(code, "Name · District") of the districts and villages a user works in, for the
    region filter's suggestions; those of the regencies holding families for a user
    without a region."""
    regions = Region.objects.filter(level__in=[RegionLevel.DISTRICT, RegionLevel.VILLAGE])
    if user.region_id:
        regions = regions.filter(code__within=user.region_id)
    else:
        regencies = cache.get_or_set(
            "regions:with-families", lambda: list(regencies_with_families()), 300
        )
        within = Q()
        for code in regencies:
            within |= Q(code__within=code)
        regions = regions.filter(within) if regencies else regions.none()
    return [
        (code, f"{name} · {parent}" if parent else name)
        for code, name, parent in regions.order_by("code").values_list(
            "code", "name", "parent__name"
        )[:5000]
    ]


class RegionPickerMixin:
    """A FilterSet whose region filters suggest the requesting user's regions by name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return
        for region_filter in self.filters.values():
            if isinstance(region_filter, RegionFilter):
                region_filter.field.widget.options = region_options(user)


def _program_choices():
    return [(name.removeprefix("receives_"), Family._meta.get_field(name).verbose_name)
            for name in PROGRAM_FIELDS]  # fmt: skip


class FamilyRowsFilterSet(RegionPickerMixin, django_filters.FilterSet):
    """What both lists filter by, on the family of each row (``rows``: what is listed)."""

    rows: Rows = FAMILIES

    def receiving(self, queryset, name, value: str):
        return queryset.filter(**{self.rows.to_family(f"receives_{value}"): True})

    def not_verified_for(self, queryset, name, value):
        since = dt.date.today() - dt.timedelta(days=int(value) * 30)
        stale = {self.rows.to_family("verified_on__lt"): since}
        never = {self.rows.to_family("verified_on__isnull"): True}
        return queryset.filter(Q(**stale) | Q(**never))


class FamilyFilterSet(FamilyRowsFilterSet):
    """The family list's own filters (apps above add theirs: see padu.registry.lists)."""

    q = FamilySearch(field_name="pk")
    wilayah = RegionFilter(field_name="village__code", label=_("Wilayah"))
    verivali = django_filters.ChoiceFilter(
        field_name="verification_status",
        choices=c.VerificationStatus.choices,
        label=_("Hasil verivali"),
        empty_label=_("semua"),
    )
    belum_verivali = django_filters.NumberFilter(
        method="not_verified_for",
        label=_("Tidak diverivali sejak (bulan)"),
        min_value=0,
        max_value=240,
    )
    program = django_filters.ChoiceFilter(
        method="receiving", choices=_program_choices, label=_("Menerima"), empty_label=_("semua")
    )

    class Meta:
        model = Family
        fields = []


class PersonFilterSet(FamilyRowsFilterSet):
    rows = PERSONS

    q = FamilySearch(field_name="family_id")
    wilayah = RegionFilter(field_name="family__village__code", label=_("Wilayah"))
    jenis_kelamin = django_filters.ChoiceFilter(
        field_name="sex", choices=c.Sex.choices, label=_("Jenis kelamin"), empty_label=_("semua")
    )
    umur_dari = django_filters.NumberFilter(
        method="age_from", label=_("Umur dari"), min_value=0, max_value=130
    )
    umur_sampai = django_filters.NumberFilter(
        method="age_to", label=_("Umur sampai"), min_value=0, max_value=130
    )
    disabilitas = django_filters.BooleanFilter(
        method="with_disability",
        label=_("Disabilitas"),
        widget=forms.Select(choices=[("", _("semua")), ("true", _("ya")), ("false", _("tidak"))]),
    )
    jaminan = django_filters.ChoiceFilter(
        field_name="health_insurance",
        choices=c.HealthInsurance.choices,
        label=_("Jaminan kesehatan"),
        empty_label=_("semua"),
    )
    program = django_filters.ChoiceFilter(
        method="receiving", choices=_program_choices, label=_("Keluarga menerima"),
        empty_label=_("semua"),
    )  # fmt: skip

    class Meta:
        model = Person
        fields = []

    def age_from(self, queryset, name, value):
        """At least ``value`` years old today: born on or before this day ``value`` years ago."""
        return queryset.filter(birth_date__lte=years_before(dt.date.today(), int(value)))

    def age_to(self, queryset, name, value):
        """At most ``value`` years old: born after this day ``value + 1`` years ago."""
        return queryset.filter(birth_date__gt=years_before(dt.date.today(), int(value) + 1))

    def with_disability(self, queryset, name, value):
        none = {"disability__in": ["", c.Disability.NONE]}
        return queryset.exclude(**none) if value else queryset.filter(**none)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
