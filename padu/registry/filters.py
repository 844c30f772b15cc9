import django_filters
from django.utils.translation import gettext_lazy as _

from padu.regions.filters import RegionFilter

from .models import Family
from .queries import families_matching


class FamilyFilterSet(django_filters.FilterSet):
    """The family list's search: a name, NIK or No KK, and a region."""

    q = django_filters.CharFilter(label=_("Nama, NIK atau No KK"), method="search")
    wilayah = RegionFilter(field_name="village__code", label=_("Kode wilayah"))

    class Meta:
        model = Family
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(pk__in=families_matching(value)) if value else queryset
