"""A published (or withdrawn) release never changes, whatever path tries: the services refuse,
and these triggers refuse an UPDATE of its data or decree and any DELETE. The lifecycle
may still go from published to withdrawn (once, with its reason); who did what (actor
columns) may be cleared when an account is deleted.

SQLite's triggers die with their table: a later migration that makes Django rebuild
``releases_release`` on SQLite must create them again (tests/releases/test_services.py
fails without them)."""

from django.db import migrations

FROZEN = [
    "number",
    "name",
    "period",
    "region_id",
    "year",
    "as_of",
    "notes",
    "decree_number",
    "decree_date",
    "decree_signatory",
    "decree_file",
    "schema_version",
    "manifest",
    "published_at",
]
MESSAGE = "rilis yang sudah terbit tidak dapat diubah atau dihapus"


#: Set once, by the withdrawal itself.
WITHDRAWAL = ["withdrawal_reason", "withdrawn_at"]


def _changed(differs: str) -> str:
    """SQL that is true when an update changes what may not change; ``differs``: the
    null-safe inequality of the database ("IS NOT" or "IS DISTINCT FROM")."""
    columns = " OR ".join(f"NEW.{c} {differs} OLD.{c}" for c in FROZEN)
    withdrawal = " OR ".join(f"NEW.{c} {differs} OLD.{c}" for c in WITHDRAWAL)
    lifecycle = (
        "NOT (NEW.lifecycle = OLD.lifecycle "
        "OR (OLD.lifecycle = 'published' AND NEW.lifecycle = 'withdrawn'))"
    )
    return f"{columns} OR {lifecycle} OR (OLD.lifecycle = 'withdrawn' AND ({withdrawal}))"


def _sqlite_changed() -> str:
    return _changed("IS NOT")


def _postgres_changed() -> str:
    return _changed("IS DISTINCT FROM")


_RAISE = f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(
            "CREATE TRIGGER releases_release_frozen_update BEFORE UPDATE ON releases_release "
            "FOR EACH ROW WHEN OLD.lifecycle IN ('published', 'withdrawn') AND "
            f"({_sqlite_changed()}) BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
        schema_editor.execute(
            "CREATE TRIGGER releases_release_frozen_delete BEFORE DELETE ON releases_release "
            "FOR EACH ROW WHEN OLD.lifecycle IN ('published', 'withdrawn') "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    elif vendor == "postgresql":
        schema_editor.execute(
            "CREATE FUNCTION releases_release_frozen() RETURNS trigger AS $$ BEGIN "
            f"IF TG_OP = 'DELETE' THEN {_RAISE} END IF; "
            f"IF {_postgres_changed()} THEN {_RAISE} END IF; "
            "RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            "CREATE TRIGGER releases_release_frozen BEFORE UPDATE OR DELETE ON releases_release "
            "FOR EACH ROW WHEN (OLD.lifecycle IN ('published', 'withdrawn')) "
            "EXECUTE FUNCTION releases_release_frozen()"
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute("DROP TRIGGER IF EXISTS releases_release_frozen_update")
        schema_editor.execute("DROP TRIGGER IF EXISTS releases_release_frozen_delete")
    elif vendor == "postgresql":
        schema_editor.execute("DROP TRIGGER IF EXISTS releases_release_frozen ON releases_release")
        schema_editor.execute("DROP FUNCTION IF EXISTS releases_release_frozen()")


class Migration(migrations.Migration):
    dependencies = [("releases", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
