import io

import django.db.models.deletion
import polars as pl
from django.db import migrations, models

_BLOCK_ROWS = 50_000


def move_values_into_blocks(apps, schema_editor):
    """Each batch's value arrays become Parquet blocks, one column per value name."""
    from padu.core.migrating import migration_progress

    ImportBatch = apps.get_model("sources", "ImportBatch")
    SourceRecord = apps.get_model("sources", "SourceRecord")
    ValueRows = apps.get_model("sources", "ValueRows")
    with migration_progress("Nilai rekaman sumber", SourceRecord.objects.count()) as advance:
        for batch in ImportBatch.objects.filter(records__isnull=False).distinct().iterator():
            names = list(batch.value_names or [])
            rows = SourceRecord.objects.filter(batch=batch).order_by("row_number")
            pending = []
            for number, values in rows.values_list("row_number", "values").iterator(
                chunk_size=5_000
            ):
                pending.append((number, list(values or [])))
                if len(pending) == _BLOCK_ROWS:
                    _save(ValueRows, batch, names, pending)
                    advance(len(pending))
                    pending = []
            if pending:
                _save(ValueRows, batch, names, pending)
                advance(len(pending))


def _save(ValueRows, batch, names, pending):
    columns = {
        name: pl.Series(
            name, [v[i] if i < len(v) else None for _, v in pending], strict=False
        )
        for i, name in enumerate(names)
    }
    frame = pl.DataFrame({"_row": pl.Series([n for n, _ in pending], dtype=pl.Int64), **columns})
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", row_group_size=10_000, statistics=True)
    ValueRows.objects.create(
        batch=batch, first_row=pending[0][0], last_row=pending[-1][0], data=buffer.getvalue()
    )


def move_values_back(apps, schema_editor):
    ImportBatch = apps.get_model("sources", "ImportBatch")
    SourceRecord = apps.get_model("sources", "SourceRecord")
    ValueRows = apps.get_model("sources", "ValueRows")
    for batch in ImportBatch.objects.filter(value_blocks__isnull=False).distinct().iterator():
        names = list(batch.value_names or [])
        by_row = {}
        for block in ValueRows.objects.filter(batch=batch).iterator(chunk_size=1):
            frame = pl.read_parquet(io.BytesIO(bytes(block.data)))
            for row in frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d")).iter_rows(
                named=True
            ):
                by_row[row["_row"]] = [row.get(name) for name in names]
        records = list(SourceRecord.objects.filter(batch=batch, row_number__in=list(by_row)))
        for record in records:
            record.values = by_row[record.row_number]
        SourceRecord.objects.bulk_update(records, ["values"], batch_size=5_000)


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0004_issue_severity_skipped"),
    ]

    operations = [
        migrations.CreateModel(
            name="ValueRows",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("first_row", models.PositiveIntegerField()),
                ("last_row", models.PositiveIntegerField()),
                ("data", models.BinaryField()),
                (
                    "batch",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="value_blocks",
                        to="sources.importbatch",
                    ),
                ),
            ],
            options={
                "verbose_name": "nilai ternormalisasi",
                "verbose_name_plural": "nilai ternormalisasi",
                "indexes": [models.Index(fields=["batch", "first_row"], name="value_rows_batch")],
            },
        ),
        migrations.RunPython(move_values_into_blocks, move_values_back),
        migrations.RemoveField(
            model_name="sourcerecord",
            name="values",
        ),
    ]
