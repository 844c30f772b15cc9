"""What welfare adds to the family and person lists: the poverty status and desil of the
results in force, and the needs they raised, as columns and filters (padu.registry.lists)."""

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import F, FilteredRelation, Q
from django.utils.translation import gettext_lazy as _

from padu.registry.lists import ListPart, Rows, list_part

from .choices import PovertyStatus
from .models import FamilyNeed, NeedRule
from .services import newest_models

#: The alias of a row's family's result in force.
RESULT = "welfare_now"


def _prepare(queryset, rows: Rows):
    # An empty IN would empty the whole list, not only the join: 0 is no model's id.
    in_force = list(newest_models().values_list("pk", flat=True)) or [0]
    welfare = rows.to_family("welfare")
    return queryset.annotate(
        **{RESULT: FilteredRelation(welfare, condition=Q(**{f"{welfare}__model_id__in": in_force}))}
    ).annotate(poverty_status=F(f"{RESULT}__status"), desil=F(f"{RESULT}__desil"))


class NeedFilter(django_filters.ModelChoiceFilter):
    """Rows whose family has a need (a rule's code) under the results in force."""

    def __init__(self, *args, family_id: str, **kwargs):
        self.family_id = family_id
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        raised = FamilyNeed.objects.filter(rule=value, model__in=newest_models())
        return queryset.filter(**{f"{self.family_id}__in": raised.values("family_id")})


def _filters(rows: Rows) -> dict:
    return {
        "status": django_filters.MultipleChoiceFilter(
            field_name=f"{RESULT}__status",
            choices=PovertyStatus.choices,
            label=_("Status kemiskinan"),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        ),
        "desil_dari": django_filters.NumberFilter(
            field_name=f"{RESULT}__desil", lookup_expr="gte", label=_("Desil dari"),
            min_value=1, max_value=10,
        ),
        "desil_sampai": django_filters.NumberFilter(
            field_name=f"{RESULT}__desil", lookup_expr="lte", label=_("Desil sampai"),
            min_value=1, max_value=10,
        ),
        "kebutuhan": NeedFilter(
            family_id=rows.family_id,
            queryset=NeedRule.objects.order_by("dimension", "label"),
            to_field_name="code",
            label=_("Kebutuhan"),
            empty_label=_("semua"),
        ),
    }  # fmt: skip


class StatusColumn(tables.Column):
    def render(self, value, record):
        return PovertyStatus(value).label if value in PovertyStatus.values else "—"


def _columns(rows: Rows) -> dict:
    return {
        "poverty_status": StatusColumn(
            verbose_name=_("Status"), order_by=(f"{RESULT}__status", "pk"), default="—"
        ),
        "desil": tables.Column(
            verbose_name=_("Desil"), order_by=(f"{RESULT}__desil", "pk"), default="—"
        ),
    }


list_part(ListPart(name="welfare", order=10, prepare=_prepare, filters=_filters, columns=_columns))
