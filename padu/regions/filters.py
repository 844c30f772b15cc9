"""Filtering lists by a region typed into a search form."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .codes import normalize_code


class RegionCodeField(forms.CharField):
    """A Kemendagri code as typed ("3374", "33.74.01", " 33.74.01.1001 "), in dotted form;
    anything else is an error that says what to write, never a filter silently dropped."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        code = normalize_code(value)
        if code is None:
            raise forms.ValidationError(
                _("%(value)s bukan kode wilayah; tulis kodenya, mis. 33.74 atau 33.74.01.1001.")
                % {"value": value}
            )
        return code


class RegionFilter(django_filters.CharFilter):
    """Rows within a region: the region itself and everything below it."""

    field_class = RegionCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "within")
        super().__init__(*args, **kwargs)
