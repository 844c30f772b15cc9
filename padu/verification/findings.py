"""What a visit finds, and how it compares with the family as it stands today: the fields an
operator may correct, the snapshot the form is opened on, and the conflicts when someone
else changed the same data meanwhile. No writes: those are in services."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from padu.core.history import FieldChange, shown_value
from padu.registry.models import ASSET_FIELDS, HOUSING_FIELDS, Family, Person

from .models import Visit

#: Family attributes an operator may correct, by golden field name: the address first.
FAMILY_EDITABLE = ("kk_number", "address", "rt", "rw", *HOUSING_FIELDS, *ASSET_FIELDS)
#: Member attributes an operator may correct.
PERSON_EDITABLE = ("nik", "full_name", "relationship")
#: Attributes of a member a visit adds.
NEW_MEMBER_FIELDS = ("full_name", "nik", "sex", "birth_date", "relationship")


class VisitConflict(Exception):
    """Someone changed what this visit changes since its form was opened."""

    def __init__(self, visit: Visit | None, conflicts: list["Conflict"]):
        self.visit, self.conflicts = visit, conflicts
        super().__init__(
            "; ".join(
                f"{c.label}: {c.seen!r} → {c.now!r} (isian: {c.proposed!r})" for c in conflicts
            )
        )


@dataclass(frozen=True)
class Conflict:
    label: str
    seen: object
    now: object
    proposed: object


def family_snapshot(family: Family) -> dict:
    """What the form shows, to tell later whether someone else changed it meanwhile."""
    members = {
        str(p.pk): {name: plain_value(getattr(p, name)) for name in (*PERSON_EDITABLE, "lifecycle")}
        for p in family.members.all()
    }
    values = {name: plain_value(getattr(family, name)) for name in (*FAMILY_EDITABLE, "village_id")}
    return {"version": family.version, "family": values, "members": members}


def family_label(name: str) -> str:
    """A family field's name as the pages show it ("village_id" → "desa/kelurahan")."""
    return field_label(Family, name)


def field_label(model, name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field else name


def _field(model, name: str):
    return next((f for f in model._meta.concrete_fields if f.attname == name), None)


def plain_value(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else value


def changed_meanwhile(family: Family, visit_changes: dict, member_changes: dict, seen: dict):
    """The fields this visit changes that someone else changed since ``seen``."""
    if not seen:
        return []
    now = family_snapshot(family)
    conflicts = []
    for name, proposed in visit_changes.items():
        before, current = seen["family"].get(name), now["family"].get(name)
        if name in now["family"] and before != current:
            conflicts.append(Conflict(family_label(name), before, current, proposed))
    for pid, changes in member_changes.items():
        if pid == "baru" or pid not in now["members"]:
            continue
        for name, proposed in changes.items():
            field = "lifecycle" if name == "status" else name
            before = seen["members"].get(pid, {}).get(field)
            current = now["members"][pid].get(field)
            if before != current:
                label = f"{now['members'][pid]['full_name']}: {field_label(Person, field)}"
                conflicts.append(Conflict(label, before, current, proposed))
    return conflicts


def described_visit_changes(visit: Visit) -> tuple[list[FieldChange], list[tuple[str, list]]]:
    """What a visit changes, as a person reads it: the family's fields and each member's,
    each "label: before → after", the before being what the form was opened on (or the
    record as it stands, for a visit recorded before that was kept)."""
    seen = visit.seen or {}
    family = visit.family
    before_family = seen.get("family") or (family_snapshot(family)["family"] if family else {})
    family_rows = [
        _change(Family, name, before_family.get(name), value)
        for name, value in visit.family_changes.items()
    ]
    members = {str(p.pk): p for p in family.members.all()} if family else {}
    member_rows = []
    for pid, changes in visit.member_changes.items():
        if pid == "baru":
            continue
        person = members.get(pid)
        before = (seen.get("members") or {}).get(pid, {})
        rows = []
        for name, value in changes.items():
            field = "lifecycle" if name == "status" else name
            old = before.get(field, getattr(person, field, None) if person else None)
            rows.append(_change(Person, field, old, value))
        member_rows.append((person.full_name if person else _("anggota tidak dikenal"), rows))
    return family_rows, member_rows


def _change(model, name: str, before, after) -> FieldChange:
    field, label = _field(model, name), field_label(model, name)
    return FieldChange(
        label[:1].upper() + label[1:], shown_value(field, before), shown_value(field, after)
    )
