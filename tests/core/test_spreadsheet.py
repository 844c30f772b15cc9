"""Workbooks handed to users: real Excel dates in the office's time, formulas defused."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from padu.core.spreadsheet import csv_bytes, defuse, xlsx_bytes


def test_times_are_real_excel_dates_in_local_time_and_formulas_stay_text(settings):
    settings.TIME_ZONE = "Asia/Makassar"  # WITA, UTC+8
    moment = dt.datetime(2026, 11, 30, 9, 49, 55, tzinfo=dt.UTC)
    frame = pl.DataFrame(
        {
            "dirujuk": [moment],
            "tanggal": [dt.date(2026, 11, 30)],
            "catatan": ["=SUM(A1:A9)"],
        }
    ).with_columns(pl.col("dirujuk").dt.convert_time_zone("UTC"))
    back = pl.read_excel(io.BytesIO(xlsx_bytes(frame, "uji")))
    assert back.schema["dirujuk"] == pl.Datetime("ms") or isinstance(
        back.schema["dirujuk"], pl.Datetime
    )
    local = moment.astimezone(ZoneInfo("Asia/Makassar")).replace(tzinfo=None)
    assert back["dirujuk"][0].replace(microsecond=0) == local.replace(microsecond=0)
    assert back["catatan"][0] == "'=SUM(A1:A9)"
    assert "2026-11-30 17:49" in csv_bytes(frame).decode("utf-8-sig")


@given(
    blanks=st.text(alphabet=" \t\r\n\u00a0", max_size=3),
    sign=st.sampled_from(["=", "+", "-", "@", "＝", "＋", "－", "＠"]),
    rest=st.text(max_size=10).filter(lambda t: not t.strip().replace(".", "").isdigit()),
)
def test_a_formula_behind_blanks_is_defused(blanks, sign, rest):
    value = f"{blanks}{sign}{rest}"
    defused = defuse(pl.Series([value]))[0]
    if re.fullmatch(r"\s*[+-]?\d+([.,]\d+)?\s*", value):
        assert defused == value  # a signed number stays a number
    else:
        assert defused == "'" + value


@given(st.text(max_size=12))
def test_defused_text_never_starts_a_formula(value):
    defused = defuse(pl.Series([value]))[0]
    assert defused == value or defused == "'" + value
    assert not re.match(r"[\s\x00-\x1f]*[=+\-@＝＋－＠]", defused) or (
        re.fullmatch(r"\s*[+-]?\d+([.,]\d+)?\s*", defused)
    )
