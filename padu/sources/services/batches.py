"""Taking a file in: read, normalise, validate, stage, publish.

A batch writes its rows in chunks, so that progress shows and the database stays usable for
everyone else while a large file goes in; they become visible only when ``_publish``
marks the batch completed (and the versions it replaces superseded) in one transaction. A failure or a cancel
deletes what was staged, so the database is as it was before the batch.
"""

import datetime as dt
import hashlib
import logging
import os
import queue
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import polars as pl
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.bulk import bulk_insert, bulk_load
from padu.core.choices import ChangeAction
from padu.core.faults import system_failure_message
from padu.core.history import record_bulk_change, record_change
from padu.core.progress import ProgressCallback, no_progress, write_progress

from ..canonical import FIELDS_BY_NAME
from ..choices import LINKED_ONLY_KINDS, BatchStatus
from ..families import join_family_file
from ..mapping import Mapping, MappingError, mapping_from_dict, starter_mapping
from ..models import (
    KEY_COLUMNS,
    ImportBatch,
    ImportIssue,
    RawRows,
    SourceDataset,
    SourceRecord,
    ValueRows,
)
from ..pipeline import Prepared, prepare, prepare_chunks
from ..reading import UnreadableFile
from ..signals import batch_published

logger = logging.getLogger(__name__)
#: Rows prepared and written at a time. Larger chunks spend less on the fixed cost of each
#: column operation (100,000 rows: 12% less CPU than 50,000) but hold more: a million-row,
#: 53-column export peaked at 1.4 GB with 50,000 and 1.85 GB with 100,000 (target < 2 GB).
CHUNK_ROWS = 75_000
STALE_AFTER = dt.timedelta(minutes=15)


class ImportCancelled(Exception):
    pass


def file_sha256(path: Path, *, copy_to: IO[bytes] | None = None) -> str:
    """The file's SHA-256; with ``copy_to``, the file is also copied there in the same read."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
            if copy_to is not None:
                copy_to.write(block)
    return digest.hexdigest()


def _keep_copy(path: Path) -> tuple[str, str]:
    """The file's SHA-256, and a copy of it under MEDIA_ROOT named by that hash (so rejected
    rows can be written out later), made in one read of the file."""
    imports = Path(settings.MEDIA_ROOT) / "imports"
    imports.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=imports, delete=False) as copy:
        sha = file_sha256(path, copy_to=copy)
    relative = f"imports/{sha[:2]}/{sha}{path.suffix.lower()}"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(copy.name, target)  # a file kept before under this name has the same bytes
    return sha, relative


def create_batch(
    path: Path,
    *,
    dataset: SourceDataset,
    actor,
    mapping: Mapping | None = None,
    follow_up_of: ImportBatch | None = None,
    file_name: str = "",
    family_path: Path | None = None,
    family_file_name: str = "",
    draft: bool = False,
) -> ImportBatch:
    """Register a file for import: queued, or a draft to preview before committing. A file
    already imported into this source *replaces* that batch when it runs with a different
    mapping (a correction: the old records become history), and adds nothing when the
    mapping is the same. ``family_path`` is the family file of an export that keeps members
    apart."""
    path = Path(path)
    sha, stored = _keep_copy(path)
    family_sha, family_stored = _keep_copy(Path(family_path)) if family_path else ("", "")
    earlier = dataset.batches.filter(
        file_sha256=sha, family_file_sha256=family_sha, status=BatchStatus.COMPLETED
    ).first()
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            dataset=dataset,
            file_name=file_name or path.name,
            file_sha256=sha,
            file=stored,
            family_file=family_stored,
            family_file_name=(family_file_name or Path(family_path).name) if family_path else "",
            family_file_sha256=family_sha,
            mapping=(mapping or Mapping()).as_dict(),
            follow_up_of=follow_up_of,
            replaces=earlier,
            region=actor.region if actor and actor.pk else None,
            imported_by=actor if actor and actor.pk else None,
            status=BatchStatus.DRAFT if draft else BatchStatus.QUEUED,
            message=(
                f"File yang sama sudah diimpor pada batch #{earlier.pk} "
                f"({timezone.localtime(earlier.created_at):%d-%m-%Y %H:%M}). Dengan pemetaan "
                "lain, impor ini menggantikan batch itu (rekaman lamanya menjadi riwayat); "
                "dengan pemetaan yang sama, tidak ada yang berubah."
            )
            if earlier
            else "",
        )
        record_change(
            batch,
            actor=actor,
            action=ChangeAction.CREATE,
            after={"dataset": dataset.name, "file": batch.file_name, "status": batch.status},
        )
    return batch


def read_batch_file(batch: ImportBatch, mapping: Mapping, *, limit: int | None = None):
    """The batch's rows as the pipeline reads them: its file, with the family file joined in."""
    if not batch.file or not batch.file.storage.exists(batch.file.name):
        raise UnreadableFile(
            f"{batch.file_name}: berkas batch ini tidak disimpan lagi (dihapus menurut aturan "
            "retensi, atau tidak pernah diunggah). Unggah berkasnya lagi sebagai batch baru."
        )
    table = mapping.read(Path(batch.file.path), limit=limit)
    table.file_name = batch.file_name  # the stored copy is named by its hash
    if batch.family_file:
        families = mapping.read(Path(batch.family_file.path))
        families.file_name = batch.family_file_name
        table = join_family_file(table, families, mapping)
    return table


