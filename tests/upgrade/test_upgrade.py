"""Upgrades keep the data: the demo's database as the previous tagged version left it
(``build_fixture.py``) is migrated forward by this version, and every table it had keeps
its row count and a sample of its values (families, persons, accounts, welfare results,
visits, referrals). On the database the suite runs on: the SQLite fixture on SQLite, the
PostgreSQL one (restored into a scratch database) on PostgreSQL."""

import hashlib
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

HERE = Path(__file__).parent
PREVIOUS = "v0.1.0"
#: (table, columns) whose values must come through an upgrade unchanged, row by row.
SAMPLES = [
    ("registry_family", "id, kk_number, village_id, address, rt, rw"),
    ("registry_person", "id, family_id, nik, full_name, birth_date, relationship"),
    ("accounts_user", "id, username, role, region_id"),
    ("welfare_familywelfare", "family_id, model_id, desil, status"),
    ("verification_visit", "id, family_id, outcome, status"),
    ("programs_referral", "id, family_id, agency_id, status"),
]

#: Tables a migration adds rows to by itself (its own record, new models' types and
#: permissions): they may grow, never shrink.
DJANGO_BOOKKEEPING = {"django_migrations", "django_content_type", "auth_permission"}

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def _state(cursor) -> dict:
    """Row counts of every table, and a digest of the sampled columns of each sample."""
    if connection.vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    else:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    tables = sorted(row[0] for row in cursor.fetchall())
    state = {"tables": {}}
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        state["tables"][table] = cursor.fetchone()[0]
    for table, columns in SAMPLES:
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2")
        rows = cursor.fetchall()
        assert rows, f"the fixture has no {table}: rebuild it from a fuller demo"
        state[table] = hashlib.sha256(repr([tuple(map(str, r)) for r in rows]).encode()).hexdigest()
    return state


def _migrate(env) -> None:
    subprocess.run(
        [sys.executable, "-m", "padu.cli", "manage", "migrate", "--verbosity", "0"],
        env=env, check=True, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def _environment(tmp_path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {**env, "PADU_ENV": "development", "PADU_DATA_DIR": str(tmp_path), **extra}


def test_the_previous_version_s_database_migrates_forward_unchanged(tmp_path):
    if connection.vendor == "sqlite":
        database = tmp_path / "padu.sqlite3"
        with lzma.open(HERE / f"{PREVIOUS}.sqlite3.xz") as source, database.open("wb") as target:
            shutil.copyfileobj(source, target)
        with sqlite3.connect(database) as old:
            before = _state(old.cursor())
        _migrate(_environment(tmp_path))
        with sqlite3.connect(database) as new:
            after = _state(new.cursor())
    else:
        import psycopg

        settings_dict = connection.settings_dict
        server = {"host": settings_dict["HOST"] or "127.0.0.1", "port": settings_dict["PORT"] or 5432,
                  "user": settings_dict["USER"], "password": settings_dict["PASSWORD"] or None}  # fmt: skip
        name = f"padu_upgrade_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            pg_env = {**os.environ, "PGHOST": str(server["host"]), "PGPORT": str(server["port"]),
                      "PGUSER": server["user"], "PGPASSWORD": server["password"] or ""}  # fmt: skip
            subprocess.run(
                ["pg_restore", "--no-owner", "--dbname", name, str(HERE / f"{PREVIOUS}.pgdump")],
                env=pg_env, check=True, capture_output=True,
            )  # fmt: skip
            with psycopg.connect(dbname=name, **server) as old:
                before = _state(old.cursor())
            url = f"postgresql://{server['user']}@{server['host']}:{server['port']}/{name}"
            _migrate(_environment(tmp_path, DATABASE_URL=url, PGPASSWORD=server["password"] or ""))
            with psycopg.connect(dbname=name, **server) as new:
                after = _state(new.cursor())
        finally:
            with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    changed = {
        table: (count, after["tables"].get(table))
        for table, count in before["tables"].items()
        if table not in DJANGO_BOOKKEEPING and after["tables"].get(table) != count
    }
    assert not changed, changed
    for table, _columns in SAMPLES:
        assert after[table] == before[table], f"{table}: values changed by the upgrade"
    for table in DJANGO_BOOKKEEPING:
        assert after["tables"][table] >= before["tables"][table]
