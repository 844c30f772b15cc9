import django_filters
from django.utils.translation import gettext_lazy as _

from padu.registry.queries import families_matching

from .choices import AssignmentState
from .models import Assignment


class AssignmentFilterSet(django_filters.FilterSet):
    """An operator's families: by name, NIK or No KK, and by how far each has come."""

    q = django_filters.CharFilter(label=_("Nama, NIK atau No KK"), method="search")
    tahap = django_filters.ChoiceFilter(
        field_name="state", choices=AssignmentState.choices, label=_("Tahap")
    )

    class Meta:
        model = Assignment
        fields = []

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(family_id__in=families_matching(value)) if value else queryset