@dataclass
class _Progress:
    batch: ImportBatch
    report: ProgressCallback

    def __call__(self, done: int, total: int, label: str) -> None:
        write_progress(self.batch, done, total, label, heartbeat_at=timezone.now())
        self.report(done, total, label)
        if ImportBatch.objects.filter(pk=self.batch.pk, cancel_requested=True).exists():
            raise ImportCancelled()


def run_batch(batch: ImportBatch, *, progress: ProgressCallback = no_progress) -> ImportBatch:
    """Import a queued batch. Never raises for bad input: the batch says what went wrong."""
    if batch.status != BatchStatus.QUEUED:
        return batch
    if batch.replaces_id and batch.replaces.mapping == batch.mapping:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.DUPLICATE,
            finished_at=timezone.now(),
            message=f"File yang sama sudah diimpor pada batch #{batch.replaces_id} dengan "
            "pemetaan yang sama; tidak ada yang ditambahkan.",
        )
        batch.refresh_from_db()
        return batch
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    report = _Progress(batch, progress)
    try:
        mapping = mapping_from_dict(batch.mapping)
        report(0, 1, "Membaca file")
        table = read_batch_file(batch, mapping)
        facts, chunks = prepare_chunks(
            table,
            mapping,
            CHUNK_ROWS,
            within=batch.region_id,
            place_optional=batch.dataset.kind in LINKED_ONLY_KINDS,
        )
        counts = Counts()
        report(0, facts.rows_in_file, "Memeriksa, menormalkan dan menyimpan baris")
        with _ChunkWriter(batch) as writer:
            for prepared in chunks:
                if not counts.value_names:
                    counts.value_names = prepared.value_names
                    ImportBatch.objects.filter(pk=batch.pk).update(
                        header=list(table.header),
                        value_names=prepared.value_names,
                        layout=facts.plan.layout.name if facts.plan.layout else "",
                    )
                writer.write(prepared)
                counts.add(prepared)
                report(
                    counts.rows_read,
                    facts.rows_in_file,
                    "Memeriksa, menormalkan dan menyimpan baris",
                )
        report(facts.rows_in_file, facts.rows_in_file, "Menerbitkan batch")
        _publish(batch, counts=counts, plan_unknown=facts.plan.unknown)
    except ImportCancelled:
        _discard(
            batch, BatchStatus.CANCELLED, "Dibatalkan oleh pengguna; basis data tidak berubah."
        )
    except (UnreadableFile, MappingError) as error:
        _discard(batch, BatchStatus.FAILED, str(error))
    except Exception as error:  # a bug or a database failure: keep the database as it was
        logger.exception("import batch %s failed", batch.pk)
        _discard(
            batch,
            BatchStatus.FAILED,
            system_failure_message("Impor", error),
        )
    batch.refresh_from_db()
    if batch.status == BatchStatus.COMPLETED:  # published, with rows
        _tell_published(batch)
    return batch


def _tell_published(batch: ImportBatch) -> None:
    for receiver, answer in batch_published.send_robust(sender=ImportBatch, batch=batch):
        if isinstance(answer, Exception):  # send_robust hands back what a receiver raised
            logger.error(
                "after batch %s: %s failed",
                batch.pk,
                receiver.__qualname__,
                exc_info=(type(answer), answer, answer.__traceback__),
            )


@dataclass
class ColumnPreview:
    title: str
    field: str  # canonical field name, "" when unknown or ignored
    standard_title: str
    state: str  # "recognised", "unknown", "ignored", "repeated"


