from django.db import migrations, models

#: The sectors of the standard agencies (see services.STANDARD_AGENCIES).
STANDARD_SECTORS = {
    "dinsos": ["bansos", "pangan"],
    "perkim": ["rumah", "air_sanitasi", "listrik"],
    "disdikbud": ["pendidikan"],
    "dinkes": ["kesehatan"],
    "disnaker": ["pekerjaan"],
    "dkumkm": ["pekerjaan"],
}


def move_content_type(apps, schema_editor):
    """Change-log rows about agencies keep pointing at them under their new app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="organisations", model="agency").exists():
        content_type.objects.filter(app_label="programs", model="agency").update(
            app_label="organisations"
        )


def move_content_type_back(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="programs", model="agency").exists():
        content_type.objects.filter(app_label="organisations", model="agency").update(
            app_label="programs"
        )


def set_standard_sectors(apps, schema_editor):
    agency = apps.get_model("organisations", "Agency")
    for code, sectors in STANDARD_SECTORS.items():
        agency.objects.filter(code=code, sectors=[]).update(sectors=sectors)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("organisations", "0001_initial"),
        ("programs", "0004_agency_moved_to_organisations"),
    ]

    operations = [
        migrations.AlterModelTable(name="agency", table=None),
        migrations.AddField(
            model_name="agency",
            name="sectors",
            field=models.JSONField(blank=True, default=list, help_text='bidang kebutuhan yang ditangani, mis. ["kesehatan"]', verbose_name="bidang"),
        ),
        migrations.RunPython(set_standard_sectors, migrations.RunPython.noop),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
