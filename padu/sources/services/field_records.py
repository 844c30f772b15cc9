"""Records that people write in the field (approved verivali visits) rather than a file: each
becomes a source record of the field-verification dataset, in one batch per round, so that
the same survivorship treats them as any other source."""

import hashlib
from dataclasses import dataclass

import polars as pl
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from padu.core.history import record_bulk_change

from ..choices import BatchStatus
from ..models import ImportBatch, RawRows, RowBlock, SourceRecord, ValueRows
from .datasets import field_dataset

#: The key columns a field record fills (it is never matched, so it needs no match key).
FIELD_KEY_COLUMNS = (
    "nik",
    "kk_number",
    "family_record_id",
    "full_name",
    "sex",
    "birth_date",
    "village_id",
    "rt",
    "rw",
)


@dataclass(frozen=True)
class FieldRecords:
    """What one approval adds: ``rows`` of (record id, values by name), kept in the batch
    ``batch_name`` whose raw rows are laid out as ``header`` and whose value blocks hold
    ``value_names``."""

    batch_name: str
    header: tuple[str, ...]
    value_names: tuple[str, ...]
    rows: list[tuple[str, dict]]


@transaction.atomic
def append_field_records(records: FieldRecords, *, actor) -> list[SourceRecord]:
    """Write ``records`` as source records, published at once. The caller serialises
    appends to one batch (verivali holds its round's lock)."""
    batch = _field_batch(records, actor=actor)
    first_row = batch.rows_read + 1
    numbers = list(range(first_row, first_row + len(records.rows)))
    ImportBatch.objects.filter(pk=batch.pk).update(
        rows_read=F("rows_read") + len(numbers),
        rows_accepted=F("rows_accepted") + len(numbers),
        records_created=F("records_created") + len(numbers),
        finished_at=timezone.now(),
    )
    cells = pl.DataFrame(
        [[_text(values.get(title)) for title in batch.header] for _, values in records.rows],
        schema={f"c{i}": pl.String for i in range(len(batch.header))},
        orient="row",
    ).insert_column(0, pl.Series("_row", numbers, dtype=pl.Int64))
    _append_block(RawRows, batch, cells)
    typed = {
        name: pl.Series(name, [values.get(name) for _, values in records.rows], strict=False)
        for name in batch.value_names
    }
    _append_block(
        ValueRows, batch, pl.DataFrame({"_row": pl.Series(numbers, dtype=pl.Int64), **typed})
    )
    created = SourceRecord.objects.bulk_create(
        [
            SourceRecord(
                dataset_id=batch.dataset_id,
                batch=batch,
                record_id=record_id,
                row_number=row,
                birth_date=values.get("birth_date") or None,
                village_id=values.get("village_id") or None,
                **{
                    name: values.get(name) or ""
                    for name in FIELD_KEY_COLUMNS
                    if name not in ("birth_date", "village_id")
                },
            )
            for row, (record_id, values) in zip(numbers, records.rows, strict=True)
        ]
    )
    record_bulk_change(
        SourceRecord,
        actor=actor,
        summary={"batch": batch.pk, "created": len(created)},
        origin=records.batch_name,
    )
    return created


def _field_batch(records: FieldRecords, *, actor) -> ImportBatch:
    """The batch named ``records.batch_name`` (one per round: a full matching run then reads
    a round's visits in a few large blocks, not one per visit), made on first use."""
    dataset = field_dataset()
    found = (
        ImportBatch.objects.select_for_update()
        .filter(dataset=dataset, file_name=records.batch_name)
        .first()
    )
    if found is not None:
        return found
    now = timezone.now()
    return ImportBatch.objects.create(
        dataset=dataset,
        file_name=records.batch_name,
        file_sha256=hashlib.sha256(records.batch_name.encode()).hexdigest(),
        header=list(records.header),
        value_names=list(records.value_names),
        status=BatchStatus.COMPLETED,
        imported_by=actor if actor and actor.pk else None,
        started_at=now,
        finished_at=now,
    )


def _append_block(block: type[RowBlock], batch: ImportBatch, rows: pl.DataFrame) -> None:
    """Add ``rows`` to the batch's newest block of this kind while it has room, else as a
    new block: each block costs about half a millisecond to decode, so one block per visit
    would make reading a year of visits take minutes."""
    newest = block.objects.filter(batch=batch).order_by("-first_row").first()
    room = newest is not None and (
        newest.last_row - newest.first_row + 1 + rows.height <= block.APPEND_ROWS
    )
    if not room:
        block.encode(rows, batch.pk).save()
        return
    grown = block.encode(pl.concat([newest.frame(), rows], how="diagonal_relaxed"), batch.pk)
    grown.pk = newest.pk
    grown.save()


def _text(value) -> str:
    return "" if value is None else str(value)
