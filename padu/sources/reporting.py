"""A batch described: in words on the command line, its problems by kind on its page, and
its rejected rows as a file to correct and import again."""

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db.models import Count, Min, Q

from padu.core.spreadsheet import spreadsheet_bytes

from .choices import BatchStatus, Severity
from .layouts import layout_title
from .models import ImportBatch, RawRows


@dataclass(frozen=True)
class IssueKind:
    """One kind of problem in a batch (its code, in one column): how many rows, and the
    first of them as an example. A file of a million rows can hold a hundred thousand
    problems; a data custodian fixes them by kind, not row by row."""

    code: str
    severity: str
    column: str
    rows: int
    first_row: int
    example: str

    @property
    def severity_label(self) -> str:
        return Severity(self.severity).label


def issue_kinds(batch: ImportBatch) -> list[IssueKind]:
    """The batch's problems by kind, the most frequent first (two queries)."""
    groups = list(
        batch.issues.values("code", "severity", "column")
        .annotate(rows=Count("id"), first_row=Min("row_number"))
        .order_by("-rows", "code", "column")
    )
    if not groups:
        return []
    firsts = Q()
    for group in groups:
        firsts |= Q(code=group["code"], column=group["column"], row_number=group["first_row"])
    examples = {
        (code, column): message
        for code, column, message in batch.issues.filter(firsts)
        .order_by("-id")
        .values_list("code", "column", "message")
    }
    return [
        IssueKind(**group, example=examples.get((group["code"], group["column"]), ""))
        for group in groups
    ]


def batch_summary(batch: ImportBatch, *, issues: int = 10) -> list[str]:
    lines = [
        f"Batch #{batch.pk} {batch.dataset.name} · {batch.file_name}: {batch.get_status_display()}"
    ]
    if batch.layout:
        lines.append(f"  tata letak: {layout_title(batch.layout)}")
    if batch.status in (BatchStatus.DUPLICATE, BatchStatus.DRAFT, BatchStatus.QUEUED):
        return [*lines, f"  {batch.message}"] if batch.message else lines
    seconds = batch.duration_seconds
    rate = f" ({batch.rows_read / seconds:,.0f} baris/detik)" if seconds else ""
    lines += [
        f"  dibaca {batch.rows_read:,} · diterima {batch.rows_accepted:,} "
        f"(dengan peringatan {batch.rows_warned:,}) · ditolak {batch.rows_rejected:,} · "
        f"kembar {batch.rows_duplicate:,}"
        + (f" · bukan data {batch.rows_skipped:,}" if batch.rows_skipped else ""),
        f"  rekaman baru {batch.records_created:,} · diperbarui {batch.records_updated:,}"
        + (f" · {seconds:.1f} detik{rate}" if seconds else ""),
    ]
    if batch.status == BatchStatus.RUNNING:
        lines.append(f"  berjalan: {batch.progress_label} {batch.percent}%")
    if batch.message:
        lines.append(f"  {batch.message}")
    kinds = issue_kinds(batch)
    if kinds:
        lines.append("  masalah menurut jenis:")
    for kind in kinds:
        column = f" {kind.column}" if kind.column else ""
        lines.append(
            f"    {kind.rows:>8,} × {kind.severity_label}{column} ({kind.code}); "
            f"mis. baris {kind.first_row}: {kind.example}"
        )
    shown = list(batch.issues.order_by("row_number", "id")[:issues])
    if shown:
        lines.append("  masalah per baris:")
    for issue in shown:
        value = f" ({issue.value})" if issue.value else ""
        lines.append(f"    baris {issue.row_number} {issue.column}{value}: {issue.message}")
    more = sum(kind.rows for kind in kinds) - len(shown)
    if more > 0:
        lines.append(f"  … dan {more:,} masalah lain (padu batches show {batch.pk} --issues N)")
    return lines


def rejected_rows(batch: ImportBatch) -> pl.DataFrame:
    """The rejected rows as they were in the file, with a PESAN PADU column saying why."""
    errors = (
        batch.issues.filter(severity=Severity.ERROR)
        .order_by("row_number", "id")
        .values_list("row_number", "column", "message")
    )
    messages: dict[int, list[str]] = {}
    for row, column, message in errors:
        messages.setdefault(row, []).append(f"{column}: {message}" if column else message)
    frame = RawRows.rows(batch, list(messages))
    why = {row: " | ".join(lines) for row, lines in messages.items()}
    return frame.with_columns(
        pl.col("_row").replace_strict(why, return_dtype=pl.String).alias("PESAN PADU")
    ).drop("_row")


def rejected_rows_file(batch: ImportBatch, extension: str) -> tuple[bytes, int]:
    """The rejected rows as an .xlsx or .csv file, and how many there are."""
    frame = rejected_rows(batch)
    return spreadsheet_bytes(frame, extension, "Ditolak"), frame.height


def write_rejected(batch: ImportBatch, out: Path) -> int:
    """The rejected rows written to ``out`` (.xlsx, or else CSV); how many there are."""
    out = Path(out)
    body, count = rejected_rows_file(batch, out.suffix.lower().lstrip("."))
    out.write_bytes(body)
    return count
