import django_filters
from django.utils.translation import gettext_lazy as _

from padu.registry.filters import FamilySearch

from .choices import AssignmentState
from .models import Assignment


class AssignmentFilterSet(django_filters.FilterSet):
    """An operator's families: by name, NIK or No KK, and by how far each has come."""

    q = FamilySearch(field_name="family_id")
    tahap = django_filters.ChoiceFilter(
        field_name="state", choices=AssignmentState.choices, label=_("Tahap")
    )

    class Meta:
        model = Assignment
        fields = []
