import datetime as dt

from hypothesis import assume, given
from hypothesis import strategies as st

from padu.registry.identity import (
    IdStatus,
    compose_nik,
    explain_kk,
    explain_nik,
    read_id_number,
)
from padu.synth.dirt import excel_damage, mistype_digits

TODAY = dt.date(2026, 11, 23)
districts = st.sampled_from(["33.74.01", "33.22.05", "11.01.01", "32.73.14", "94.01.01"])
birth_dates = st.dates(min_value=dt.date(1927, 1, 1), max_value=dt.date(2026, 11, 1))
sexes = st.sampled_from(["L", "P"])
serials = st.integers(1, 9999)


@given(districts, birth_dates, sexes, serials)
def test_a_wellformed_nik_explains_itself(district, born, sex, serial):
    nik = compose_nik(district, born, sex, serial)
    out = explain_nik(nik, birth_date=born, sex=sex, today=TODAY)
    assert out.valid, out.errors
    assert out.warnings == [] or all(w.code == "wilayah_unknown" for w in out.warnings)
    assert (out.encoded_date, out.sex, out.district_code) == (born, sex, district)
    assert out.serial == f"{serial:04d}"


@given(districts, birth_dates, serials)
def test_sex_mismatch_is_a_warning_not_an_error(district, born, serial):
    nik = compose_nik(district, born, "P", serial)
    out = explain_nik(nik, birth_date=born, sex="L", today=TODAY)
    assert out.valid
    assert "sex_mismatch" in {w.code for w in out.warnings}


@given(districts, birth_dates, sexes, serials)
def test_swapped_day_and_month_is_recognised(district, born, sex, serial):
    assume(born.day <= 12 and born.day != born.month)
    nik = compose_nik(district, born, sex, serial)
    recorded = born.replace(day=born.month, month=born.day)
    codes = {w.code for w in explain_nik(nik, birth_date=recorded, sex=sex, today=TODAY).warnings}
    assert "birth_date_swapped" in codes


@given(districts, birth_dates, sexes, serials)
def test_excel_scientific_notation_is_damage_never_repaired(district, born, sex, serial):
    nik = compose_nik(district, born, sex, serial)
    reading = read_id_number(excel_damage(nik))
    assert reading.status is IdStatus.EXCEL_SCIENTIFIC
    assert reading.damaged and reading.digits is None
    assert "Excel" in explain_nik(excel_damage(nik)).errors[0].message


@given(districts, birth_dates, sexes, serials)
def test_a_number_cell_that_kept_all_digits_reads_back(district, born, sex, serial):
    nik = compose_nik(district, born, sex, serial)
    assume(int(nik) < 2**53)
    for cell in (float(nik), int(nik), f"{nik}.0", f"'{nik}", f"{nik[:6]} {nik[6:12]} {nik[12:]}"):
        assert read_id_number(cell).digits == nik


@given(districts, birth_dates, sexes, serials)
def test_a_lost_digit_is_too_short(district, born, sex, serial):
    nik = compose_nik(district, born, sex, serial)
    reading = read_id_number(nik[1:])
    assert reading.status is IdStatus.TOO_SHORT and reading.damaged


@given(st.one_of(st.text(max_size=30), st.floats(), st.integers(), st.none()))
def test_any_cell_gives_a_reading_and_a_message(value):
    reading = read_id_number(value)
    assert isinstance(reading.message("NIK"), str)
    explain_nik(value, today=TODAY)
    explain_kk(value, today=TODAY)
    if reading.ok:
        assert len(reading.digits) == 16 and reading.digits.isdigit()


@given(districts, birth_dates, sexes, serials, st.randoms(use_true_random=False))
def test_a_mistyped_nik_is_still_sixteen_digits(district, born, sex, serial, rnd):
    nik = compose_nik(district, born, sex, serial)
    typo = mistype_digits(nik, rnd)
    assert typo != nik and len(typo) == 16


def test_impossible_niks_are_errors():
    assert {e.code for e in explain_nik("9974011705800001").errors} >= {"province"}
    assert "birth_date" in {e.code for e in explain_nik("3374013202800001").errors}  # 32 Feb
    assert "serial" in {e.code for e in explain_nik("3374011705800000").errors}
    assert explain_nik("").reading.status is IdStatus.EMPTY
    assert explain_nik("33740117058000AB").reading.status is IdStatus.NOT_DIGITS


def test_women_have_forty_added_to_the_day():
    out = explain_nik("3374015708850003", today=TODAY)
    assert (out.sex, out.encoded_date) == ("P", dt.date(1985, 8, 17))


def test_kk_number():
    assert explain_kk("3374011503100001", today=TODAY).valid
    assert "issue_date" in {e.code for e in explain_kk("3374013115100001").errors}
    assert explain_kk("3.37401E+15").reading.status is IdStatus.EXCEL_SCIENTIFIC
