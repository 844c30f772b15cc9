import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("welfare", "0002_classificationrun"),
        ("organisations", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="needrule",
            name="agency",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to="organisations.agency", verbose_name="OPD penanggung jawab"),
        ),
    ]
