"""Writes that any app's reference data shares: a record saved or deleted by a person (in the
admin), with its change-log row in the same transaction."""

from django.db import models, transaction

from .choices import ChangeAction
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
