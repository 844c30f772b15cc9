"""Every write to a release: create and build it, check, approve, publish, withdraw.

A release is built in a ``.partial`` directory and moved into place only when every file
and its manifest are written, so a failed or cancelled build leaves nothing behind. Once
published its data and decree never change: these services refuse, and so does the
database (the trigger of migration 0002).
"""

import datetime as dt
import logging
import os

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.choices import ChangeAction, RunStatus
from padu.core.faults import system_failure_message
from padu.core.history import record_change
from padu.core.progress import ProgressCallback, no_progress, write_progress
from padu.regions.models import Region

from . import storage
from .choices import ReleaseLifecycle
from .figures import build_aggregates
from .models import Release
from .snapshot import SCHEMA_VERSION, take_snapshot

logger = logging.getLogger(__name__)


class ReleaseError(Exception):
    """A step the release's state does not allow; the message says what to do."""


class BuildCancelled(Exception):
    pass


def _require_area(actor, release: Release) -> None:
    """A write to a release needs the release's whole area in the actor's region (a camat
    reads the city's release but does not publish it)."""
    if actor is None:
        return
    if release.region_id is None and not policy.is_administrator(actor) and actor.region_id:
        raise PermissionDenied("Rilis seluruh instalasi hanya dapat diubah oleh administrator.")
    if release.region_id and not policy.covers(actor, release.region_id):
        raise PermissionDenied("Wilayah rilis ini lebih luas dari wilayah kerja Anda.")


def _require(actor, release: Release, action: str) -> None:
    if actor is not None:
        policy.require(actor, release, action)
    _require_area(actor, release)


