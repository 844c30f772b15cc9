"""Spreadsheets handed to users: text a spreadsheet would execute is kept as text."""

import io

import polars as pl
import xlsxwriter
from django.utils import timezone

#: How dates and times look in a workbook: real Excel dates, written as Indonesians do.
EXCEL_FORMATS = {pl.Datetime: "dd-mm-yyyy hh:mm", pl.Date: "dd-mm-yyyy"}


#: What starts a formula once leading blanks are skipped (spreadsheets skip them): the
#: ASCII signs and their full-width forms, which some programs read as the same.
_FORMULA_START = r"^[\s\x00-\x1f]*[=+\-@＝＋－＠]|^[\t\r\n]"
_PLAIN_NUMBER = r"^\s*[+-]?\d+([.,]\d+)?\s*$"


def defuse(column: pl.Series) -> pl.Series:
    """Cells a spreadsheet would execute get a leading apostrophe (OWASP CSV injection),
    also behind leading blanks (" =1+1"); signed plain numbers stay as they are."""
    text = column.cast(pl.String)
    risky = text.str.contains(_FORMULA_START) & ~text.str.contains(_PLAIN_NUMBER)
    return pl.select(pl.when(risky).then(pl.lit("'") + text).otherwise(text)).to_series()


def local_times(frame: pl.DataFrame) -> pl.DataFrame:
    """Times with a zone as local time without one (the user's zone, else the
    deployment's): a spreadsheet has no zones, and a reader expects the clock on the wall."""
    zoned = [
        name
        for name, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone
    ]
    return frame.with_columns(
        pl.col(name)
        .dt.convert_time_zone(timezone.get_current_timezone_name())
        .dt.replace_time_zone(None)
        for name in zoned
    )


def xlsx_bytes(frame: pl.DataFrame, worksheet: str) -> bytes:
    """``frame`` as an .xlsx workbook: text defused, dates and times as real Excel dates in
    local time."""
    return xlsx_sheets_bytes({worksheet: frame})


def xlsx_sheets_bytes(sheets: dict[str, pl.DataFrame]) -> bytes:
    """One workbook of several sheets (a family sheet and a member sheet), each as
    ``xlsx_bytes`` writes one."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as workbook:
        for name, frame in sheets.items():
            safe = local_times(frame).with_columns(
                pl.col(pl.String).map_batches(defuse, return_dtype=pl.String)
            )
            safe.write_excel(workbook, worksheet=name, autofit=True, dtype_formats=EXCEL_FORMATS)
    return buffer.getvalue()


#: What each kind of file is served as.
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """``frame`` as CSV that Excel opens right (UTF-8 with its byte-order mark), defused."""
    safe = local_times(frame).with_columns(
        pl.col(pl.String).map_batches(defuse, return_dtype=pl.String)
    )
    return ("\ufeff" + safe.write_csv(datetime_format="%Y-%m-%d %H:%M")).encode("utf-8")


def spreadsheet_bytes(frame: pl.DataFrame, extension: str, worksheet: str) -> bytes:
    """``frame`` as an .xlsx workbook or a .csv file, by ``extension``."""
    return xlsx_bytes(frame, worksheet) if extension == "xlsx" else csv_bytes(frame)
