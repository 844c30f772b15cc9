"""The change log, written by services in the same transaction as the change itself.

Written by hand rather than with django-simple-history or django-auditlog: those record
every model save by signal, which would log a million-row bulk load row by row and miss
what a change means (the batch or visit it came from, the request, a summary of counts);
here each service writes the row that says what it did.
"""

import datetime as dt
import decimal
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import context
from .choices import ChangeAction
from .models import ChangeLog


def _json_value(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def jsonable(values: dict) -> dict:
    """``values`` ready for a JSON column (dates as ISO text, models as ids)."""
    return {name: _json_value(value) for name, value in values.items()}


def snapshot(instance: models.Model, fields: Iterable[str] | None = None) -> dict:
    """A JSON-ready dict of an instance's concrete field values (foreign keys as ids)."""
    names = fields or [f.attname for f in instance._meta.concrete_fields]
    return {name: _json_value(getattr(instance, name)) for name in names}


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that changed, as (before, after)."""
    changed = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in changed}, {k: after[k] for k in changed}


def record_change(
    instance: models.Model,
    *,
    actor,
    action: ChangeAction,
    before: dict | None = None,
    after: dict | None = None,
    origin: str = "",
) -> ChangeLog:
    return ChangeLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        request_id=context.request_id.get(),
        action=action,
        content_type=ContentType.objects.get_for_model(instance),
        object_id=str(instance.pk),
        object_repr=str(instance)[:200],
        before=before,
        after=after,
        origin=origin[:200],
    )


def record_bulk_change(
    model: type[models.Model], *, actor, summary: dict, origin: str
) -> ChangeLog:
    """One row for a bulk load (thousands of rows at once), with counts instead of values."""
    return ChangeLog.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        request_id=context.request_id.get(),
        action=ChangeAction.BULK_CREATE,
        content_type=ContentType.objects.get_for_model(model),
        object_id="*",
        object_repr=str(model._meta.verbose_name_plural)[:200],
        after=summary,
        origin=origin[:200],
    )


def history_of(instance: models.Model):
    return ChangeLog.objects.filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
    ).select_related("actor")
