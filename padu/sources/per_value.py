"""Normalising a column once per distinct value instead of once per cell.

Exports repeat their values (villages, dates, codes, common names), so normalising the
distinct values and joining them back is five to ten times faster than the whole column.
"""

import polars as pl

#: Share of distinct values above which a column is normalised in place (see with_per_value):
#: full names (57% distinct in a 75,000-row chunk) are a third cheaper by distinct value,
#: NIKs (98%) a tenth dearer.
MOSTLY_DISTINCT = 0.8
#: Share of a chunk's distinct values found in the lookup carried from earlier chunks, below
#: which the lookup is no longer carried.
MOSTLY_KNOWN = 0.5
#: with_per_value's working columns: the hash of a value, and the value a row's hash found.
_KEY, _LOOKED_UP = "_value_hash", "_value_found"
VALUE_HASH_SEED = 0x5EED_0003


def with_per_value(
    frame: pl.DataFrame,
    column: str,
    derived: dict[str, pl.Expr],
    known: dict[tuple, pl.DataFrame | None] | None = None,
) -> pl.DataFrame:
    """Add columns computed from one column, each distinct value computed once; each of
    ``derived`` may use those before it.

    Exports repeat their values (villages, dates, codes, common names), so normalising the
    distinct values and joining them back is five to ten times faster than the whole column.
    ``known`` carries the values already computed from one chunk of a file to the next, for
    as long as they come back: a family's ids sit together in a file, so a lookup of them
    would only grow. A column whose values hardly repeat even within a chunk (NIK, ids) is
    computed in place.

    Values are matched by a 64-bit hash, which joins in half the time text does; every row
    is then checked to have found its own value, and the rare chunk where two values share a
    hash is joined by text instead.
    """
    if not derived:
        return frame
    keyed = frame.with_columns(value_hash(pl.col(column)).alias(_KEY))
    values = keyed.select(column, _KEY).filter(pl.col(_KEY).is_first_distinct())
    if values.height > frame.height * MOSTLY_DISTINCT:
        return _derive(frame, derived)
    key = (column, *derived)
    earlier = known.get(key) if known is not None else None
    fresh = values
    if earlier is not None:
        fresh = values.join(earlier.select(_KEY), on=_KEY, how="anti")
    if earlier is None:
        lookup = _derive(fresh, derived)
    elif fresh.height:
        lookup = pl.concat([earlier, _derive(fresh, derived)])
    else:
        lookup = earlier
    if known is not None and (key not in known or earlier is not None):
        comes_back = earlier is None or fresh.height < values.height * (1 - MOSTLY_KNOWN)
        known[key] = lookup if comes_back else None
    joined = keyed.join(
        lookup.rename({column: _LOOKED_UP}), on=_KEY, how="left", maintain_order="left"
    )
    if joined.select(pl.col(column).eq_missing(pl.col(_LOOKED_UP)).all()).item():
        return joined.drop(_KEY, _LOOKED_UP)
    if known is not None:
        known.pop(key, None)
    lookup = _derive(frame.select(pl.col(column).unique()), derived)
    return frame.join(lookup, on=column, how="left", nulls_equal=True, maintain_order="left")


def _derive(frame: pl.DataFrame, derived: dict[str, pl.Expr]) -> pl.DataFrame:
    """``frame`` with the ``derived`` columns, in order: each may use those before it."""
    lazy = frame.lazy()
    for name, expr in derived.items():
        lazy = lazy.with_columns(expr.alias(name))
    return lazy.collect()


def value_hash(values: pl.Expr) -> pl.Expr:
    """with_per_value's key for a value (a function, so that a test can make values collide)."""
    return values.hash(VALUE_HASH_SEED)
