"""Build the upgrade fixtures from a tagged version of Padu: the demo's database as that
version leaves it, on SQLite and on PostgreSQL, for ``test_upgrade.py`` to migrate forward.

    git worktree add /tmp/padu-v0.1.0 v0.1.0
    cd /tmp/padu-v0.1.0 && /path/to/padu/.venv/bin/python \\
        /path/to/padu/tests/upgrade/build_fixture.py --tag v0.1.0 --out /path/to/padu/tests/upgrade

Run from the old checkout (its code builds the database); it writes ``TAG.sqlite3.xz`` and
``TAG.pgdump``. The demo is small (1,000 synthetic people) and keeps only the regions of its
city, so that the fixtures stay small."""

import argparse
import lzma
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

CITY = "33.74"
PG = "postgresql://postgres@127.0.0.1:5432/{name}"


def _padu(env, *args):
    subprocess.run([sys.executable, "-m", "padu.cli", *args], env=env, check=True)


def _trim_regions_sql() -> list[str]:
    keep = f"code LIKE '{CITY}%' OR code = '{CITY[:2]}'"
    return [
        f"DELETE FROM regions_boundary WHERE NOT (region_id LIKE '{CITY}%' OR region_id = '{CITY[:2]}')",
        f"DELETE FROM regions_region WHERE NOT ({keep}) AND level = 4",
        f"DELETE FROM regions_region WHERE NOT ({keep}) AND level = 3",
        f"DELETE FROM regions_region WHERE NOT ({keep}) AND level = 2",
        f"DELETE FROM regions_region WHERE NOT ({keep}) AND level = 1",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tag", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--people", type=int, default=1000)
    args = parser.parse_args()
    base = {**os.environ, "PADU_ENV": "development", "PYTHONPATH": os.getcwd()}
    base.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "sqlite"
        env = {**base, "PADU_DATA_DIR": str(data)}
        _padu(env, "demo", "--people", str(args.people), "--no-serve")
        database = data / "padu.sqlite3"
        with sqlite3.connect(database) as connection:
            for statement in _trim_regions_sql():
                connection.execute(statement)
        sqlite3.connect(database).execute("VACUUM")
        with (
            database.open("rb") as source,
            lzma.open(args.out / f"{args.tag}.sqlite3.xz", "wb") as target,
        ):
            shutil.copyfileobj(source, target)

        name = f"padu_fixture_{os.getpid()}"
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        try:
            env = {
                **base,
                "PADU_DATA_DIR": str(Path(scratch) / "pg"),
                "DATABASE_URL": PG.format(name=name),
            }
            _padu(env, "demo", "--people", str(args.people), "--no-serve")
            statements = ";".join(_trim_regions_sql())
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", name, "-c", statements],
                check=True,
            )
            subprocess.run(
                ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "--format=custom", "--no-owner",
                 "--file", str(args.out / f"{args.tag}.pgdump"), name],
                check=True,
            )  # fmt: skip
        finally:
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", name], check=False)


if __name__ == "__main__":
    main()
