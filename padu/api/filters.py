"""The API's filters: the web lists' own (one meaning for each filter), and the exact
numbers a system looks people up by."""

import django_filters
from django.utils.translation import gettext_lazy as _

from padu.programs.filters import ReferralFilterSet
from padu.registry.filters import FamilyFilterSet, PersonFilterSet


class FamilyFilters(FamilyFilterSet):
    nik = django_filters.CharFilter(
        field_name="members__nik", label=_("NIK seorang anggota"), max_length=16, distinct=True
    )
    no_kk = django_filters.CharFilter(field_name="kk_number", label=_("No KK"), max_length=16)


class PersonFilters(PersonFilterSet):
    nik = django_filters.CharFilter(field_name="nik", label=_("NIK"), max_length=16)
    no_kk = django_filters.CharFilter(
        field_name="family__kk_number", label=_("No KK"), max_length=16
    )


__all__ = ["FamilyFilters", "PersonFilters", "ReferralFilterSet"]
