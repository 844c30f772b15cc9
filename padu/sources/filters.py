import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import Severity
from .models import ImportIssue


class IssueFilterSet(django_filters.FilterSet):
    """A batch's problems by severity, or of one kind (its code)."""

    tingkat = django_filters.ChoiceFilter(
        field_name="severity", choices=Severity.choices, label=_("Tingkat")
    )
    jenis = django_filters.ChoiceFilter(field_name="code", label=_("Jenis"))

    class Meta:
        model = ImportIssue
        fields = []

    def __init__(self, *args, kinds: list[str], **kwargs):
        """``kinds``: the codes of the batch's problems, the only kinds there are to pick."""
        super().__init__(*args, **kwargs)
        self.filters["jenis"].extra["choices"] = [(code, code) for code in kinds]
