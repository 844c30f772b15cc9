"""Import the 1-million-person synthetic Regsosek-like export end to end, into SQLite and into
PostgreSQL, and print rows/s and peak memory (targets: 25,000 rows/s into SQLite, 50,000
rows/s into PostgreSQL, under 2 GB peak).

    .venv/bin/python benchmarks/import_1m.py [--people N] [--postgres URL] [--source regsosek]
        [--only sqlite|postgresql]

Each import runs in its own process on a fresh database, so its peak memory is its own.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from city import peak_mb, synthetic_city


def _django(data_dir: Path, database_url: str | None):
    os.environ["PADU_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
    os.environ.setdefault("PADU_ENV", "development")  # a benchmark is a trial
    import django

    django.setup()


def run_one(args) -> None:
    """In a child process: migrate a fresh database, import one file, print JSON."""
    _django(Path(args.data_dir), args.database_url)
    from django.core.management import call_command

    from padu.regions.services import load_regions
    from padu.sources.services import find_dataset, import_file

    call_command("migrate", verbosity=0)
    load_regions(only=(args.region,))
    started, cpu_started = time.perf_counter(), time.process_time()
    batch = import_file(Path(args.file), dataset=find_dataset(args.source), actor=None)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    print(
        json.dumps(
            {
                "status": batch.status,
                "rows": batch.rows_read,
                "accepted": batch.rows_accepted,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_mb": peak_mb(),
                "message": batch.message,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--region", default="33.74")
    parser.add_argument("--source", default="regsosek")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/padu_bench")
    parser.add_argument("--only", choices=["sqlite", "postgresql"], help="one database only")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--data-dir")
    parser.add_argument("--database-url")
    parser.add_argument("--file")
    args = parser.parse_args()
    if args.child:
        return run_one(args)

    os.environ["PADU_DATA_DIR"] = tempfile.mkdtemp(prefix="padu-bench-")
    file = synthetic_city(args.region, args.people, seed=1) / f"{args.source}.csv"
    targets = {"SQLite": (None, 25_000), "PostgreSQL": (args.postgres, 50_000)}
    for name, (url, target) in targets.items():
        if args.only and name.lower() != args.only:
            continue
        if url:
            _recreate_postgres(url)
        with tempfile.TemporaryDirectory() as data_dir:
            child = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--data-dir",
                    data_dir,
                    "--file",
                    str(file),
                    "--region",
                    args.region,
                    "--source",
                    args.source,
                ]
                + (["--database-url", url] if url else []),
                capture_output=True,
                text=True,
            )
        if child.returncode != 0:
            print(f"{name}: failed\n{child.stderr[-2000:]}")
            continue
        result = json.loads(child.stdout.strip().splitlines()[-1])
        rate = result["rows"] / result["seconds"]
        print(
            f"{name}: {result['rows']:,} rows ({result['accepted']:,} accepted) in "
            f"{result['seconds']:.1f} s = {rate:,.0f} rows/s (CPU {result['cpu_seconds']:.0f} s), peak {result['peak_mb']:,.0f} MB "
            f"[target {target:,} rows/s, < 2,048 MB: {'met' if rate >= target and result['peak_mb'] < 2048 else 'MISSED'}]"
        )


def _recreate_postgres(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
