"""Writes that any app's reference data shares: a record saved or deleted by a person (in the
admin), with its change-log row in the same transaction."""

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from .choices import ChangeAction, RunStatus
from .history import diff, record_change, snapshot

#: Fields whose values never go into the change log (only that they changed).
SECRET_FIELDS = frozenset({"password"})


def _loggable(instance: models.Model) -> dict:
    values = snapshot(instance)
    return {k: ("***" if k in SECRET_FIELDS else v) for k, v in values.items()}


@transaction.atomic
def save_with_history(instance: models.Model, *, actor, origin: str = "admin") -> models.Model:
    """Save ``instance`` (new or changed) and log what changed, from what to what."""
    before = None
    if instance.pk is not None:
        stored = type(instance)._default_manager.filter(pk=instance.pk).first()
        before = _loggable(stored) if stored is not None else None
    instance.save()
    after = _loggable(instance)
    if before is None:
        record_change(instance, actor=actor, action=ChangeAction.CREATE, after=after, origin=origin)
    else:
        old, new = diff(before, after)
        if new:
            record_change(
                instance,
                actor=actor,
                action=ChangeAction.UPDATE,
                before=old,
                after=new,
                origin=origin,
            )
    return instance


@transaction.atomic
def record_related_change(instance: models.Model, *, actor, changes: dict, origin: str) -> None:
    """Log a change that is not a field of ``instance`` itself (its groups, its password)."""
    record_change(instance, actor=actor, action=ChangeAction.UPDATE, after=changes, origin=origin)


@transaction.atomic
def delete_with_history(instance: models.Model, *, actor, origin: str = "admin") -> None:
    """Delete ``instance`` and log what it held."""
    record_change(
        instance, actor=actor, action=ChangeAction.DELETE, before=_loggable(instance), origin=origin
    )
    instance.delete()


# -- after a worker died mid-task --------------------------------------------------------------

#: What a run cut off by a dead worker says (each run writes its results in transactions a
#: dead process never commits: the database is as it was; its own row still says running).
INTERRUPTED = (
    "Terhenti karena pekerja latar berhenti di tengah pekerjaan ini (dimatikan atau server "
    "mati). Tidak ada yang tertulis setengah jadi; jalankan lagi."
)


class _Cutoff(Exception):
    """The exception a cut-off task is marked failed with."""


@transaction.atomic
def recover_interrupted_work(*, actor=None) -> int:
    """Mark every run and queued task left running as failed; returns how many runs. Call
    only when no other worker is alive (``health.other_worker_alive``); the apps clean what they
    keep outside the database (``signals.worker_restarted``)."""
    from django_tasks_db.models import DBTaskResult

    from .models import BackgroundRun
    from .signals import worker_restarted

    now, count = timezone.now(), 0
    for model in apps.get_models():
        if not issubclass(model, BackgroundRun):
            continue
        for run in model.objects.filter(status=RunStatus.RUNNING):
            model.objects.filter(pk=run.pk).update(
                status=RunStatus.FAILED, message=INTERRUPTED, finished_at=now
            )
            record_change(run, actor=actor, action=ChangeAction.UPDATE, after={"status": "failed"},
                          origin="pekerja latar dimulai ulang")  # fmt: skip
            count += 1
    for task in DBTaskResult.objects.filter(status="RUNNING"):
        task.set_failed(_Cutoff(INTERRUPTED))
    for _receiver, found in worker_restarted.send(sender=None, actor=actor):
        count += found or 0
    return count
