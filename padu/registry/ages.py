"""A person's age, the one way Padu computes it: completed years, a birthday on 29 February
reached on 1 March in a year that has none."""

import datetime as dt

import polars as pl


def age_in_years(birth: pl.Expr, on: dt.date) -> pl.Expr:
    """The age on ``on`` of each birth date in ``birth`` (null where it is null)."""
    day = pl.lit(on)
    before_birthday = (day.dt.month() < birth.dt.month()) | (
        (day.dt.month() == birth.dt.month()) & (day.dt.day() < birth.dt.day())
    )
    return (day.dt.year() - birth.dt.year()).cast(pl.Int32) - before_birthday.cast(pl.Int32)


def age_on(birth: dt.date, on: dt.date) -> int:
    """``age_in_years`` for one person."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