@dataclass
class Preview:
    """What an import would do, judged on the first rows of the file, before committing."""

    error: str = ""
    columns: list[ColumnPreview] = field(default_factory=list)
    rows_sampled: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0
    issues: list[dict] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""
    sheet: str = ""
    header_row: int = 0
    starter_mapping: str = ""
    layout: str = ""  # the title of the layout recognised (or named), "" when none
    one_village: bool = False  # no column says where a row is: the importer names the village

    @property
    def missing_fields(self) -> list[str]:
        """Fields every import needs that no column supplies."""
        present = {c.field for c in self.columns}
        return [name for name in ("full_name",) if name not in present]


PREVIEW_ROWS = 1000
PREVIEW_ISSUES = 20


def preview_batch(batch: ImportBatch, *, rows: int = PREVIEW_ROWS) -> Preview:
    """Read the first rows of a draft batch's file and report the mapping and first problems."""
    mapping = mapping_from_dict(batch.mapping)
    try:
        table = read_batch_file(batch, mapping, limit=rows)
        prepared = prepare(table, mapping, within=batch.region_id)
    except (UnreadableFile, MappingError) as error:
        return Preview(error=str(error))
    plan = prepared.plan
    by_index = {index: name for name, index in plan.field_columns.items()}
    repeated = {title for title, _field in plan.duplicates}
    columns = []
    for index, title in enumerate(table.header):
        name = by_index.get(index, "")
        if name:
            state = "recognised"
        elif title in plan.ignored:
            state = "ignored"
        elif title in repeated:
            state = "repeated"
        else:
            state = "unknown"
        standard = FIELDS_BY_NAME[name].headers[0] if name else ""
        columns.append(ColumnPreview(title or "(tanpa judul)", name, standard, state))
    return Preview(
        columns=columns,
        rows_sampled=prepared.rows_read,
        rows_rejected=prepared.rows_rejected,
        rows_warned=prepared.rows_warned,
        issues=prepared.issues.sort("row_number").head(PREVIEW_ISSUES).to_dicts(),
        encoding=table.encoding,
        separator={"\t": "tab"}.get(table.separator, table.separator),
        sheet=table.sheet,
        header_row=table.header_row,
        layout=plan.layout.title if plan.layout else "",
        one_village=not ({"village_code", "village_name"} & plan.field_columns.keys()),
        starter_mapping=starter_mapping(
            table.header, plan, sheet=table.sheet, header_row=table.header_row
        ),
    )


@transaction.atomic
def set_batch_mapping(batch: ImportBatch, mapping: Mapping, *, actor) -> None:
    """Settle a draft's columns with a mapping file before committing it."""
    policy.require(actor, batch, Action.CHANGE)
    ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.DRAFT).update(
        mapping=mapping.as_dict()
    )
    record_change(batch, actor=actor, action=ChangeAction.UPDATE, after={"mapping": "diganti"})


def commit_batch(batch: ImportBatch, *, actor) -> bool:
    """Queue a previewed draft for the background worker. False if it was no longer a draft."""
    from ..tasks import run_import  # the task module imports this one

    policy.require(actor, batch, Action.CHANGE)
    with transaction.atomic():
        queued = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.DRAFT).update(
            status=BatchStatus.QUEUED, imported_by=actor
        )
        if queued:
            record_change(
                batch, actor=actor, action=ChangeAction.UPDATE, after={"status": "queued"}
            )
            run_import.enqueue(batch.pk)
    return bool(queued)


@transaction.atomic
def discard_draft(batch: ImportBatch, *, actor) -> None:
    """Drop a previewed draft: nothing of it was imported."""
    policy.require(actor, batch, Action.CHANGE)
    discarded = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.DRAFT).update(
        status=BatchStatus.CANCELLED,
        message="Pratinjau dibatalkan; tidak ada yang diimpor.",
        finished_at=timezone.now(),
    )
    if discarded:
        record_change(batch, actor=actor, action=ChangeAction.UPDATE, after={"status": "cancelled"})
        # The file held a city's names and NIKs, and nothing will read it now.
        transaction.on_commit(
            lambda: forget_files(batch, actor=actor, reason="pratinjau dibatalkan")
        )


@transaction.atomic
def forget_files(batch: ImportBatch, *, actor, reason: str) -> int:
    """Delete a batch's uploaded files from storage; its rows and records stay."""
    deleted = 0
    for file in (batch.file, batch.family_file):
        if file:
            file.delete(save=False)
            deleted += 1
    ImportBatch.objects.filter(pk=batch.pk).update(file="", family_file="")
    if deleted:
        record_change(
            batch, actor=actor, action=ChangeAction.UPDATE, after={"berkas": f"dihapus: {reason}"}
        )
    return deleted


