"""Sources: every write lives here.

- ``batches``: a file taken in, from upload and preview to a published batch (or none);
- ``datasets``: the feeds and their precedence;
- ``field_records``: the records approved field visits add.
"""

from .batches import (
    CHUNK_ROWS,
    Counts,
    ImportCancelled,
    Preview,
    clean_up_interrupted,
    commit_batch,
    create_batch,
    discard_draft,
    file_sha256,
    import_file,
    preview_batch,
    read_batch_file,
    request_cancel,
    run_batch,
    set_batch_mapping,
    withdraw_batch,
)
from .datasets import STANDARD_DATASETS, ensure_standard_datasets, field_dataset, find_dataset
from .field_records import FIELD_KEY_COLUMNS, FieldRecords, append_field_records

__all__ = [
    "CHUNK_ROWS",
    "FIELD_KEY_COLUMNS",
    "STANDARD_DATASETS",
    "Counts",
    "FieldRecords",
    "ImportCancelled",
    "Preview",
    "append_field_records",
    "clean_up_interrupted",
    "commit_batch",
    "create_batch",
    "discard_draft",
    "ensure_standard_datasets",
    "field_dataset",
    "file_sha256",
    "find_dataset",
    "import_file",
    "preview_batch",
    "read_batch_file",
    "request_cancel",
    "run_batch",
    "set_batch_mapping",
    "withdraw_batch",
]
