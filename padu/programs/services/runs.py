"""A cycle's bulk steps in the background (import, propose, check, approve): queued from
the web, carried out by the database-backed worker, with progress and a cancel that
takes effect between phases (each phase writes in one transaction)."""

import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from padu.accounts.policy import Action
from padu.core.choices import ChangeAction, RunStatus
from padu.core.faults import system_failure_message
from padu.core.history import record_change
from padu.core.progress import write_progress

from ..choices import RunStep
from ..linking import LinkingUnavailable
from ..models import Cycle, Program, ProgramRun
from .cycles import (
    CycleError,
    _require,
    approve_cycle,
    check_cycle,
    import_cycle_list,
    propose_cycle,
)

logger = logging.getLogger(__name__)


class ProgramRunCancelled(Exception):
    pass


#: The action each step needs on the program (or its cycle).
_STEP_ACTION = {
    RunStep.IMPORT: Action.CHANGE,
    RunStep.PROPOSE: Action.CHANGE,
    RunStep.CHECK: Action.CHANGE,
    RunStep.APPROVE: Action.APPROVE,
}


def queue_program_run(
    program: Program,
    *,
    step: str,
    actor,
    cycle: Cycle | None = None,
    cycle_name: str = "",
    starts_on=None,
    ends_on=None,
    upload=None,
) -> ProgramRun:
    """A step for the background worker; one active step per program at a time."""
    from ..tasks import run_program_step  # the task module imports this one

    _require(actor, cycle or program, _STEP_ACTION[step])
    with transaction.atomic():
        active = ProgramRun.objects.active().filter(program=program).first()
        if active:
            return active
        run = ProgramRun(
            program=program,
            step=step,
            cycle=cycle,
            cycle_name=cycle_name or (cycle.name if cycle else ""),
            starts_on=starts_on,
            ends_on=ends_on,
            started_by=actor,
            file_name=getattr(upload, "name", "") or "",
        )
        if upload is not None:
            run.file.save(Path(upload.name).name, File(upload), save=False)
        run.save()
        record_change(
            run,
            actor=actor,
            action=ChangeAction.CREATE,
            after={"langkah": step, "siklus": run.cycle_name, "file": run.file_name},
        )
        run_program_step.enqueue(run.pk)
    return run


@transaction.atomic
def cancel_program_run(run: ProgramRun, *, actor) -> None:
    """Ask a step to stop at its next phase; a queued step stops at once."""
    _require(actor, run, Action.CHANGE)
    ProgramRun.objects.active().filter(pk=run.pk).update(cancel_requested=True)
    ProgramRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.CANCELLED, finished_at=timezone.now(), message="Dibatalkan."
    )
    record_change(run, actor=actor, action=ChangeAction.UPDATE, after={"cancel_requested": True})


def execute_program_run(run: ProgramRun) -> ProgramRun:
    """Carry out a queued step as the person who queued it."""
    started = ProgramRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING
    )
    run.refresh_from_db()
    if not started:
        return run

    def report(done: int, total: int, label: str) -> None:
        write_progress(run, done, total, label)
        if done < total and ProgramRun.objects.filter(pk=run.pk, cancel_requested=True).exists():
            raise ProgramRunCancelled

    actor, outcome = run.started_by, {"status": RunStatus.COMPLETED, "message": ""}
    try:
        cycle = _carry_out(run, actor=actor, progress=report)
        outcome["cycle"] = cycle
        outcome["message"] = _said(cycle)
    except ProgramRunCancelled:
        outcome = {
            "status": RunStatus.CANCELLED,
            "message": "Dibatalkan. Yang sudah tersimpan tetap; jalankan lagi untuk melanjutkan.",
        }
    except (CycleError, LinkingUnavailable) as error:
        outcome = {"status": RunStatus.FAILED, "message": str(error)}
    except Exception as error:  # keep the message for the user, the traceback for the log
        logger.exception("program run %s failed", run.pk)
        outcome = {
            "status": RunStatus.FAILED,
            "message": system_failure_message("Langkah", error),
        }
    ProgramRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **outcome)
    run.refresh_from_db()
    return run


def _carry_out(run: ProgramRun, *, actor, progress) -> Cycle:
    if run.step == RunStep.IMPORT:
        # The stored upload is read under its own name, as the person named it.
        folder = Path(settings.DATA_DIR) / "tmp" / f"program-run-{run.pk}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (Path(run.file_name).name or "daftar.xlsx")
        with run.file.open("rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        try:
            return import_cycle_list(
                path,
                program=run.program,
                cycle_name=run.cycle_name,
                actor=actor,
                starts_on=run.starts_on,
                ends_on=run.ends_on,
                file_name=run.file_name,
                progress=progress,
            )
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if run.step == RunStep.PROPOSE:
        progress(0, 2, "Memilih keluarga menurut kriteria")
        cycle = propose_cycle(
            run.program,
            cycle_name=run.cycle_name,
            actor=actor,
            starts_on=run.starts_on,
            ends_on=run.ends_on,
        )
        progress(2, 2, "Selesai")
        return cycle
    if run.step == RunStep.CHECK:
        check_cycle(run.cycle, actor=actor, progress=progress)
        return run.cycle
    progress(0, 1, "Memeriksa dan membekukan siklus")
    cycle = approve_cycle(run.cycle, actor=actor)
    progress(1, 1, "Selesai")
    return cycle


def _said(cycle: Cycle) -> str:
    s = cycle.summary or {}
    return (
        f"{s.get('baris', 0):,} penerima: {s.get('tertaut', 0):,} tertaut, "
        f"{s.get('calon', 0) + s.get('tidak_ditemukan', 0):,} belum tertaut, "
        f"{s.get('gagal', 0):,} gagal pemeriksaan."
    ).replace(",", ".")
