"""Is Padu up, and ready to serve? What a load balancer, systemd or a monitor asks.

``/healthz``: the process answers. ``/readyz``: the database answers, every migration is
applied, the background worker beat recently (``padu worker`` writes a heartbeat file while
it runs, busy or idle) and the data directory has room left. Neither shows any data."""

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

#: A worker that has not beaten for this long is taken for stopped (it beats every 15 s).
HEARTBEAT_STALE_SECONDS = 90
HEARTBEAT_INTERVAL_SECONDS = 15


def heartbeat_file() -> Path:
    return Path(settings.DATA_DIR) / "worker.heartbeat"


def beat(**state) -> None:
    """Write the worker's heartbeat: when, its process, what it is doing (atomically)."""
    path = heartbeat_file()
    temporary = path.with_suffix(f".{os.getpid()}")
    temporary.write_text(json.dumps({"at": time.time(), "pid": os.getpid(), **state}))
    temporary.replace(path)


def last_beat() -> dict | None:
    try:
        return json.loads(heartbeat_file().read_text())
    except (OSError, ValueError):
        return None


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("database", True, connection.vendor)
    except Exception as error:  # any failure to reach it is the answer
        return Check("database", False, type(error).__name__)


def _migrations() -> Check:
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return Check("migrations", False, type(error).__name__)
    if pending:
        return Check("migrations", False, f"{len(pending)} belum diterapkan: padu manage migrate")
    return Check("migrations", True, "semua diterapkan")


def _worker() -> Check:
    state = last_beat()
    if state is None:
        return Check("worker", False, "tidak ada detak: jalankan padu worker")
    age = time.time() - state.get("at", 0)
    detail = f"detak {age:.0f} detik lalu"
    if state.get("task"):
        detail += f", mengerjakan {state['task']}"
    return Check("worker", age <= HEARTBEAT_STALE_SECONDS, detail)


def _disk() -> Check:
    free = shutil.disk_usage(settings.DATA_DIR).free
    floor = settings.DISK_FREE_FLOOR_MB * 2**20
    return Check("disk", free >= floor, f"{free // 2**20:,} MB bebas (batas {floor // 2**20:,} MB)")


def readiness() -> list[Check]:
    return [_database(), _migrations(), _worker(), _disk()]


def other_worker_alive() -> bool:
    """Whether another ``padu worker`` beats: then the running work may be its own."""
    state = last_beat()
    if not state or state.get("pid") == os.getpid():
        return False
    fresh = time.time() - state.get("at", 0) <= HEARTBEAT_STALE_SECONDS
    try:
        os.kill(state["pid"], 0)
    except (OSError, KeyError, TypeError):
        return False
    return fresh
