"""Row blocks: a batch written a few rows at a time stays a few blocks."""

import polars as pl
import pytest

from padu.sources.models import ImportBatch, RawRows, ValueRows

pytestmark = pytest.mark.django_db


def test_appended_rows_fill_the_newest_block_before_starting_another(dataset, monkeypatch):
    batch = ImportBatch.objects.create(
        dataset=dataset, file_name="visits", file_sha256="0" * 64,
        value_names=["address", "has_car"],
    )  # fmt: skip
    monkeypatch.setattr(ValueRows, "APPEND_ROWS", 4)
    visits = [
        {"_row": [1, 2], "address": ["Jl. Melati 1", None], "has_car": [None, None]},
        {"_row": [3], "address": [None], "has_car": [True]},
        {"_row": [4, 5], "address": ["Gg. Kenanga 3", "Jl. Mawar"], "has_car": [False, None]},
    ]
    for rows in visits:
        ValueRows.append(batch, pl.DataFrame(rows, schema_overrides={"_row": pl.Int64}))

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
    assert not RawRows.objects.filter(batch=batch).exists()
