"""The family and person lists gather columns and filters that the apps above registry
contribute (welfare's poverty status, desil and needs), as the family page gathers panels:
registry never imports them.

An app registers a part in its ``AppConfig.ready``::

    list_part(ListPart(name="welfare", order=10, prepare=..., filters=..., columns=...))

Each of ``prepare``, ``filters`` and ``columns`` takes the ``Rows`` being listed, so that
one part serves both lists: ``prepare`` adds the joins and annotations its filters and
columns read (it runs once per request, on the user's restricted queryset), ``filters``
returns django-filter filters and ``columns`` django-tables2 columns, by name.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import django_filters
import django_tables2 as tables
from django.db.models import QuerySet


@dataclass(frozen=True)
class Rows:
    """What a list shows a row of: ``family`` is the path from a row to its family ("" for
    a family itself), ``family_id`` the path to the family's id."""

    name: str
    family: str
    family_id: str

    def to_family(self, path: str) -> str:
        """``path`` from the family, as seen from a row."""
        return f"{self.family}__{path}" if self.family else path


FAMILIES = Rows("families", family="", family_id="pk")
PERSONS = Rows("persons", family="family", family_id="family_id")


@dataclass(frozen=True)
class ListPart:
    name: str
    order: int
    prepare: Callable[[QuerySet, Rows], QuerySet] = lambda queryset, rows: queryset
    filters: Callable[[Rows], dict[str, django_filters.Filter]] = lambda rows: {}
    columns: Callable[[Rows], dict[str, tables.Column]] = lambda rows: {}


_parts: dict[str, ListPart] = {}


def list_part(part: ListPart) -> ListPart:
    """Register ``part`` (registering a name again replaces it)."""
    _parts[part.name] = part
    _classes.cache_clear()
    return part


def parts() -> list[ListPart]:
    return sorted(_parts.values(), key=lambda p: (p.order, p.name))


def prepare(queryset: QuerySet, rows: Rows) -> QuerySet:
    for part in parts():
        queryset = part.prepare(queryset, rows)
    return queryset


@cache
def _classes(base_filterset, base_table, rows: Rows):
    filters, columns = {}, {}
    for part in parts():
        filters.update(part.filters(rows))
        columns.update(part.columns(rows))
    filterset = type(base_filterset.__name__, (base_filterset,), filters)
    sequence = list(base_table.Meta.sequence)
    at = sequence.index(base_table.extra_columns_after) + 1
    sequence[at:at] = list(columns)
    meta = type("Meta", (base_table.Meta,), {"sequence": sequence})
    table = type(base_table.__name__, (base_table,), {**columns, "Meta": meta})
    return filterset, table


def list_classes(base_filterset, base_table, rows: Rows):
    """The FilterSet and Table classes of a list: its own filters and columns and those of
    every registered part."""
    return _classes(base_filterset, base_table, rows)
