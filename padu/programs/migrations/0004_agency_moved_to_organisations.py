# Agency now lives in organisations (see organisations 0001): referrals point there, and
# programs forgets the model without touching its table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0003_referral_rule_and_more"),
        ("organisations", "0001_initial"),
        ("accounts", "0002_agency_in_organisations"),
        ("sources", "0006_agency_in_organisations"),
        ("welfare", "0003_agency_in_organisations"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
            name="agency",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="referrals", to="organisations.agency", verbose_name="OPD"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Agency")],
            database_operations=[],
        ),
    ]
