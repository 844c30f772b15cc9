"""Data already imported survives a change of how it is stored."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from padu.sources.models import ImportBatch, ImportIssue, RawRows, ValueRows

BEFORE = [("sources", "0002_records_as_arrays_drafts_family_files")]
AFTER = [("sources", "0003_raw_rows_in_parquet_blocks")]


@pytest.mark.django_db(transaction=True)
def test_record_arrays_move_into_raw_row_blocks_and_values_survive():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    dataset = apps.get_model("sources", "SourceDataset").objects.get(name="DTKS")
    batch = apps.get_model("sources", "ImportBatch").objects.create(
        dataset=dataset, file_name="dtks.csv", file_sha256="0" * 64, header=["ID", "NAMA", "RT"]
    )
    record = apps.get_model("sources", "SourceRecord")
    record.objects.bulk_create(
        [
            record(
                dataset=dataset,
                batch=batch,
                record_id="A1",
                row_number=2,
                raw=["A1", "Budi", "1"],
                values=["Jl. Melati 1", True, 90, None],
            ),
            record(
                dataset=dataset, batch=batch, record_id="A3", row_number=4, raw=["A3", "Ani", None]
            ),
        ]
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    block = RawRows.objects.get()
    assert (block.batch_id, block.first_row, block.last_row) == (batch.pk, 2, 4)
    assert block.frame().rows() == [(2, "A1", "Budi", "1"), (4, "A3", "Ani", None)]
    record = executor.loader.project_state(AFTER).apps.get_model("sources", "SourceRecord")
    assert record.objects.get(record_id="A1").values == ["Jl. Melati 1", True, 90, None]
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_repeated_rows_of_earlier_batches_become_skipped_rather_than_warned():
    before, after = (
        [("sources", "0003_raw_rows_in_parquet_blocks")],
        [("sources", "0004_issue_severity_skipped")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    dataset = apps.get_model("sources", "SourceDataset").objects.get(name="DTKS")
    batch = apps.get_model("sources", "ImportBatch").objects.create(
        dataset=dataset, file_name="dtks.csv", file_sha256="0" * 64
    )
    issue = apps.get_model("sources", "ImportIssue")
    for row, code in [(3, "duplicate_row"), (4, "nik_too_short")]:
        issue.objects.create(
            batch=batch, row_number=row, severity="warning", code=code, message="…"
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    severities = dict(ImportIssue.objects.values_list("code", "severity"))
    assert severities == {"duplicate_row": "skipped", "nik_too_short": "warning"}
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_value_arrays_move_into_value_blocks_and_back():
    before, after = (
        [("sources", "0004_issue_severity_skipped")],
        [("sources", "0005_values_in_parquet_blocks")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    dataset = apps.get_model("sources", "SourceDataset").objects.get(name="DTKS")
    batch = apps.get_model("sources", "ImportBatch").objects.create(
        dataset=dataset,
        file_name="dtks.csv",
        file_sha256="0" * 64,
        value_names=["address", "has_car", "floor_area_m2", "mother_name"],
    )
    old_record = apps.get_model("sources", "SourceRecord")
    old_record.objects.bulk_create(
        [
            old_record(
                dataset=dataset,
                batch=batch,
                record_id="A1",
                row_number=2,
                values=["Jl. Melati 1", True, 90, None],
            ),
            old_record(
                dataset=dataset,
                batch=batch,
                record_id="A3",
                row_number=4,
                values=["Jl. Mawar", False, None, "Sri"],
            ),
        ]
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    # Read through today's block reader, on a batch that carries only what 0005 knew (the
    # batch table of 0005 lacks today's later columns).
    then = ImportBatch(pk=batch.pk, value_names=batch.value_names)
    moved = ValueRows.rows(then, [2, 4]).to_dicts()
    assert moved[0] == {
        "_row": 2,
        "address": "Jl. Melati 1",
        "has_car": True,
        "floor_area_m2": 90,
        "mother_name": None,
    }
    assert moved[1]["mother_name"] == "Sri"

    executor.loader.build_graph()
    executor.migrate(before)
    back = executor.loader.project_state(before).apps.get_model("sources", "SourceRecord")
    assert dict(back.objects.values_list("record_id", "values")) == {
        "A1": ["Jl. Melati 1", True, 90, None],
        "A3": ["Jl. Mawar", False, None, "Sri"],
    }
    assert ImportBatch.objects.count() == 1
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
