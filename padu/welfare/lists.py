"""What welfare adds to the family and person lists: the poverty status and desil of the
results in force, and the needs they raised, as columns and filters (padu.registry.lists).

Shaped for a city of millions: the values shown are looked up for the rows of one page
only; a filter is a semi-join on the results' indexes (so that counting a filtered list
never joins every family); only sorting by a column joins the results."""

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from padu.core.paging import SegmentedRows, counted, late_annotate
from padu.registry.lists import ListPart, Rows, list_part

from .choices import PovertyStatus
from .models import FamilyNeed, NeedRule
from .services import current_results, in_force_model_ids


def _prepare(queryset, rows: Rows):
    result = current_results().filter(family_id=OuterRef(rows.family_id))
    return late_annotate(
        queryset,
        poverty_status=Subquery(result.values("status")[:1]),
        desil=Subquery(result.values("desil")[:1]),
    )


class ResultFilter:
    """Rows whose family's result in force passes ``lookup`` (on FamilyWelfare)."""

    def __init__(self, *args, family_id: str, result_lookup: str, **kwargs):
        self.family_id, self.result_lookup = family_id, result_lookup
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):
        if value in (None, "", [], ()):
            return queryset
        results = current_results().filter(**{self.result_lookup: value})
        return queryset.filter(**{f"{self.family_id}__in": results.values("family_id")})


class ResultChoices(ResultFilter, django_filters.MultipleChoiceFilter):
    pass


class ResultNumber(ResultFilter, django_filters.NumberFilter):
    pass


class NeedFilter(ResultFilter, django_filters.ModelChoiceFilter):
    """Rows whose family has a need (a rule's code) under the results in force."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        raised = FamilyNeed.objects.filter(rule=value, model_id__in=in_force_model_ids())
        return queryset.filter(**{f"{self.family_id}__in": raised.values("family_id")})


def _filters(rows: Rows) -> dict:
    family_id = rows.family_id
    return {
        "status": ResultChoices(
            family_id=family_id, result_lookup="status__in", choices=PovertyStatus.choices,
            label=_("Status kemiskinan"),
            widget=forms.CheckboxSelectMultiple(attrs={"class": "choices"}),
        ),
        "desil_dari": ResultNumber(
            family_id=family_id, result_lookup="desil__gte", label=_("Desil dari"),
            min_value=1, max_value=10,
        ),
        "desil_sampai": ResultNumber(
            family_id=family_id, result_lookup="desil__lte", label=_("Desil sampai"),
            min_value=1, max_value=10,
        ),
        "kebutuhan": NeedFilter(
            family_id=family_id, result_lookup="", label=_("Kebutuhan"),
            queryset=NeedRule.objects.order_by("dimension", "label"), to_field_name="code",
            empty_label=_("semua"),
        ),
    }  # fmt: skip


#: Up to this many rows, a list sorted by a result is sorted by the database in one query.
SORTED_IN_SQL_UP_TO = 20_000


class ResultColumn(tables.Column):
    """A value of the family's result in force; sorting reads the families of each value in
    turn (families without a result last), never sorting the whole list (SegmentedRows)."""

    def __init__(self, *args, rows: Rows, field: str, values: list, **kwargs):
        self.rows, self.field, self.values = rows, field, values
        super().__init__(*args, **kwargs)

    def order(self, queryset, is_descending):
        family_id, key = f"{self.rows.family_id}__in", "-pk" if is_descending else "pk"
        if counted(queryset) <= SORTED_IN_SQL_UP_TO:
            # A filtered list of a few thousand rows: one sort is cheaper than a query per
            # value (most of them empty).
            welfare = self.rows.to_family("welfare")
            joined = queryset.annotate(
                result_in_force=FilteredRelation(
                    welfare, condition=Q(**{f"{welfare}__model_id__in": in_force_model_ids()})
                )
            )
            value = F(f"result_in_force__{self.field}")
            value = value.desc(nulls_last=True) if is_descending else value.asc(nulls_last=True)
            return joined.order_by(value, key), True
        in_force = current_results()
        segments = [
            queryset.filter(
                **{family_id: in_force.filter(**{self.field: value}).values("family_id")}
            )
            for value in (reversed(self.values) if is_descending else self.values)
        ]
        segments.append(queryset.exclude(**{family_id: in_force.values("family_id")}))
        return SegmentedRows(queryset, [segment.order_by(key) for segment in segments]), True


class StatusColumn(ResultColumn):
    def render(self, value, record):
        return PovertyStatus(value).label if value in PovertyStatus.values else "—"


def _columns(rows: Rows) -> dict:
    return {
        # In the order of their codes, as the database would sort them.
        "poverty_status": StatusColumn(
            rows=rows,
            field="status",
            values=sorted(PovertyStatus.values),
            verbose_name=_("Status"),
            default="—",
        ),
        "desil": ResultColumn(
            rows=rows,
            field="desil",
            values=list(range(1, 11)),
            verbose_name=_("Desil"),
            default="—",
        ),
    }


list_part(ListPart(name="welfare", order=10, prepare=_prepare, filters=_filters, columns=_columns))
