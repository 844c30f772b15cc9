"""Workbooks handed to users: real Excel dates in the office's time, formulas defused."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import polars as pl

from padu.core.spreadsheet import csv_bytes, xlsx_bytes


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
