"""The change log, written by services in the same transaction as the change itself.

Written by hand rather than with django-simple-history or django-auditlog: those record
every model save by signal, which would log a million-row bulk load row by row and miss
what a change means (the batch or visit it came from, the request, a summary of counts);
here each service writes the row that says what it did.
"""

import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _

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


def history_of(*instances: models.Model):
    """The change log of ``instances`` (of one model or several), newest first."""
    condition = models.Q(pk__in=[])
    for instance in instances:
        condition |= models.Q(
            content_type=ContentType.objects.get_for_model(instance), object_id=str(instance.pk)
        )
    return ChangeLog.objects.filter(condition).select_related("actor")


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


def described_changes(entry: ChangeLog) -> list[FieldChange]:
    """An entry's changes as a person reads them: each field by its label, each value as
    the page shows it (a code by its label, a village by its name, a date as 17-08-1985)."""
    model = entry.content_type.model_class()
    before, after = entry.before or {}, entry.after or {}
    changes = []
    for name in after:
        field = _field(model, name)
        if field is not None and not field.editable:
            continue  # derived values (a search key): not a change a person made
        label = str(field.verbose_name) if field is not None else name
        changes.append(
            FieldChange(
                label[:1].upper() + label[1:],
                shown_value(field, before.get(name)),
                shown_value(field, after[name]),
            )
        )
    return changes


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return next((f for f in model._meta.concrete_fields if f.attname == name), None)


def shown_value(field, value) -> str:
    """A stored value (as the change log keeps it) in words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation and field.related_model is not None:
        related = field.related_model._default_manager.filter(pk=value).first()
        return str(getattr(related, "name", related)) if related is not None else str(value)
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10]).strftime("%d-%m-%Y")
        except ValueError:
            return value
    if isinstance(value, int | float | decimal.Decimal):
        return number_format(value, force_grouping=not field.name.endswith("year"))
    return str(value)
