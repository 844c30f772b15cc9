"""A batch described in words, for the command line."""

from .choices import BatchStatus
from .models import ImportBatch


def batch_summary(batch: ImportBatch, *, issues: int = 10) -> list[str]:
    lines = [
        f"Batch #{batch.pk} {batch.dataset.name} · {batch.file_name}: {batch.get_status_display()}"
    ]
    if batch.status in (BatchStatus.DUPLICATE, BatchStatus.DRAFT, BatchStatus.QUEUED):
        return [*lines, f"  {batch.message}"] if batch.message else lines
    seconds = batch.duration_seconds
    rate = f" ({batch.rows_read / seconds:,.0f} baris/detik)" if seconds else ""
    lines += [
        f"  dibaca {batch.rows_read:,} · diterima {batch.rows_accepted:,} "
        f"(dengan peringatan {batch.rows_warned:,}) · ditolak {batch.rows_rejected:,} · "
        f"kembar {batch.rows_duplicate:,}",
        f"  rekaman baru {batch.records_created:,} · diperbarui {batch.records_updated:,}"
        + (f" · {seconds:.1f} detik{rate}" if seconds else ""),
    ]
    if batch.status == BatchStatus.RUNNING:
        lines.append(f"  berjalan: {batch.progress_label} {batch.percent}%")
    if batch.message:
        lines.append(f"  {batch.message}")
    shown = list(batch.issues.order_by("row_number", "id")[:issues])
    for issue in shown:
        value = f" ({issue.value})" if issue.value else ""
        lines.append(f"  baris {issue.row_number} {issue.column}{value}: {issue.message}")
    more = batch.issues.count() - len(shown)
    if more > 0:
        lines.append(f"  … dan {more:,} masalah lain (padu batches show {batch.pk} --issues N)")
    return lines
