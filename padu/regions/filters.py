"""Filtering lists by a region typed into a search form: by code or by name."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

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
            # The typed value as a parameter, never into the message itself: a "%" in it
            # would break whoever formats the message (django-filter's API backend does).
            raise forms.ValidationError(
                _(
                    "Tidak ada wilayah bernama %(value)s; periksa ejaannya, atau tulis kodenya, "
                    "mis. 33.74.01."
                ),
                params={"value": value},
            )
        raise forms.ValidationError(
            _("%(value)s cocok dengan beberapa wilayah: %(regions)s. Pilih salah satu kodenya."),
            params={"value": value, "regions": "; ".join(f"{r.name} ({r.code})" for r in found)},
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
