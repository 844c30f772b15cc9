"""Every write to families and persons goes through here, with its change log."""

from collections.abc import Sequence

from django.db import transaction

from padu.core.choices import ChangeAction
from padu.core.history import diff, record_bulk_change, record_change, snapshot

from .models import Family, Person

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
