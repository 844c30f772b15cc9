"""What a monitor asks: /healthz always, /readyz naming what is not ready; the status page
for whoever runs the installation."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from padu.accounts.choices import Role
from padu.core import health

pytestmark = pytest.mark.django_db


def test_readyz_names_what_is_not_ready(client, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.DISK_FREE_FLOOR_MB = 1
    assert client.get(reverse("healthz")).json() == {"status": "ok"}
    waiting = client.get(reverse("readyz"))
    assert waiting.status_code == 503
    checks = waiting.json()["checks"]
    assert checks["database"]["ok"] and checks["migrations"]["ok"]
    assert not checks["worker"]["ok"] and "padu worker" in checks["worker"]["detail"]
    health.beat(task="sources.tasks.run_import (1)")
    ready = client.get(reverse("readyz"))
    assert ready.status_code == 200 and "run_import" in ready.json()["checks"]["worker"]["detail"]
    settings.DISK_FREE_FLOOR_MB = 10**9  # a floor no disk has
    full = client.get(reverse("readyz")).json()["checks"]["disk"]
    assert not full["ok"] and "MB bebas" in full["detail"]


def test_the_status_page_is_for_staff(client, make_user, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    url = reverse("system-status")
    assert client.get(url).status_code == 302
    leader = make_user("pimpinan", Role.LEADER, "33.74")
    client.force_login(leader)
    assert client.get(url).status_code == 302  # not staff
    admin = make_user("admin", Role.ADMIN)
    admin.is_staff = True
    admin.save()
    client.force_login(admin)
    DBTaskResult.objects.create(
        status="FAILED", args_kwargs={"args": [], "kwargs": {}},
        task_path="padu.sources.tasks.run_import", backend_name="default",
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert "Status server" in page and "tidak ada detak" in page
    assert "gagal: 1" in page and "FAILED" not in page  # the queue's states in words
