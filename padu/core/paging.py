"""Paging through lists of a whole city: the count kept for a while, and the values shown
computed for the rows of the page only.

A list sorted by a column the database has no index for sorts every row it holds; any
value computed in the same query (a head's name, a member count, a desil) is computed
for all of them first, 300,000 families for 25 shown. ``late_annotate`` keeps those
values out of the sorted query: a page's ids are sorted and sliced first, then the page's
rows are read again with the values (a "deferred join")."""

import contextlib
import hashlib

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.db.models.sql.where import WhereNode
from django.utils.functional import cached_property


class CountedOncePaginator(Paginator):
    """The number of rows under one filter is counted once and kept for
    ``COUNT_SECONDS`` (counting a million people takes a quarter of a second; paging
    through them should not pay it on every page), a long list's for
    ``LONG_COUNT_SECONDS`` (a few new rows among a hundred thousand change no page
    number a person reads). A count may lag new rows by that long; the rows never do.

    With ``defer_count``, a page whose total is not counted yet does not wait for it: it
    reads whether a row follows the page (``exact`` is then False, ``count`` a lower bound),
    and the page fetches the total afterwards (the list's ``?hitung=1``), which is kept for
    the pages after it."""

    COUNT_SECONDS = 120
    LONG_COUNT_SECONDS, LONG_COUNT = 15 * 60, 100_000
    READ_PAST_UP_TO = 1_000_000

    def __init__(self, object_list, per_page, *args, defer_count: bool = False, **kwargs):
        self.defer_count, self.exact, self._wanted = defer_count, True, 1
        super().__init__(object_list, per_page, *args, **kwargs)

    def validate_number(self, number):
        with contextlib.suppress(TypeError, ValueError):  # Django's own check says what is wrong
            self._wanted = max(1, int(number))
        return super().validate_number(number)

    @cached_property
    def count(self) -> int:
        queryset = _queryset_of(self.object_list)
        if queryset is None:
            return super().count
        # The rows up to the end of the wanted page and one more: fewer is the whole list.
        # A page deeper than READ_PAST_UP_TO rows costs what the count costs: counted.
        reach = self._wanted * self.per_page + 1
        if not self.defer_count or reach > self.READ_PAST_UP_TO:
            return counted(queryset, self.COUNT_SECONDS)
        known = known_count(queryset)
        if known is not None:
            return known
        found = queryset.order_by()[:reach].count()
        if found < reach:
            _keep_count(queryset, found, self.COUNT_SECONDS)
            return found
        self.exact = False
        return found


def _count_key(queryset: QuerySet) -> str | None:
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except EmptyResultSet:
        return None  # a filter that can match nothing (.none())
    return "list-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()


def known_count(queryset: QuerySet) -> int | None:
    """The kept count of ``queryset``'s rows, None when it is not counted yet."""
    key = _count_key(queryset)
    return 0 if key is None else cache.get(key)


def _keep_count(queryset: QuerySet, count: int, seconds: int) -> None:
    key = _count_key(queryset)
    if key is not None:
        long = count >= CountedOncePaginator.LONG_COUNT
        cache.set(key, count, CountedOncePaginator.LONG_COUNT_SECONDS if long else seconds)


def counted(queryset: QuerySet, seconds: int = CountedOncePaginator.COUNT_SECONDS) -> int:
    """``queryset.count()``, kept for ``seconds`` under the SQL that counts it."""
    count = known_count(queryset)
    if count is None:
        count = queryset.count()
        _keep_count(queryset, count, seconds)
    return count


class SegmentedRows:
    """The rows of ``queryset`` sorted by a column of few values (a poverty status, a desil)
    without sorting them: ``segments`` are the rows of each value in turn, each in the
    order of an index (its filter, then the key), so that a page is read from the segment
    it falls in. Sorting a city's 300,000 families by status in SQL sorts them all for each
    page; this reads 25, after counting (once, kept a while) the segments before the page.

    Stands in for the queryset in a django-tables2 table: counted, sliced, iterated."""

    def __init__(self, queryset: QuerySet, segments: list[QuerySet]):
        self.queryset, self.segments = queryset, segments
        self.model = queryset.model

    def count(self) -> int:
        return counted(self.queryset)

    __len__ = count

    def order_by(self, *fields):  # the table asks only whether it could
        return self

    def __iter__(self):
        for segment in self.segments:
            yield from segment

    def __getitem__(self, key):
        if isinstance(key, int):
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        offset, stop = key.start or 0, key.stop
        if stop is None:
            return list(self)[offset:]
        need, rows = stop - offset, []
        for segment in self.segments:
            if len(rows) >= need:
                break
            if offset:
                # Rows before the page: skip whole segments by their (kept) counts.
                size = counted(segment)
                if offset >= size:
                    offset -= size
                    continue
            rows += segment[offset : offset + need - len(rows)]
            offset = 0
        return rows


def _queryset_of(rows):
    """The queryset behind a django-tables2 table's rows (or the queryset itself)."""
    for _depth in range(3):
        if isinstance(rows, QuerySet):
            return rows
        rows = getattr(rows, "data", None)
    return None


class _LateAnnotated:
    """Mixed into a queryset's own class by ``late_annotate``."""

    _late: dict

    def _clone(self):
        clone = super()._clone()
        clone._late = self._late
        return clone

    def _fetch_all(self):
        if self._result_cache is not None or self._iterable_class is not ModelIterable:
            return super()._fetch_all()
        if not self.query.is_sliced:
            self._result_cache = list(self._without_late().annotate(**self._late))
            return None
        ids = list(self.values_list("pk", flat=True))
        rows = self._without_late()
        rows.query.clear_limits()
        rows.query.clear_ordering(force=True)
        # The ids passed the filters (and the user's scope) already; read by id alone, or
        # the database may read the page through the filters' sets again.
        rows.query.where = WhereNode()
        found = rows.filter(pk__in=ids).annotate(**self._late).in_bulk()
        self._result_cache = [found[pk] for pk in ids if pk in found]
        return None

    def _without_late(self):
        plain = self._chain()
        plain.__class__ = type(self).__mro__[2]  # the queryset class late_annotate mixed into
        return plain


_classes: dict[type, type] = {}


def late_annotate(queryset: QuerySet, **annotations) -> QuerySet:
    """``queryset.annotate(**annotations)``, computed for the rows a page reads only."""
    base = type(queryset)
    late = getattr(queryset, "_late", {})
    if issubclass(base, _LateAnnotated):
        base = base.__mro__[2]
    cls = _classes.setdefault(
        base, type(f"LateAnnotated{base.__name__}", (_LateAnnotated, base), {})
    )
    clone = queryset._chain()
    clone.__class__ = cls
    clone._late = {**late, **annotations}
    return clone