def import_file(
    path: Path,
    *,
    dataset: SourceDataset,
    actor,
    mapping: Mapping | None = None,
    follow_up_of: ImportBatch | None = None,
    family_path: Path | None = None,
    progress: ProgressCallback = no_progress,
) -> ImportBatch:
    batch = create_batch(
        path,
        dataset=dataset,
        actor=actor,
        mapping=mapping,
        follow_up_of=follow_up_of,
        family_path=family_path,
    )
    return run_batch(batch, progress=progress)


_RECORD_COLUMNS = [
    "dataset_id",
    "batch_id",
    "record_id",
    "row_number",
    *KEY_COLUMNS,
]
_NULLABLE = {"birth_date", "village_id"}


def _record_frame(batch: ImportBatch, prepared: Prepared) -> pl.DataFrame:
    return prepared.records.with_columns(
        dataset_id=pl.lit(batch.dataset_id, dtype=pl.Int64),
        batch_id=pl.lit(batch.pk, dtype=pl.Int64),
        **{c: pl.col(c).fill_null("") for c in KEY_COLUMNS if c not in _NULLABLE},
    ).select(_RECORD_COLUMNS)


def _stage(batch: ImportBatch, prepared: Prepared) -> None:
    """One chunk's records, their values, raw rows and issues, committed (invisible until
    publish; a failed batch deletes them all)."""
    issues = (
        prepared.issues.with_columns(batch_id=pl.lit(batch.pk, dtype=pl.Int64))
        .select("batch_id", "row_number", "column", "value", "severity", "code", "message")
        .with_columns(pl.col("value").fill_null(""), pl.col("column").fill_null(""))
    )
    bulk_load(SourceRecord._meta.db_table, _RECORD_COLUMNS, _record_frame(batch, prepared))
    with transaction.atomic():
        if issues.height:
            bulk_insert(ImportIssue._meta.db_table, issues.columns, issues)
        prepared.raw_rows.batch_id = batch.pk
        prepared.raw_rows.save()
        if prepared.records.height:
            ValueRows.encode(prepared.values(), batch.pk).save()


class _ChunkWriter:
    """Writes each chunk while the next one is prepared: Polars and the database then work
    side by side on the two cores. The writer has its own connection, so it runs only when
    the caller is not inside a transaction (whose rows it could not see); else it writes
    in line."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.threaded = not connection.in_atomic_block
        self.queue: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=f"import-{batch.pk}", daemon=True)

    def __enter__(self):
        if self.threaded:
            self.thread.start()
        return self

    def _run(self):
        try:
            for prepared in iter(self.queue.get, None):
                if self.error is None:
                    _stage(self.batch, prepared)
        except BaseException as error:  # handed to the importing thread
            self.error = error
            for _ in iter(self.queue.get, None):  # drain, so the producer never blocks
                pass
        finally:
            connections.close_all()

    def write(self, prepared: Prepared) -> None:
        if self.error is not None:
            raise self.error
        if self.threaded:
            self.queue.put(prepared)
        else:
            _stage(self.batch, prepared)

    def __exit__(self, *exc):
        if self.threaded:
            self.queue.put(None)
            self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error
        return False


@dataclass
class Counts:
    """What happened to the rows of a batch, added up chunk by chunk."""

    rows_read: int = 0
    rows_accepted: int = 0
    rows_warned: int = 0
    rows_rejected: int = 0
    rows_duplicate: int = 0
    rows_skipped: int = 0
    value_names: list[str] = field(default_factory=list)

    def add(self, prepared: Prepared) -> None:
        if prepared.value_names != self.value_names:
            raise RuntimeError("chunks of one file disagree on their value columns")
        self.rows_read += prepared.rows_read
        self.rows_accepted += prepared.rows_accepted
        self.rows_warned += prepared.rows_warned
        self.rows_rejected += prepared.rows_rejected
        self.rows_duplicate += prepared.rows_duplicate
        self.rows_skipped += prepared.rows_skipped


@transaction.atomic
def _publish(batch: ImportBatch, *, counts: Counts, plan_unknown: list[str]) -> None:
    """Make the batch's rows the current version of their records, in one transaction."""
    staged_ids = SourceRecord.objects.filter(batch=batch).values("record_id")
    updated = (
        SourceRecord.objects.current()
        .filter(dataset_id=batch.dataset_id, record_id__in=Subquery(staged_ids))
        .update(superseded_by=batch)
    )
    accepted = counts.rows_accepted
    created = accepted - updated
    message = "" if accepted else "Tidak ada baris yang diterima: lihat daftar masalah."
    if accepted and batch.replaces_id:
        # A corrected re-import: what the earlier reading kept that this one does not
        # becomes history too.
        retired = SourceRecord.objects.filter(
            batch_id=batch.replaces_id, superseded_by__isnull=True
        ).update(superseded_by=batch)
        message = (
            f"Menggantikan batch #{batch.replaces_id}: {updated + retired:,} rekaman lamanya "
            "menjadi riwayat."
        )
    if plan_unknown:
        message = (message + " Kolom tidak dikenal (diabaikan): " + ", ".join(plan_unknown)).strip()
        if not accepted:
            message += (
                ". Sebutkan arti kolomnya dalam file pemetaan "
                "(padu import FILE --write-mapping M.yaml, atau tombol pemetaan di halaman batch)."
            )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.COMPLETED if accepted else BatchStatus.FAILED,
        finished_at=timezone.now(),
        message=message,
        rows_read=counts.rows_read,
        rows_accepted=accepted,
        rows_warned=counts.rows_warned,
        rows_rejected=counts.rows_rejected,
        rows_duplicate=counts.rows_duplicate,
        rows_skipped=counts.rows_skipped,
        records_created=created,
        records_updated=updated,
    )
    record_bulk_change(
        SourceRecord,
        actor=batch.imported_by,
        summary={
            "batch": batch.pk,
            "created": created,
            "updated": updated,
            "rejected": counts.rows_rejected,
        },
        origin=f"impor {batch.dataset.name} #{batch.pk}",
    )


