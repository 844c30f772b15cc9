"""How each kind of field is read: one entry per kind, from a source column to the values a
record keeps. The normalisers themselves are in ``normalise``."""

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from . import normalise as n
from .canonical import Field, Kind


@dataclass(frozen=True)
class Reading:
    """What one source column adds to a chunk.

    ``derived``: columns computed from the cell once per distinct value (see
    per_value.with_per_value), each may use those before it. ``values``: the record's values
    taken from them, by name; ``fallbacks``: values kept only when no other column gives
    them (RT/RW written together defer to RT and RW written apart). ``unreadable``: a derived
    flag, a value that was there and could not be read; ``id_status``: a derived id reading
    whose status names what was wrong with a NIK or No KK.
    """

    derived: dict[str, pl.Expr]
    values: dict[str, pl.Expr] = field(default_factory=dict)
    fallbacks: dict[str, pl.Expr] = field(default_factory=dict)
    unreadable: str | None = None
    id_status: str | None = None


def _id_number(spec: Field, cell: pl.Expr, codes) -> Reading:
    reading = f"_{spec.name}"
    values = {spec.name: pl.col(reading).struct.field("digits")}
    if spec.kind is Kind.NIK:
        values["nik_status"] = pl.col(reading).struct.field("status")
    return Reading({reading: n.id_reading(cell)}, values, id_status=reading)


def _name(spec: Field, cell: pl.Expr, codes) -> Reading:
    if spec.name == "full_name":  # the display form, the match key and the title, in one pass
        parts = pl.col("_full_name").struct
        return Reading(
            {"_full_name": n.name_parts(cell)},
            {
                "full_name": parts.field("display"),
                "name_key": parts.field("key"),
                "name_title": parts.field("title"),
            },
        )
    return _plain(spec, n.name_display(cell))


def _coded(spec: Field, cell: pl.Expr, codes: dict[str, str]) -> Reading:
    """A value read into a code, a flag, a date or a number (a code through the layout's or
    the mapping's list, when there is one): one that is there and cannot be read is
    emptied, and said so."""
    if spec.kind is Kind.CHOICE:
        value = n.choice(cell, spec, codes)
    elif spec.kind in (Kind.SEX, Kind.FLAG):
        value = n.KIND_NORMALISERS[spec.kind](cell, codes)
    else:
        value = n.KIND_NORMALISERS[spec.kind](cell)
    column, flag = f"_v_{spec.name}", f"_bad_{spec.name}"
    return Reading(
        {column: value, flag: n.clean_text(cell).is_not_null() & pl.col(column).is_null()},
        {spec.name: pl.col(column)},
        unreadable=flag,
    )


def _two_in_one(spec: Field, value: pl.Expr, names: tuple[str, str]) -> Reading:
    """One cell holding two values ("001/002", "-6.98, 110.41"): each a fallback to the
    column that holds it alone."""
    column = f"_v_{spec.name}"
    return Reading(
        {column: value}, fallbacks={name: pl.col(column).struct.field(name) for name in names}
    )


def _plain(spec: Field, value: pl.Expr) -> Reading:
    column = f"_v_{spec.name}"
    return Reading({column: value}, {spec.name: pl.col(column)})


#: Each kind's reader: (field, cell, the codes of its column) -> Reading, or None.
READERS: dict[Kind, Callable[[Field, pl.Expr, dict[str, str]], Reading | None]] = {
    Kind.ID: lambda spec, cell, codes: _plain(spec, n.clean_text(cell)),
    Kind.TEXT: lambda spec, cell, codes: _plain(spec, n.clean_text(cell)),
    Kind.NIK: _id_number,
    Kind.KK: _id_number,
    Kind.NAME: _name,
    Kind.CHOICE: _coded,
    Kind.SEX: _coded,
    Kind.FLAG: _coded,
    Kind.DATE: _coded,
    Kind.INTEGER: _coded,
    Kind.MONEY: _coded,
    Kind.RT_RW: lambda spec, cell, codes: _two_in_one(spec, n.rt_rw(cell), ("rt", "rw")),
    Kind.RT: lambda spec, cell, codes: _plain(spec, n.rt_or_rw(cell)),
    Kind.RW: lambda spec, cell, codes: _plain(spec, n.rt_or_rw(cell)),
    Kind.COORDINATE: lambda spec, cell, codes: _plain(spec, n.coordinate(cell)),
    Kind.COORDINATES: lambda spec, cell, codes: _two_in_one(
        spec, n.coordinate_pair(cell), ("latitude", "longitude")
    ),
    # Places are read for the whole file at once (survey.Places).
    Kind.REGION_CODE: lambda spec, cell, codes: None,
    Kind.REGION_NAME: lambda spec, cell, codes: None,
}


def read_field(spec: Field, cell: pl.Expr, codes: dict[str, str] | None = None) -> Reading | None:
    """How ``cell`` (a source column) is read for ``spec``, a coded one through ``codes``
    (code -> value, from the layout or the mapping); None for a column read elsewhere."""
    return READERS[spec.kind](spec, cell, codes or {})
