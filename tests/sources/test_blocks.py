"""Row blocks: a batch written a few rows at a time (approved visits) stays a few blocks."""

import polars as pl
import pytest

from padu.sources.models import ImportBatch, RawRows, RowBlock, SourceRecord, ValueRows
from padu.sources.services import FieldRecords, append_field_records

pytestmark = pytest.mark.django_db


def _append(rows):
    return append_field_records(
        FieldRecords(
            batch_name="verivali-uji",
            header=("id_penduduk", "full_name", "address"),
            value_names=("address", "has_car"),
            rows=rows,
        ),
        actor=None,
    )


def test_field_records_fill_the_newest_block_before_starting_another(monkeypatch):
    monkeypatch.setattr(RowBlock, "APPEND_ROWS", 4)
    _append([("V1-P1", {"full_name": "Budi", "address": "Jl. Melati 1"}), ("V1-P2", {})])
    _append([("V2-P3", {"full_name": "Sri", "has_car": True})])
    _append(
        [
            ("V3-P4", {"address": "Gg. Kenanga 3", "has_car": False}),
            ("V3-P5", {"address": "Jl. Mawar", "id_penduduk": 5}),
        ]
    )

    batch = ImportBatch.objects.get(file_name="verivali-uji")
    assert (batch.rows_read, batch.rows_accepted, batch.status) == (5, 5, "completed")
    blocks = list(ValueRows.objects.filter(batch=batch).order_by("first_row"))
    assert [(b.first_row, b.last_row) for b in blocks] == [(1, 3), (4, 5)]
    assert ValueRows.rows(batch).rows() == [
        (1, "Jl. Melati 1", None),
        (2, None, None),
        (3, None, True),
        (4, "Gg. Kenanga 3", False),
        (5, "Jl. Mawar", None),
    ]
    assert ValueRows.rows(batch, [3], ["has_car"]).rows() == [(3, True)]
    # The raw rows are laid out as the batch's header says, every value as text.
    raw = RawRows.rows(batch)
    assert raw.columns == ["_row", "id_penduduk", "full_name", "address"]
    assert raw.row(4) == (5, "5", "", "Jl. Mawar")
    records = SourceRecord.objects.filter(batch=batch).order_by("row_number")
    assert [(r.record_id, r.row_number, r.full_name) for r in records][:3] == [
        ("V1-P1", 1, "Budi"),
        ("V1-P2", 2, ""),
        ("V2-P3", 3, "Sri"),
    ]
    assert pl.DataFrame(raw).height == 5
