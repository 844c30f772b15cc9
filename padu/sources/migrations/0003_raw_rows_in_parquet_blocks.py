import io

import django.db.models.deletion
import polars as pl
from django.db import migrations, models

import padu.core.fields

_BLOCK_ROWS = 50_000


def move_raw_into_blocks(apps, schema_editor):
    """Each batch's record arrays become Parquet blocks of its raw rows (the rows it
    rejected were never kept on records, so they stay only in the batch's file)."""
    ImportBatch = apps.get_model("sources", "ImportBatch")
    SourceRecord = apps.get_model("sources", "SourceRecord")
    RawRows = apps.get_model("sources", "RawRows")
    for batch in ImportBatch.objects.filter(records__isnull=False).distinct().iterator():
        width = len(batch.header)
        rows = SourceRecord.objects.filter(batch=batch).order_by("row_number")
        pending = []
        for number, raw in rows.values_list("row_number", "raw").iterator(chunk_size=5_000):
            cells = [None if c is None else str(c) for c in (raw or [])][:width]
            pending.append([number, *cells, *[None] * (width - len(cells))])
            if len(pending) == _BLOCK_ROWS:
                _save(RawRows, batch, pending, width)
                pending = []
        if pending:
            _save(RawRows, batch, pending, width)


def _save(RawRows, batch, pending, width):
    schema = {"_row": pl.Int64, **{f"c{i}": pl.String for i in range(width)}}
    buffer = io.BytesIO()
    pl.DataFrame(pending, schema=schema, orient="row").write_parquet(
        buffer, compression="zstd", row_group_size=2_000, statistics=True
    )
    RawRows.objects.create(
        batch=batch, first_row=pending[0][0], last_row=pending[-1][0], data=buffer.getvalue()
    )


def _values_type(schema_editor, kind: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'ALTER TABLE sources_sourcerecord ALTER COLUMN "values" TYPE {kind} '
            f'USING "values"::{kind}'
        )


def values_as_text(apps, schema_editor):
    _values_type(schema_editor, "text")


def values_as_jsonb(apps, schema_editor):
    _values_type(schema_editor, "jsonb")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_records_as_arrays_drafts_family_files"),
    ]

    operations = [
        migrations.CreateModel(
            name="RawRows",
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
            ],
            options={
                "verbose_name": "baris asli",
                "verbose_name_plural": "baris asli",
            },
        ),
        migrations.AddField(
            model_name="rawrows",
            name="batch",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="raw_blocks",
                to="sources.importbatch",
            ),
        ),
        migrations.AddIndex(
            model_name="rawrows",
            index=models.Index(fields=["batch", "first_row"], name="raw_rows_batch"),
        ),
        migrations.RunPython(move_raw_into_blocks, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="sourcerecord",
            name="record_nik",
        ),
        migrations.RemoveField(
            model_name="sourcerecord",
            name="raw",
        ),
        migrations.AlterField(
            model_name="sourcerecord",
            name="batch",
            field=models.ForeignKey(
                db_constraint=False,
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="records",
                to="sources.importbatch",
            ),
        ),
        # JSONField and TextJSONField share an internal type, so Django would not say how to
        # convert the column; PostgreSQL needs to be told (SQLite keeps JSON as text anyway).
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(values_as_text, values_as_jsonb)],
            state_operations=[
                migrations.AlterField(
                    model_name="sourcerecord",
                    name="values",
                    field=padu.core.fields.TextJSONField(
                        default=list,
                        help_text="urut seperti value_names batch",
                        verbose_name="nilai ternormalisasi",
                    ),
                )
            ],
        ),
]
