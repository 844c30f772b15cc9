"""Filtering lists by a region typed into a search form: by code or by name."""

import django_filters
from django import forms
from django.apps import apps
from django.core.cache import cache
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from .choices import RegionLevel
from .codes import normalize_code
from .models import Region


class RegionCodeField(forms.CharField):
    """A region as typed: a Kemendagri code ("3374", "33.74.01", " 33.74.01.1001 ") or a
    name ("Sadeng", "kec. gunungpati"), as its dotted code. A name that fits no region, or
    several, is an error that says what to write, never a filter silently dropped."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        code = normalize_code(value)
        if code is not None:
            return code
        found = list(Region.objects.by_name(value)[:6])
        if len(found) == 1:
            return found[0].code
        if not found:
            raise forms.ValidationError(
                _(
                    "Tidak ada wilayah bernama %(value)s; periksa ejaannya, atau tulis kodenya, "
                    "mis. 33.74.01."
                )
                % {"value": value}
            )
        raise forms.ValidationError(
            _("%(value)s cocok dengan beberapa wilayah: %(regions)s. Pilih salah satu kodenya.")
            % {"value": value, "regions": "; ".join(f"{r.name} ({r.code})" for r in found)}
        )


class RegionFilter(django_filters.CharFilter):
    """Rows within a region: the region itself and everything below it."""

    field_class = RegionCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "within")
        kwargs.setdefault("widget", RegionInput())
        super().__init__(*args, **kwargs)


class RegionInput(forms.TextInput):
    """A text box that suggests the regions a user works in by name as they type (a
    ``<datalist>``: no script, works on a cheap phone), while still taking a code."""

    template_name = "regions/region_input.html"

    def __init__(self, attrs=None):
        super().__init__(
            {"placeholder": _("nama atau kode"), "autocomplete": "off", **(attrs or {})}
        )
        self.options: list[tuple[str, str]] = []

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{context['widget']['attrs'].get('id', name)}-list"
        context["widget"]["options"] = self.options
        return context


def region_options(user) -> list[tuple[str, str]]:
    """(code, "Name · District") of the districts and villages a user works in, for
    ``RegionInput``; those of the regencies holding families for a user without a region."""
    regions = Region.objects.filter(level__in=[RegionLevel.DISTRICT, RegionLevel.VILLAGE])
    if user.region_id:
        regions = regions.filter(code__within=user.region_id)
    else:
        regencies = cache.get_or_set("regions:with-families", _regencies_with_families, 300)
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


def _regencies_with_families() -> list[str]:
    # Registry lies above regions: ask for its model by label rather than import it.
    families = apps.get_model("registry", "Family").objects
    return list(
        families.exclude(village__isnull=True)
        .annotate(regency=Substr("village_id", 1, 5))
        .values_list("regency", flat=True)
        .distinct()
    )


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
