"""Agencies move from programs to organisations without losing a row or a reference."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from padu.accounts.models import User
from padu.organisations.models import Agency

BEFORE = [
    ("programs", "0003_referral_rule_and_more"),
    ("accounts", "0001_initial"),
    ("sources", "0005_values_in_parquet_blocks"),
    ("welfare", "0002_classificationrun"),
    ("organisations", None),
]


@pytest.mark.django_db(transaction=True)
def test_agencies_and_the_accounts_pointing_at_them_survive_the_move():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE[:-1]).apps
    # An agency of the region's own, beside the standard ones seeded after every migrate.
    old_agency = apps.get_model("programs", "Agency").objects.create(
        code="dpmd", short_name="DPMD", name="Dinas Pemberdayaan Masyarakat dan Desa"
    )
    apps.get_model("accounts", "User").objects.create(
        username="petugas", role="agency_officer", agency_id=old_agency.pk
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Agency.objects.get(code="dpmd")
    assert moved.pk == old_agency.pk and moved.sectors == []
    assert Agency.objects.get(code="dinkes").sectors == ["kesehatan"]
    assert User.objects.get(username="petugas").agency == moved
    assert "organisations_agency" in connection.introspection.table_names()
