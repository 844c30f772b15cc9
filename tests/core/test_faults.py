"""Faults survived: the background worker killed (SIGKILL) in the middle of an import, as a
power cut or the kernel's out-of-memory killer would. Nothing of the import is left half
written, and once the worker is started again the batch says it was cut off and the queue's
task is marked failed."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

pytestmark = [pytest.mark.once, pytest.mark.slow]


def _padu(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "padu.cli", *args], env=env, check=True, capture_output=True,
        text=True, timeout=600,
    ).stdout  # fmt: skip


def _until(database, sql, condition, *, seconds=120, every=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(database, timeout=1) as connection:
                row = connection.execute(sql).fetchone()
        except sqlite3.OperationalError:  # locked by the writer for a moment
            row = None
        if row is not None and condition(row):
            return row
        time.sleep(every)
    pytest.fail(f"not reached in {seconds} s: {sql}")


def test_a_worker_killed_mid_import_leaves_nothing_half_written(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"PADU_ENV": "development", "PADU_DATA_DIR": str(tmp_path / "data")}
    _padu(env, "manage", "migrate", "--verbosity", "0")
    _padu(env, "synth", "--region", "33.74", "--people", "300000", "--seed", "5",
          "--out", str(tmp_path / "city"), "--quiet")  # fmt: skip
    source = next((tmp_path / "city").glob("regsosek.*"))
    batch = _padu(env, "manage", "shell", "-c", (
        "from pathlib import Path\n"
        "from padu.regions.services import load_regions\n"
        "from padu.regions.models import Region\n"
        "from padu.accounts.services import create_user\n"
        "from padu.sources.services import commit_batch, create_batch, find_dataset\n"
        "load_regions(only=('33.74',))\n"
        "user = create_user(username='walidata', password='kata-sandi-uji-9',"
        " role='data_custodian', region=Region.objects.get(code='33.74'))\n"
        f"batch = create_batch(Path({str(source)!r}), dataset=find_dataset('regsosek'),"
        " actor=user, draft=True)\n"
        "commit_batch(batch, actor=user)\n"
        "print(batch.pk)\n"
    )).split()[-1]  # fmt: skip
    database = tmp_path / "data" / "padu.sqlite3"
    worker = subprocess.Popen([sys.executable, "-m", "padu.cli", "worker", "--no-reload"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        # Killed once it has written rows (staged, not yet published).
        _until(database, f"SELECT status, progress_done FROM sources_importbatch WHERE id = {batch}",
               lambda row: row[0] == "running" and row[1] > 0)  # fmt: skip
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    with sqlite3.connect(database) as connection:
        (status,) = connection.execute(
            f"SELECT status FROM sources_importbatch WHERE id = {batch}"
        ).fetchone()
    assert status == "running"  # cut off: nobody has told it yet

    worker = subprocess.Popen([sys.executable, "-m", "padu.cli", "worker", "--no-reload"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        status, message = _until(
            database, f"SELECT status, message FROM sources_importbatch WHERE id = {batch}",
            lambda row: row[0] != "running", seconds=60,
        )  # fmt: skip
    finally:
        worker.send_signal(signal.SIGTERM)
        _output, errors = worker.communicate(timeout=60)
    assert status == "failed" and "terhenti" in message, (status, message)
    assert "ditandai gagal" in errors
    with sqlite3.connect(database) as connection:
        for table in ("sources_sourcerecord", "sources_rawrows", "sources_importissue"):
            (left,) = connection.execute(
                f"SELECT COUNT(*) FROM {table} WHERE batch_id = {batch}"
            ).fetchone()
            assert left == 0, table
        (task,) = connection.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult"
        ).fetchone()
    assert task == "FAILED"