def create_release(
    *,
    actor,
    name: str,
    period: str,
    region: Region | None,
    year: int,
    notes: str = "",
    enqueue: bool = True,
) -> Release:
    """A new draft release, its build queued for the background worker (``enqueue``) or
    left for the caller to run (``execute_build``, as the command line does)."""
    from .tasks import build_release_task  # the task module imports this one

    if actor is not None and not policy.allows(actor, Release, Action.CHANGE):
        raise PermissionDenied("Hanya wali data yang membuat rilis.")
    if actor is not None and region is None and actor.region_id:
        region = Region.objects.get(code=actor.region_id)
    if actor is not None and region is not None and not policy.covers(actor, region.code):
        raise PermissionDenied("Wilayah rilis harus di dalam wilayah kerja Anda.")
    with transaction.atomic():
        if Release.objects.active().exists():
            raise ReleaseError("Rilis lain sedang disusun: tunggu sampai selesai.")
        number = (Release.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        release = Release.objects.create(
            number=number,
            name=name.strip(),
            period=period.strip(),
            region=region,
            year=year,
            notes=notes,
            started_by=actor if actor and actor.pk else None,
        )
        record_change(
            release,
            actor=actor,
            action=ChangeAction.CREATE,
            after={"name": release.name, "period": release.period, "year": year},
        )
        if enqueue:
            transaction.on_commit(lambda: build_release_task.enqueue(release.pk))
    return release


def execute_build(release: Release, progress: ProgressCallback = no_progress) -> Release:
    """Read the registry as of now and write the release's files and manifest."""
    started = Release.objects.filter(
        pk=release.pk, status=RunStatus.QUEUED, lifecycle=ReleaseLifecycle.DRAFT
    ).update(status=RunStatus.RUNNING)
    if not started:
        release.refresh_from_db()
        return release
    final = storage.release_dir(release.number)
    partial = storage.partial_dir(final)
    storage.remove(partial)

    def report(done: int, total: int, label: str) -> None:
        write_progress(release, done, total, label)
        progress(done, total, label)
        if Release.objects.filter(pk=release.pk, cancel_requested=True).exists():
            raise BuildCancelled

    outcome: dict = {"status": RunStatus.COMPLETED, "message": ""}
    try:
        manifest = _build(release, partial, report)
        storage.remove(final)
        os.replace(partial, final)
        outcome.update(
            manifest=manifest,
            as_of=dt.datetime.fromisoformat(manifest["as_of"]),
            schema_version=SCHEMA_VERSION,
        )
    except BuildCancelled:
        outcome = {
            "status": RunStatus.CANCELLED,
            "message": "Dibatalkan; susun lagi untuk melanjutkan.",
        }
    except (ValueError, storage.ReleaseFilesError) as error:
        outcome = {"status": RunStatus.FAILED, "message": str(error)}
    except Exception as error:  # the message for the user, the traceback for the log
        logger.exception("release %s failed", release.number)
        outcome = {
            "status": RunStatus.FAILED,
            "message": system_failure_message("Penyusunan rilis", error),
        }
    finally:
        storage.remove(partial)
    Release.objects.filter(pk=release.pk).update(
        finished_at=timezone.now(), cancel_requested=False, **outcome
    )
    release.refresh_from_db()
    record_change(
        release,
        actor=release.started_by,
        action=ChangeAction.UPDATE,
        after={"status": release.status, "as_of": str(release.as_of or ""), **release.summary},
    )
    return release


def _build(release: Release, directory, report: ProgressCallback) -> dict:
    steps = 10

    def reading(done: int, total: int, label: str) -> None:
        report(done, steps, label)

    snapshot = take_snapshot(release.region_id, year=release.year, progress=reading)
    report(7, steps, "Menulis berkas Parquet")
    tables = storage.write_tables(directory, snapshot.tables)
    report(8, steps, "Menghitung angka per wilayah")
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "release": release.number,
        "name": release.name,
        "period": release.period,
        "region": release.region_id,
        "year": release.year,
        "as_of": snapshot.as_of.isoformat(),
        "created_by": release.started_by.username if release.started_by else None,
        "linkage_run": snapshot.linkage_run,
        "welfare_models": snapshot.welfare_models,
        "tables": tables,
    }
    con = storage.open_tables(directory, manifest, ["families", "persons", "needs"])
    try:
        aggregates = build_aggregates(con)
    finally:
        con.close()
    manifest["tables"].update(
        storage.write_tables(directory, {"aggregates": aggregates}, partition_by=None)
    )
    top = aggregates.filter(pl.col("level") == aggregates["level"].min())
    manifest["summary"] = {
        name: int(top[name].sum())
        for name in (
            "families",
            "persons",
            "families_poor",
            "families_extreme",
            "persons_poor",
            "persons_extreme",
        )
    }
    report(9, steps, "Menulis manifes")
    storage.write_manifest(directory, manifest)
    report(steps, steps, "Selesai")
    return manifest


@transaction.atomic
def cancel_build(release: Release, *, actor) -> None:
    _require(actor, release, Action.CHANGE)
    Release.objects.active().filter(pk=release.pk).update(cancel_requested=True)
    Release.objects.filter(pk=release.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.CANCELLED, finished_at=timezone.now(), message="Dibatalkan."
    )
    record_change(
        release, actor=actor, action=ChangeAction.UPDATE, after={"cancel_requested": True}
    )


