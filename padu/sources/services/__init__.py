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
    forget_files,
    import_file,
    preview_batch,
    read_batch_file,
    request_cancel,
    run_batch,
    set_batch_mapping,
    withdraw_batch,
)
from .datasets import (
    ADDABLE_KINDS,
    STANDARD_DATASETS,
    DatasetError,
    add_dataset,
    ensure_standard_datasets,
    field_dataset,
    find_dataset,
    move_dataset,
    set_precedence,
)
from .field_records import FIELD_KEY_COLUMNS, FieldRecords, append_field_records

__all__ = [
    "ADDABLE_KINDS",
    "CHUNK_ROWS",
    "FIELD_KEY_COLUMNS",
    "STANDARD_DATASETS",
    "Counts",
    "DatasetError",
    "FieldRecords",
    "ImportCancelled",
    "Preview",
    "add_dataset",
    "append_field_records",
    "clean_up_interrupted",
    "commit_batch",
    "create_batch",
    "discard_draft",
    "ensure_standard_datasets",
    "field_dataset",
    "file_sha256",
    "find_dataset",
    "forget_files",
    "import_file",
    "move_dataset",
    "preview_batch",
    "read_batch_file",
    "request_cancel",
    "run_batch",
    "set_batch_mapping",
    "set_precedence",
    "withdraw_batch",
]
