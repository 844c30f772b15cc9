import datetime as dt

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from padu.registry.identity import read_id_number
from padu.sources import normalise as n

cells = st.one_of(
    st.text(alphabet="0123456789 .,-'eE+`", max_size=22),
    st.from_regex(r"[1-9][0-9]{15}", fullmatch=True),
    st.from_regex(r"[1-9]\.[0-9]{1,5}E\+15", fullmatch=True),
    st.from_regex(r"[1-9][0-9]{14,16}\.0", fullmatch=True),
    st.text(max_size=20),
)


def column(values, expr):
    return (
        pl.DataFrame({"x": values}, schema={"x": pl.String}).select(expr(pl.col("x"))).to_series()
    )


@given(st.lists(cells, min_size=1, max_size=20))
def test_bulk_id_reading_agrees_with_the_scalar_reader(values):
    bulk = column(values, n.id_reading).to_list()
    for value, got in zip(values, bulk, strict=True):
        reading = read_id_number(value)
        assert got["status"] == reading.status.value, value
        assert got["digits"] == (reading.digits if reading.ok else None), value


# Excel serials below 367 (1900) are too small to tell from other numbers.
@given(st.dates(min_value=dt.date(1901, 1, 2), max_value=dt.date(2030, 12, 31)))
def test_every_written_form_of_a_date_parses_back(day):
    months = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ]
    forms = [
        day.strftime("%d/%m/%Y"),
        day.strftime("%d-%m-%Y"),
        day.isoformat(),
        f"{day.day} {months[day.month - 1]} {day.year}",
        f"{day.isoformat()} 00:00:00",
        str((day - dt.date(1899, 12, 30)).days),
    ]
    assert column(forms, n.parse_date).to_list() == [day] * len(forms)


def test_day_first_unless_impossible():
    got = column(
        ["03/04/1990", "13/04/1990", "04/13/1990", "17/08/85", "32/13/1990", "abc"], n.parse_date
    ).to_list()
    assert got == [
        dt.date(1990, 4, 3),
        dt.date(1990, 4, 13),
        dt.date(1990, 4, 13),
        dt.date(1985, 8, 17),
        None,
        None,
    ]


def test_name_variants_share_a_key():
    variants = [
        "Muhammad Rizki",
        "MOH. RIZKI",
        "M. Rizki",
        "Mochammad Rizky",
        "H. Muhamad Rizki, S.Pd",
    ]
    assert len(set(column(variants, n.name_key).to_list())) == 1
    old = ["Soetrisno", "Sutrisno", "SUTRISNO "]
    assert len(set(column(old, n.name_key).to_list())) == 1
    assert column(["Djoko", "Tjahyo", "St. Aminah"], n.name_key).to_list() == [
        "joko",
        "cahyo",
        "siti aminah",
    ]


def test_display_name_keeps_the_name_and_drops_titles():
    assert column(
        ["HJ. SITI  AMINAH", "  budi santoso ", "Drs. Bambang, M.Si"], n.name_display
    ).to_list() == [
        "Siti Aminah",
        "Budi Santoso",
        "Bambang",
    ]
    assert column(["HJ. SITI AMINAH"], n.name_title).to_list() == ["HJ."]


@given(st.integers(1, 999), st.integers(1, 999))
def test_rt_rw_in_any_written_form(rt, rw):
    forms = [f"{rt:03d}/{rw:03d}", f"RT {rt} RW {rw}", f"{rt}/{rw}", f"RT.{rt:03d} RW.{rw:03d}"]
    pairs = pl.DataFrame({"x": forms}).select(n.rt_rw(pl.col("x")).alias("p")).unnest("p").rows()
    assert set(pairs) == {(f"{rt:03d}", f"{rw:03d}")}


def test_sex_flags_money_coordinates():
    # A bare "1" or "2" is a code: its meaning is its layout's list, never guessed.
    spelled = ["L", "laki-laki", "1", "P", "Perempuan", "2", "x"]
    assert column(spelled, n.sex).to_list() == ["L", "L", None, "P", "P", None, None]
    coded = column(spelled, lambda e: n.sex(e, {"1": "L", "2": "P"})).to_list()
    assert coded == ["L", "L", "L", "P", "P", "P", None]
    # BDT and Regsosek write "no" as 2: read through their list, not by default.
    assert column(["1", "2"], n.flag).to_list() == [True, None]
    assert column(["1", "2"], lambda e: n.flag(e, {"1": "ya", "2": "tidak"})).to_list() == [
        True,
        False,
    ]
    assert column(["Ya", "Y", "1", "Tidak", "T", "0", "?"], n.flag).to_list() == [
        True,
        True,
        True,
        False,
        False,
        False,
        None,
    ]
    assert column(["1.250.000", "Rp 1.250.000,00", "42", "x"], n.integer).to_list() == [
        1_250_000,
        1_250_000,
        42,
        None,
    ]
    assert column(["-6,98", "−6.98", "110.4"], n.coordinate).to_list() == [-6.98, -6.98, 110.4]


def test_formula_cells_are_recognised_but_numbers_are_not():
    assert column(
        ['=HYPERLINK("x")', "+62812", "-6.98", "@SUM(A1)", "-", " + ", "=", "-A1", "Budi"],
        n.looks_like_formula,
    ).to_list() == [True, False, False, True, False, False, False, True, False]


def test_a_lone_dash_or_dot_is_how_exports_write_nothing():
    assert column(["-", " -- ", ".", "-5", "Budi - Ani"], n.clean_text).to_list() == [
        None,
        None,
        None,
        "-5",
        "Budi - Ani",
    ]


names = st.text(alphabet="abdhijmos .,-'HDMS", max_size=24)


@given(st.lists(names, min_size=1, max_size=20))
def test_name_parts_at_once_equal_each_part_alone(values):
    parts = column(values, n.name_parts).struct.unnest()
    assert parts["display"].to_list() == column(values, n.name_display).to_list()
    assert parts["key"].to_list() == column(values, n.name_key).to_list()
    assert parts["title"].to_list() == column(values, n.name_title).to_list()
