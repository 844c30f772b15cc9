"""Reference data every installation starts with (agencies, source datasets, poverty lines,
need rules) is written once after ``migrate``, so that reading it never writes."""

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models.signals import post_migrate


def _fully_migrated(using: str) -> bool:
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def seed_after_migrate(app_config, seed: Callable[[], None]) -> None:
    """Run ``seed`` after every ``migrate`` (and test-database flush) that leaves the schema
    complete; not after a migration backwards, whose tables may lack today's columns."""

    def handler(sender, using=DEFAULT_DB_ALIAS, plan=None, **kwargs):
        if plan and any(backwards for _migration, backwards in plan):
            return
        if _fully_migrated(using):
            seed()

    post_migrate.connect(handler, sender=app_config, weak=False, dispatch_uid=app_config.label)
