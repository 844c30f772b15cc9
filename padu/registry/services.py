"""Every write to families and persons goes through here, with its change log."""

from collections.abc import Sequence

import polars as pl
from django.db import transaction

from padu.core.choices import ChangeAction
from padu.core.history import diff, record_bulk_change, record_change, snapshot

from .models import Family, Person
from .names import name_key

_BATCH = 5_000


@transaction.atomic
def bulk_create_families(
    families: Sequence[Family], members: Sequence[Sequence[Person]], *, actor, origin: str
) -> int:
    """Create families with their members in one transaction; one change-log row per load.

    ``members[i]`` are the members of ``families[i]``. Returns the number of persons created.
    """
    if len(families) != len(members):
        raise ValueError("families and members must be parallel sequences")
    created = Family.objects.bulk_create(families, batch_size=_BATCH)
    persons = []
    for family, people in zip(created, members, strict=True):
        for person in people:
            person.family = family
            persons.append(person)
    keys = pl.select(name_key(pl.Series([p.full_name for p in persons], dtype=pl.String)))
    for person, key in zip(persons, keys.to_series(), strict=True):
        person.name_key = key or ""
    Person.objects.bulk_create(persons, batch_size=_BATCH)
    record_bulk_change(
        Family,
        actor=actor,
        summary={"families": len(created), "persons": len(persons)},
        origin=origin,
    )
    return len(persons)


@transaction.atomic
def update_family(family: Family, changes: dict, *, actor, origin: str = "") -> Family:
    """Change a family's fields, bumping its version and logging before and after."""
    locked = Family.objects.select_for_update().get(pk=family.pk)
    before = snapshot(locked, changes)
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.version += 1
    locked.save()
    old, new = diff(before, snapshot(locked, changes))
    if new:
        record_change(
            locked, actor=actor, action=ChangeAction.UPDATE, before=old, after=new, origin=origin
        )
    return locked


@transaction.atomic
def add_member(family: Family, *, full_name: str, actor, origin: str) -> Person:
    """A person a field visit found in the family and no source listed; their other values
    come from the visit's record through survivorship."""
    person = Person.objects.create(family=family, full_name=full_name)
    record_change(person, actor=actor, action=ChangeAction.CREATE, origin=origin)
    return person


@transaction.atomic
def create_family(*, village_id: str, actor, origin: str) -> Family:
    """A family no source listed (an approved usulan baru); its values come from the
    visit's records through survivorship."""
    family = Family.objects.create(village_id=village_id)
    record_change(family, actor=actor, action=ChangeAction.CREATE, origin=origin)
    return family
