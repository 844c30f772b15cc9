"""A worker killed mid-task: at its restart, every run it was doing says it was cut off,
an import's staged rows are gone, and the queue's task is marked failed."""

import json
import os
import time

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from padu.core import health
from padu.core.choices import RunStatus
from padu.core.health import other_worker_alive
from padu.core.services import INTERRUPTED, recover_interrupted_work
from padu.matching.models import LinkageRun
from padu.sources.choices import BatchStatus
from padu.sources.models import ImportBatch
from padu.sources.services import find_dataset
from padu.welfare.models import ClassificationRun

pytestmark = pytest.mark.django_db


def test_work_cut_off_by_a_dead_worker_is_marked_failed_at_restart(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    matching = LinkageRun.objects.create(
        match_threshold=0.95, review_threshold=0.5, status=RunStatus.RUNNING
    )
    classification = ClassificationRun.objects.create(
        region_id="33.74", year=2025, status=RunStatus.RUNNING
    )
    waiting = LinkageRun.objects.create(match_threshold=0.95, review_threshold=0.5)
    batch = ImportBatch.objects.create(
        dataset=find_dataset("DTKS"), file_name="dtks.csv", file_sha256="a" * 64,
        status=BatchStatus.RUNNING, heartbeat_at=timezone.now(),
    )  # fmt: skip
    task = DBTaskResult.objects.create(
        status="RUNNING", args_kwargs={"args": [batch.pk], "kwargs": {}},
        task_path="padu.sources.tasks.run_import", backend_name="default",
    )  # fmt: skip
    assert not other_worker_alive()
    assert recover_interrupted_work() == 3
    for run in (matching, classification):
        run.refresh_from_db()
        assert run.status == RunStatus.FAILED and run.message == INTERRUPTED and run.finished_at
    waiting.refresh_from_db()
    assert waiting.status == RunStatus.QUEUED  # not started: the worker will take it
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED and "terhenti" in batch.message
    task.refresh_from_db()
    assert task.status == "FAILED" and "pekerja latar berhenti" in task.traceback


def test_a_live_worker_s_work_is_left_alone(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    assert not other_worker_alive()
    (tmp_path / "worker.heartbeat").write_text(json.dumps({"at": time.time(), "pid": os.getppid()}))
    assert other_worker_alive()
    (tmp_path / "worker.heartbeat").write_text(
        json.dumps({"at": time.time() - 600, "pid": os.getppid()})
    )
    assert not other_worker_alive()  # its last beat is old: it is gone
    health.beat()  # this process's own beat is not another worker's
    assert not other_worker_alive()
