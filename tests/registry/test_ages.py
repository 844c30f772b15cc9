"""Ages: completed years, the same everywhere Padu counts them."""

import datetime as dt

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from padu.registry.ages import age_in_years

DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))


def _reference(birth: dt.date, on: dt.date) -> int:
    """Birthdays reached, counted another way: the anniversary of the birth date this year
    (1 March for 29 February in a year without it) has come or not."""
    try:
        anniversary = birth.replace(year=on.year)
    except ValueError:
        anniversary = dt.date(on.year, 3, 1)
    return on.year - birth.year - (on < anniversary)


def _age(birth: dt.date | None, on: dt.date):
    frame = pl.DataFrame({"b": [birth]}, schema={"b": pl.Date})
    return frame.select(age_in_years(pl.col("b"), on)).item()


@given(birth=DATES, on=DATES)
def test_age_is_the_birthdays_reached(birth, on):
    assert _age(birth, on) == _reference(birth, on)


def test_a_leap_day_birthday_comes_on_the_first_of_march():
    born = dt.date(2000, 2, 29)
    assert _age(born, dt.date(2025, 2, 28)) == 24
    assert _age(born, dt.date(2025, 3, 1)) == 25
    assert _age(born, dt.date(2024, 2, 29)) == 24
    assert _age(dt.date(2000, 3, 1), dt.date(2025, 3, 1)) == 25  # the case two counts disagreed on
    assert _age(None, dt.date(2025, 3, 1)) is None
