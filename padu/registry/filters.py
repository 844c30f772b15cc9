import django_filters
from django.utils.translation import gettext_lazy as _

from padu.regions.filters import RegionFilter

from .models import Family
from .queries import families_matching


class FamilySearch(django_filters.CharFilter):
    """Rows whose family a search box means: by name, NIK or No KK (``field_name`` leads to
    the family's id)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Nama, NIK atau No KK"))
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(**{f"{self.field_name}__in": families_matching(value)})


class FamilyFilterSet(django_filters.FilterSet):
    """The family list's search: a name, NIK or No KK, and a region."""

    q = FamilySearch(field_name="pk")
    wilayah = RegionFilter(field_name="village__code", label=_("Kode wilayah"))

    class Meta:
        model = Family
        fields = []
