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
