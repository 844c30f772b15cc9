"""Retention: a report of what each rule would delete, then deletion only when told."""

import datetime as dt
import io
import os
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from padu.accounts.choices import Role
from padu.core.models import ChangeLog
from padu.sources.choices import BatchStatus
from padu.sources.models import ImportBatch
from padu.sources.services import create_batch, discard_draft, find_dataset, preview_batch

pytestmark = pytest.mark.django_db

CSV = "NIK;NAMA;KODE DESA\n3374011705800001;Budi Santoso;33.74.01.1001\n"


def _batch(tmp_path, name: str, *, draft=False) -> ImportBatch:
    path = tmp_path / name
    path.write_text(CSV + f"3374011705800002;{name};33.74.01.1001\n")
    return create_batch(path, dataset=find_dataset("DTKS"), actor=None, draft=draft)


def _run(*args) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_and_applying_deletes(tmp_path, settings, make_user):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    old = _batch(tmp_path, "lama.csv")
    recent = _batch(tmp_path, "baru.csv")
    ImportBatch.objects.filter(pk__in=[old.pk, recent.pk]).update(status=BatchStatus.COMPLETED)
    ImportBatch.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
    orphan = settings.MEDIA_ROOT / "imports" / "yatim.csv"
    orphan.write_text(CSV)
    two_days_ago = time.time() - 2 * 86400
    os.utime(orphan, (two_days_ago, two_days_ago))

    report = _run()
    assert (
        "berkas sumber yang diunggah, dari impor yang sudah selesai, lebih tua dari 365 hari: 1"
        in report
    )
    assert "tidak dirujuk rekaman apa pun, lebih tua dari 1 hari: 1" in report
    old.refresh_from_db()
    assert old.file and old.file.storage.exists(old.file.name) and orphan.exists()

    _run("--terapkan", "--user", "walidata")
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not orphan.exists()
    assert recent.file and recent.file.storage.exists(recent.file.name)
    assert ChangeLog.objects.filter(
        object_id=str(old.pk), after__berkas="dihapus: aturan retensi"
    ).exists()
    assert "tidak disimpan lagi" in preview_batch(old).error  # said, never a crash


def test_applying_needs_an_account(tmp_path, settings):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--user"):
        _run("--terapkan")


def test_a_discarded_draft_takes_its_file_along(
    tmp_path, settings, make_user, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    draft = _batch(tmp_path, "pratinjau.csv", draft=True)
    ImportBatch.objects.filter(pk=draft.pk).update(region_id="33.74")
    draft.refresh_from_db()
    stored = draft.file.path
    with django_capture_on_commit_callbacks(execute=True):
        discard_draft(draft, actor=custodian)
    draft.refresh_from_db()
    assert draft.status == BatchStatus.CANCELLED and not draft.file
    assert not os.path.exists(stored)
