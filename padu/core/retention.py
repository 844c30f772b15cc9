"""How long Padu keeps what it no longer needs to do its work: uploaded source files, the
verbatim rows of imports that did not land, visit photos, files nothing points to. Each app
registers its rules (as it registers panels); ``padu retention`` reports what each rule
would delete (a dry run, always first) and deletes only when told to, with a change log row
per rule. The days come from settings (``RETENTION_DAYS``), set by the data custodian's
retention schedule."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Found:
    count: int
    bytes: int = 0


@dataclass(frozen=True)
class RetentionRule:
    name: str  # the key of RETENTION_DAYS
    label: str
    #: What the rule would delete for this cutoff (nothing deleted).
    find: Callable[[dt.datetime], Found]
    #: Delete it; returns how many were deleted. Called with the acting user.
    apply: Callable[[dt.datetime, object], int]

    @property
    def days(self) -> int:
        return settings.RETENTION_DAYS[self.name]

    def cutoff(self, now: dt.datetime | None = None) -> dt.datetime:
        return (now or timezone.now()) - dt.timedelta(days=self.days)


_rules: dict[str, RetentionRule] = {}


def retention_rule(rule: RetentionRule) -> RetentionRule:
    _rules[rule.name] = rule
    return rule


def retention_rules() -> list[RetentionRule]:
    return sorted(_rules.values(), key=lambda rule: rule.name)


def stored_size(files) -> int:
    """The bytes of these stored files that still exist."""
    total = 0
    for file in files:
        try:
            total += file.size
        except (FileNotFoundError, OSError, ValueError):
            continue
    return total


def _referenced_files() -> set[str]:
    """The names every file field of every model points to."""
    from django.apps import apps
    from django.db import models

    names = set()
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                rows = model._default_manager.exclude(**{model_field.name: ""})
                names.update(rows.values_list(model_field.name, flat=True).iterator())
    return names


def _orphans(cutoff: dt.datetime):
    """Stored files no record points to (the upload of a discarded draft, a file left by a
    failed save), older than the cutoff so that an upload being saved is never taken."""
    root = settings.MEDIA_ROOT
    if not root or not Path(root).is_dir():
        return []
    referenced = _referenced_files()
    found = []
    for path in Path(root).rglob("*"):
        if not path.is_file() or path.stat().st_mtime >= cutoff.timestamp():
            continue
        if path.relative_to(root).as_posix() not in referenced:
            found.append(path)
    return found


def _find_orphans(cutoff) -> Found:
    orphans = _orphans(cutoff)
    return Found(len(orphans), sum(p.stat().st_size for p in orphans))


def _apply_orphans(cutoff, actor) -> int:
    orphans = _orphans(cutoff)
    for path in orphans:
        path.unlink(missing_ok=True)
    return len(orphans)


retention_rule(
    RetentionRule(
        "orphan_files", "berkas tersimpan yang tidak dirujuk rekaman apa pun", _find_orphans,
        _apply_orphans,
    )
)  # fmt: skip
