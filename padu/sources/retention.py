"""Retention of what imports leave behind: the uploaded files, and the verbatim rows of
imports that did not land. The records an import made stay: they are the registry's
provenance."""

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Length

from padu.core.choices import ChangeAction
from padu.core.history import record_change
from padu.core.retention import Found, RetentionRule, retention_rule, stored_size

from .choices import BatchStatus
from .models import ImportBatch, RawRows, ValueRows
from .services import forget_files

#: Batches whose work is over (no file will be read again by them).
FINISHED = [BatchStatus.COMPLETED, BatchStatus.FAILED, BatchStatus.CANCELLED,
            BatchStatus.DUPLICATE, BatchStatus.WITHDRAWN]  # fmt: skip
#: Batches none of whose rows are in the registry.
UNLANDED = [BatchStatus.FAILED, BatchStatus.CANCELLED, BatchStatus.DUPLICATE,
            BatchStatus.WITHDRAWN]  # fmt: skip


def _with_files(cutoff):
    return ImportBatch.objects.filter(status__in=FINISHED, created_at__lt=cutoff).exclude(
        Q(file="") & Q(family_file="")
    )


def _find_files(cutoff) -> Found:
    batches = list(_with_files(cutoff))
    files = [f for b in batches for f in (b.file, b.family_file) if f]
    return Found(len(files), stored_size(files))


def _apply_files(cutoff, actor) -> int:
    return sum(
        forget_files(batch, actor=actor, reason="aturan retensi") for batch in _with_files(cutoff)
    )


def _unlanded_blocks(cutoff):
    batches = ImportBatch.objects.filter(status__in=UNLANDED, created_at__lt=cutoff)
    return [model.objects.filter(batch__in=batches) for model in (RawRows, ValueRows)]


def _find_rows(cutoff) -> Found:
    blocks = _unlanded_blocks(cutoff)
    count = sum(b.count() for b in blocks)
    size = sum(b.aggregate(n=Sum(Length("data")))["n"] or 0 for b in blocks)
    return Found(count, size)


@transaction.atomic
def _apply_rows(cutoff, actor) -> int:
    deleted = 0
    batch_ids = set()
    for blocks in _unlanded_blocks(cutoff):
        batch_ids |= set(blocks.values_list("batch_id", flat=True))
        deleted += blocks.delete()[0]
    for batch in ImportBatch.objects.filter(pk__in=batch_ids):
        record_change(
            batch, actor=actor, action=ChangeAction.UPDATE,
            after={"baris_asli": "dihapus menurut aturan retensi"}, origin="retensi",
        )  # fmt: skip
    return deleted


retention_rule(
    RetentionRule(
        "import_files",
        "berkas sumber yang diunggah, dari impor yang sudah selesai",
        _find_files,
        _apply_files,
    )
)
retention_rule(
    RetentionRule(
        "unlanded_rows",
        "baris asli impor yang tidak masuk data (gagal, dibatalkan, kembar, ditarik)",
        _find_rows,
        _apply_rows,
    )
)
