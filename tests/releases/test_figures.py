"""The figures of a release: FGT poverty measures against a hand computation, sums that
hold at every level, small-cell suppression that gives nothing away, the pace toward
zero extreme poverty."""

import datetime as dt

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from padu.releases.figures import Progress, build_aggregates
from padu.releases.indicators import INDICATORS_BY_CODE
from padu.releases.snapshot import FLAG_PROGRAMS
from padu.releases.suppression import suppress, table_lines

LINE = 100  # Rp per person per month, for round numbers


def _families(rows: list[dict]) -> pl.DataFrame:
    base = {
        "lifecycle": "aktif",
        "status": "tidak_miskin",
        "head_female": False,
        "elderly_alone": False,
        "head_education": "sma",
        "head_work_status": "buruh_karyawan",
        "verification_status": "",
        "expenditure_observed": True,
        "poverty_line": LINE,
        "extreme_line": 60,
        "housing_deprivations": 0,
        "latitude": -6.98,
        "longitude": 110.42,
        **dict.fromkeys(FLAG_PROGRAMS, False),
        "province": "33",
        "regency": "33.74",
        "district": "33.74.01",
        "rw": "001",
        "rt": "001",
    }
    return pl.DataFrame([{**base, **row} for row in rows])


def _aggregates(families: pl.DataFrame) -> pl.DataFrame:
    persons = families.select(
        "village", "district", "regency", "province", "rw", "rt", "status", "lifecycle",
        pl.col("members").alias("n"),
    ).with_columns(age=pl.lit(30), sex=pl.lit("L"), disability=pl.lit(""), school_participation=pl.lit(""))  # fmt: skip
    persons = persons.select(pl.all().repeat_by("n").explode()).drop("n")
    needs = pl.DataFrame(schema={"family_id": pl.Int64, "dimension": pl.String})
    con = duckdb.connect()
    con.register("families", families)
    con.register("persons", persons)
    con.register("needs", needs)
    return build_aggregates(con)


def test_p0_p1_p2_agree_with_a_hand_computation():
    families = _families(
        [
            # y below the line: gaps (100-50)/100 = 0.5 for 2 persons, 0.2 for 1 person
            {"family_id": 1, "village": "33.74.01.1001", "members": 2, "expenditure": 50},
            {"family_id": 2, "village": "33.74.01.1001", "members": 1, "expenditure": 80},
            {"family_id": 3, "village": "33.74.01.1002", "members": 3, "expenditure": 120},
            # no expenditure at all: not measured, not in n
            {"family_id": 4, "village": "33.74.01.1002", "members": 4, "expenditure": None},
        ]
    )
    aggregates = _aggregates(families)
    city = aggregates.filter(pl.col("area") == "33.74").row(0, named=True)
    p0, p1, p2 = (INDICATORS_BY_CODE[code].value(city) for code in ("p0", "p1", "p2"))
    # n = 6 measured persons; 3 below the line.
    assert city["persons_measured"] == 6
    assert p0 == pytest.approx(100 * 3 / 6)
    assert p1 == pytest.approx(100 * (2 * 0.5 + 1 * 0.2) / 6)  # 20.0
    assert p2 == pytest.approx(100 * (2 * 0.25 + 1 * 0.04) / 6)  # 9.0
    extreme = INDICATORS_BY_CODE["persentase_miskin_ekstrem"].value(city)
    assert extreme == pytest.approx(100 * 2 / 6)  # only y=50 is below the extreme line 60

    # A village is measured on its own people: 1001 has everyone below the line.
    village = aggregates.filter(pl.col("area") == "33.74.01.1001").row(0, named=True)
    assert INDICATORS_BY_CODE["p0"].value(village) == pytest.approx(100)
    assert INDICATORS_BY_CODE["p1"].value(village) == pytest.approx(100 * 1.2 / 3)