def rebuild_release(release: Release, *, actor, enqueue: bool = True) -> Release:
    """Read the registry again into a draft (after a failed or cancelled build, or new data)."""
    from .tasks import build_release_task

    _require(actor, release, Action.CHANGE)
    with transaction.atomic():
        updated = (
            Release.objects.filter(pk=release.pk, lifecycle=ReleaseLifecycle.DRAFT)
            .exclude(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
            .update(status=RunStatus.QUEUED, message="", progress_done=0, progress_total=0)
        )
        if not updated:
            raise ReleaseError("Hanya draf yang tidak sedang disusun yang dapat disusun ulang.")
        record_change(release, actor=actor, action=ChangeAction.UPDATE, after={"rebuild": True})
        if enqueue:
            transaction.on_commit(lambda: build_release_task.enqueue(release.pk))
    release.refresh_from_db()
    return release


def _move(
    release: Release,
    *,
    actor,
    action: str,
    source: ReleaseLifecycle,
    target: ReleaseLifecycle,
    stamp: str,
    extra: dict | None = None,
) -> Release:
    _require(actor, release, action)
    if not release.is_built or release.status != RunStatus.COMPLETED:
        raise ReleaseError("Rilis ini belum selesai disusun.")
    updated = Release.objects.filter(pk=release.pk, lifecycle=source).update(
        lifecycle=target,
        **{f"{stamp}_by": actor if actor and actor.pk else None, f"{stamp}_at": timezone.now()},
        **(extra or {}),
    )
    if not updated:
        raise ReleaseError(
            f"Rilis {release.number} berstatus {release.get_lifecycle_display().lower()}; "
            f"langkah ini untuk rilis berstatus {source.label.lower()}."
        )
    record_change(
        release,
        actor=actor,
        action=ChangeAction.UPDATE,
        before={"lifecycle": source.value},
        after={"lifecycle": target.value, **{k: str(v) for k, v in (extra or {}).items()}},
    )
    release.refresh_from_db()
    return release


@transaction.atomic
def check_release(release: Release, *, actor) -> Release:
    """The TKPK/Bappeda has checked the draft's figures."""
    return _move(
        release,
        actor=actor,
        action=Action.CHECK,
        source=ReleaseLifecycle.DRAFT,
        target=ReleaseLifecycle.CHECKED,
        stamp="checked",
    )


@transaction.atomic
def approve_release(release: Release, *, actor) -> Release:
    """The leader approves the checked release (the decree may now be signed)."""
    return _move(
        release,
        actor=actor,
        action=Action.APPROVE,
        source=ReleaseLifecycle.CHECKED,
        target=ReleaseLifecycle.APPROVED,
        stamp="approved",
    )


@transaction.atomic
def return_to_draft(release: Release, *, actor, reason: str) -> Release:
    """A checker or approver sends the release back (the data must be corrected first)."""
    if not reason.strip():
        raise ReleaseError("Tulis alasan pengembalian.")
    action = Action.CHECK if release.lifecycle == ReleaseLifecycle.CHECKED else Action.APPROVE
    if release.lifecycle == ReleaseLifecycle.CHECKED and actor is not None:
        # Whoever may approve it may also refuse it.
        action = Action.APPROVE if policy.allows(actor, Release, Action.APPROVE) else Action.CHECK
    _require(actor, release, action)
    updated = Release.objects.filter(
        pk=release.pk, lifecycle__in=[ReleaseLifecycle.CHECKED, ReleaseLifecycle.APPROVED]
    ).update(
        lifecycle=ReleaseLifecycle.DRAFT,
        checked_by=None,
        checked_at=None,
        approved_by=None,
        approved_at=None,
    )
    if not updated:
        raise ReleaseError("Hanya rilis yang diperiksa atau disetujui yang dapat dikembalikan.")
    record_change(
        release,
        actor=actor,
        action=ChangeAction.UPDATE,
        before={"lifecycle": release.lifecycle},
        after={"lifecycle": ReleaseLifecycle.DRAFT, "reason": reason.strip()},
    )
    release.refresh_from_db()
    return release


@transaction.atomic
def set_decree(
    release: Release,
    *,
    actor,
    number: str,
    date: dt.date | None,
    signatory: str,
    pdf: File | None = None,
    notes: str | None = None,
) -> Release:
    """The decree that fixes the release (Keputusan Wali Kota/Bupati), before publication."""
    _require(actor, release, Action.CHANGE)
    if release.is_frozen:
        raise ReleaseError("Rilis yang sudah terbit tidak dapat diubah.")
    if pdf is not None:
        _check_pdf(pdf)
    before = {
        "decree_number": release.decree_number,
        "decree_date": str(release.decree_date or ""),
        "decree_signatory": release.decree_signatory,
    }
    release.decree_number = number.strip()
    release.decree_date = date
    release.decree_signatory = signatory.strip()
    fields = ["decree_number", "decree_date", "decree_signatory"]
    if notes is not None:
        release.notes = notes
        fields.append("notes")
    if pdf is not None:
        release.decree_file.save(f"rilis-{release.number:05d}-keputusan.pdf", pdf, save=False)
        fields.append("decree_file")
    release.save(update_fields=fields)
    record_change(
        release,
        actor=actor,
        action=ChangeAction.UPDATE,
        before=before,
        after={
            "decree_number": release.decree_number,
            "decree_date": str(release.decree_date or ""),
            "decree_signatory": release.decree_signatory,
            "decree_file": release.decree_file.name,
        },
    )
    return release


def _check_pdf(pdf: File) -> None:
    pdf.seek(0)
    head = pdf.read(5)
    pdf.seek(0)
    if head != b"%PDF-":
        raise ValidationError(
            "Berkas keputusan harus PDF (hasil pindai atau tanda tangan elektronik)."
        )


@transaction.atomic
def publish_release(release: Release, *, actor) -> Release:
    """Publish an approved release that has its decree: its files are checked once more
    and the decree's SHA-256 joins the manifest, which is then final."""
    _require(actor, release, Action.CHANGE)
    if release.lifecycle != ReleaseLifecycle.APPROVED:
        raise ReleaseError(
            f"Rilis {release.number} berstatus {release.get_lifecycle_display().lower()}: "
            "hanya rilis yang sudah diperiksa dan disetujui pimpinan yang dapat diterbitkan."
        )
    missing = [
        label
        for label, value in (
            ("nomor keputusan", release.decree_number),
            ("tanggal keputusan", release.decree_date),
            ("penanda tangan", release.decree_signatory),
            ("PDF keputusan", release.decree_file),
        )
        if not value
    ]
    if missing:
        raise ReleaseError(f"Lengkapi keputusan dulu: {', '.join(missing)}.")
    problems = storage.verify(storage.release_dir(release.number), release.manifest)
    if problems:
        raise ReleaseError("Berkas rilis tidak utuh: " + "; ".join(problems))
    manifest = {
        **release.manifest,
        "decree": {
            "number": release.decree_number,
            "date": release.decree_date.isoformat(),
            "signatory": release.decree_signatory,
            "file": os.path.basename(release.decree_file.name),
            "sha256": storage.sha256_of(release.decree_file.path),
        },
        "published_by": actor.username if actor else None,
        "published_at": timezone.now().isoformat(),
    }
    storage.write_manifest(storage.release_dir(release.number), manifest)
    return _move(
        release,
        actor=actor,
        action=Action.CHANGE,
        source=ReleaseLifecycle.APPROVED,
        target=ReleaseLifecycle.PUBLISHED,
        stamp="published",
        extra={"manifest": manifest},
    )


@transaction.atomic
def withdraw_release(release: Release, *, actor, reason: str) -> Release:
    """A published release found wrong: it stays readable, under a banner with the reason."""
    if not reason.strip():
        raise ReleaseError("Tulis alasan penarikan: pembaca rilis ini akan melihatnya.")
    return _move(
        release,
        actor=actor,
        action=Action.CHANGE,
        source=ReleaseLifecycle.PUBLISHED,
        target=ReleaseLifecycle.WITHDRAWN,
        stamp="withdrawn",
        extra={"withdrawal_reason": reason.strip()},
    )


@transaction.atomic
def discard_release(release: Release, *, actor) -> None:
    """Delete a release that was never published, with its files."""
    _require(actor, release, Action.CHANGE)
    if release.is_frozen:
        raise ReleaseError("Rilis yang sudah terbit tidak dapat dihapus; tarik bila keliru.")
    if release.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        raise ReleaseError("Rilis sedang disusun: batalkan dulu.")
    record_change(
        release, actor=actor, action=ChangeAction.DELETE, before={"number": release.number}
    )
    if release.decree_file:
        release.decree_file.delete(save=False)
    storage.remove(storage.release_dir(release.number))
    release.delete()
