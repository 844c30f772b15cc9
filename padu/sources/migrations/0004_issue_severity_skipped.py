"""Repeated rows are skipped, not accepted with a warning: their issues say so."""

from django.db import migrations, models


def duplicates_skipped(apps, schema_editor):
    ImportIssue = apps.get_model("sources", "ImportIssue")
    ImportIssue.objects.filter(code="duplicate_row").update(severity="skipped")


def duplicates_warned(apps, schema_editor):
    ImportIssue = apps.get_model("sources", "ImportIssue")
    ImportIssue.objects.filter(code="duplicate_row").update(severity="warning")


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0003_raw_rows_in_parquet_blocks"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importissue",
            name="severity",
            field=models.CharField(
                choices=[
                    ("error", "galat (baris ditolak)"),
                    ("warning", "peringatan (baris diterima)"),
                    ("skipped", "dilewati (baris kembar)"),
                ],
                max_length=8,
                verbose_name="tingkat",
            ),
        ),
        migrations.RunPython(duplicates_skipped, duplicates_warned),
    ]