def _discard(batch: ImportBatch, status: BatchStatus, message: str) -> None:
    with transaction.atomic():
        SourceRecord.objects.filter(batch=batch).delete()
        ImportIssue.objects.filter(batch=batch).delete()
        RawRows.objects.filter(batch=batch).delete()
        ValueRows.objects.filter(batch=batch).delete()
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=status, message=message[:2000], finished_at=timezone.now()
        )


@transaction.atomic
def withdraw_batch(batch: ImportBatch, *, actor, reason: str) -> int:
    """Take a completed batch back: its records leave the current data (the next matching
    run drops what only they held) and the versions they had replaced are current again.
    Everything stays as history. Returns how many records were withdrawn."""
    policy.require(actor, batch, Action.CHANGE)
    if not reason.strip():
        raise ValueError("Tulis alasan penarikan: riwayat menyimpannya.")
    withdrawn = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.COMPLETED).update(
        status=BatchStatus.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawn_by=actor if actor and actor.pk else None,
        withdrawal_reason=reason.strip(),
    )
    if not withdrawn:
        raise ValueError("Hanya batch yang selesai yang dapat ditarik.")
    # What it had replaced is current again, unless a later batch has since replaced the
    # withdrawn version too: then that batch replaces the older one as well.
    successor = SourceRecord.objects.filter(batch=batch, record_id=OuterRef("record_id")).values(
        "superseded_by"
    )[:1]
    restored = SourceRecord.objects.filter(superseded_by=batch).update(
        superseded_by=Subquery(successor)
    )
    count = SourceRecord.objects.filter(batch=batch).count()
    record_change(
        batch,
        actor=actor,
        action=ChangeAction.UPDATE,
        before={"status": BatchStatus.COMPLETED},
        after={"status": BatchStatus.WITHDRAWN, "reason": reason.strip(), "restored": restored},
    )
    return count


def request_cancel(batch: ImportBatch, *, actor) -> None:
    """Ask a running import to stop (it rolls back what it staged); a queued one stops at once."""
    policy.require(actor, batch, Action.CHANGE)
    ImportBatch.objects.filter(
        pk=batch.pk, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
    ).update(cancel_requested=True)
    ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(
        status=BatchStatus.CANCELLED,
        message="Dibatalkan sebelum berjalan.",
        finished_at=timezone.now(),
    )
    record_change(batch, actor=actor, action=ChangeAction.UPDATE, after={"cancel_requested": True})


def clean_up_interrupted(now: dt.datetime | None = None, *, actor=None) -> int:
    """Batches whose process died mid-way: remove what they staged, mark them failed.
    ``actor``: who noticed (None: Padu itself, before an import)."""
    now = now or timezone.now()
    stuck = ImportBatch.objects.filter(
        status=BatchStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    count = 0
    for batch in stuck:
        _discard(
            batch, BatchStatus.FAILED, "Impor terhenti (proses mati); basis data dikembalikan."
        )
        record_change(batch, actor=actor, action=ChangeAction.UPDATE, after={"status": "failed"})
        count += 1
    return count