def test_every_level_has_its_rows_and_an_rt_is_the_smallest_area():
    families = _families(
        [
            {"family_id": 1, "village": "33.74.01.1001", "members": 2, "expenditure": 50, "rt": "001"},
            {"family_id": 2, "village": "33.74.01.1001", "members": 1, "expenditure": 80, "rt": "002"},
        ]
    )  # fmt: skip
    aggregates = _aggregates(families)
    assert dict(aggregates.group_by("level").len().sort("level").iter_rows()) == {
        1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 2
    }  # fmt: skip
    rt = aggregates.filter(pl.col("area") == "33.74.01.1001/001/002").row(0, named=True)
    assert rt["parent"] == "33.74.01.1001/001" and rt["persons"] == 1


def test_counts_are_shown_whole_and_shares_with_a_decimal_comma():
    assert INDICATORS_BY_CODE["jiwa_miskin"].shown(12345) == "12.345"
    assert INDICATORS_BY_CODE["p0"].shown(1234.567) == "1.234,57"
    assert INDICATORS_BY_CODE["p0"].shown(None) == "–"


def test_the_pace_toward_zero_extreme_poverty():
    progress = Progress(
        target_year=2029, first=(dt.date(2025, 1, 1), 5951), latest=(dt.date(2027, 1, 1), 3061)
    )
    assert progress.pace_achieved == pytest.approx((5951 - 3061) / 2, rel=0.01)
    assert progress.pace_needed == pytest.approx(3061 / 3, rel=0.01)  # to the end of 2029
    assert progress.on_track is True
    late = Progress(
        target_year=2026, first=(dt.date(2025, 1, 1), 10), latest=(dt.date(2027, 6, 1), 4)
    )
    assert late.pace_needed is None and late.on_track is None


# Suppression ------------------------------------------------------------------------------


def _two_way(cells: list[list[int]]):
    """A table with its margins, as suppress() sees it."""
    rows, columns = list(range(len(cells))), list(range(len(cells[0])))
    values = {(r, c): cells[r][c] for r in rows for c in columns}
    for r in rows:
        values[(r, "total")] = sum(cells[r])
    for c in columns:
        values[("total", c)] = sum(cells[r][c] for r in rows)
    values[("total", "total")] = sum(map(sum, cells))
    return values, list(table_lines(rows, columns))


def _derivable(values: dict, lines: list, hidden: set) -> set:
    """Hidden cells a reader can compute from published cells: the only hidden cell of a
    line is its total minus (or plus) the rest."""
    return {
        cell
        for line in lines
        for cell in line
        if cell in hidden and sum(1 for other in line if other in hidden) == 1
    }


tables = st.integers(min_value=1, max_value=6).flatmap(
    lambda width: st.lists(
        st.lists(st.integers(min_value=0, max_value=40), min_size=width, max_size=width),
        min_size=1,
        max_size=6,
    )
)


@settings(max_examples=300, deadline=None)
@given(tables, st.integers(min_value=1, max_value=15))
def test_no_suppressed_cell_can_be_derived_from_its_row_column_or_total(cells, threshold):
    values, lines = _two_way(cells)
    hidden = suppress(values, lines, threshold=threshold)
    # Every small non-zero count is hidden …
    assert {cell for cell, value in values.items() if 0 < value < threshold} <= hidden
    # … and none can be recovered by subtraction along any line.
    assert not _derivable(values, lines, hidden)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 30), min_size=1, max_size=5), min_size=1, max_size=5))
def test_suppression_holds_across_levels_of_areas(villages_per_district):
    """A city of districts of villages: each district's count is the sum of its villages,
    the city's of its districts; the lines run across both tables."""
    values = {}
    lines = []
    for d, villages in enumerate(villages_per_district):
        for v, count in enumerate(villages):
            values[("village", d, v)] = count
        values[("district", d)] = sum(villages)
        lines.append([("village", d, v) for v in range(len(villages))] + [("district", d)])
    values["city"] = sum(map(sum, villages_per_district))
    lines.append([("district", d) for d in range(len(villages_per_district))] + ["city"])
    hidden = suppress(values, lines, threshold=10)
    assert not _derivable(values, lines, hidden)
