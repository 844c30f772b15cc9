"""Spreadsheets handed to users: text a spreadsheet would execute is kept as text."""

import io

import polars as pl


def defuse(column: pl.Series) -> pl.Series:
    """Cells a spreadsheet would execute get a leading apostrophe (OWASP CSV injection)."""
    text = column.cast(pl.String)
    risky = text.str.contains(r"^[=+\-@\t\r]") & ~text.str.contains(r"^[+-]?\d+([.,]\d+)?$")
    return pl.select(pl.when(risky).then(pl.lit("'") + text).otherwise(text)).to_series()


def xlsx_bytes(frame: pl.DataFrame, worksheet: str) -> bytes:
    """``frame`` as an .xlsx workbook, its text columns defused."""
    safe = frame.with_columns(pl.col(pl.String).map_batches(defuse, return_dtype=pl.String))
    buffer = io.BytesIO()
    safe.write_excel(buffer, worksheet=worksheet, autofit=True)
    return buffer.getvalue()


#: What each kind of file is served as.
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """``frame`` as CSV that Excel opens right (UTF-8 with its byte-order mark), defused."""
    safe = frame.with_columns(pl.col(pl.String).map_batches(defuse, return_dtype=pl.String))
    return ("\ufeff" + safe.write_csv()).encode("utf-8")


def spreadsheet_bytes(frame: pl.DataFrame, extension: str, worksheet: str) -> bytes:
    """``frame`` as an .xlsx workbook or a .csv file, by ``extension``."""
    return xlsx_bytes(frame, worksheet) if extension == "xlsx" else csv_bytes(frame)
