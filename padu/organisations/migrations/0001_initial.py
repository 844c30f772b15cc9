# Agency moves here from programs: the table is adopted as it is (state only), the apps that
# point at it follow, programs lets go of it, and 0002 renames the table.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("programs", "0003_referral_rule_and_more"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Agency",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.SlugField(max_length=32, unique=True, verbose_name="kode")),
                        ("name", models.CharField(max_length=200, verbose_name="nama")),
                        ("short_name", models.CharField(max_length=40, verbose_name="singkatan")),
                    ],
                    options={
                        "verbose_name": "perangkat daerah (OPD)",
                        "verbose_name_plural": "perangkat daerah (OPD)",
                        "ordering": ["short_name"],
                        "db_table": "programs_agency",
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
