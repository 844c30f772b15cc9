"""Faults survived: the disk fills up. Padu's data folder sits on a small filesystem of its
own (tmpfs, mounted for the test; skipped where this process may not mount); an import
that runs out of space stops with a message that says so and what to do, leaves the
database as it was, /readyz reports the disk, and once space is freed the same import
lands whole."""

import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

pytestmark = [pytest.mark.once, pytest.mark.slow]


def _padu(env, *args, check=True):
    return subprocess.run(
        [sys.executable, "-m", "padu.cli", *args], env=env, check=check, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)],
                             capture_output=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("this process may not mount a small filesystem (needs root)")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk, *, leave: int):
    """Write a filler file that leaves ``leave`` bytes free."""
    free = shutil.disk_usage(disk).free
    with (disk / "filler").open("wb") as filler:
        remaining = free - leave
        while remaining > 0:
            written = filler.write(b"\0" * min(remaining, 1 << 20))
            remaining -= written


def test_an_import_that_fills_the_disk_fails_cleanly_and_lands_once_space_is_freed(
    small_disk, tmp_path
):
    data = small_disk / "data"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"PADU_ENV": "development", "PADU_DATA_DIR": str(data), "PADU_DISK_FREE_FLOOR_MB": "8"}
    _padu(env, "manage", "migrate", "--verbosity", "0")
    _padu(env, "manage", "shell", "-c",
          "from padu.regions.services import load_regions; load_regions(only=('33.74',))")  # fmt: skip
    city = tmp_path / "city"  # outside the small disk
    _padu(env, "synth", "--region", "33.74", "--people", "20000", "--seed", "3",
          "--out", str(city), "--quiet")  # fmt: skip
    source = next(city.glob("regsosek.*"))
    database = data / "padu.sqlite3"
    # Room for the upload's copy, not for the rows it becomes.
    _fill(small_disk, leave=source.stat().st_size + 2 * 2**20)

    failed = _padu(env, "import", str(source), "--source", "regsosek", "--quiet", check=False)
    assert failed.returncode != 0
    assert "Traceback" not in failed.stderr, failed.stderr[-3000:]
    assert "penuh" in failed.stderr and str(data) in failed.stderr, failed.stderr[-3000:]
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM sources_sourcerecord").fetchone() == (0,)
        assert connection.execute("SELECT COUNT(*) FROM sources_rawrows").fetchone() == (0,)
    ready = _padu(env, "manage", "shell", "-c",
                  "from padu.core.health import readiness; "
                  "print([c.name for c in readiness() if not c.ok])")  # fmt: skip
    assert "disk" in ready.stdout

    (small_disk / "filler").unlink()
    landed = _padu(env, "import", str(source), "--source", "regsosek", "--quiet")
    assert "diterima" in landed.stdout, landed.stdout
    with sqlite3.connect(database) as connection:
        (records,) = connection.execute("SELECT COUNT(*) FROM sources_sourcerecord").fetchone()
        statuses = connection.execute(
            "SELECT status, rows_accepted FROM sources_importbatch ORDER BY id"
        ).fetchall()
    assert [status for status, _rows in statuses] == ["failed", "completed"]
    assert records == statuses[-1][1] > 15_000  # the rows of the synthetic file that are good
