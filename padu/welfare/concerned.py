"""Which members of a family a need is about, and the fact about each that raised it, so
that an agency acts on a person ("Siti, NIK …, 34 tahun: tanpa jaminan kesehatan") rather
than on a count ("anggota tanpa jaminan kesehatan: 1").

A rule's conditions on member counts (padu.welfare.household) each have a fact about one
member here; a rule on the house alone concerns the head of the family."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from padu.registry import choices as c
from padu.registry.ages import age_on
from padu.registry.models import Person

from .household import WORKING
from .models import NeedRule


@dataclass(frozen=True)
class Concerned:
    person: Person
    age: int | None
    facts: tuple[str, ...]


def _set(value: str | None, none: str) -> bool:
    return bool(value) and value != none


def _between(low: int, high: int) -> Callable[[Person, int | None], bool]:
    return lambda person, age: age is not None and low <= age <= high


#: A member-count field → (does this member count, the fact in words).
MEMBER_FACTS: dict[str, tuple[Callable[[Person, int | None], bool], Callable[[Person], str]]] = {
    "members_uninsured": (
        lambda p, age: p.health_insurance == c.HealthInsurance.NONE,
        lambda p: "tanpa jaminan kesehatan",
    ),
    "members_disabled": (
        lambda p, age: _set(p.disability, c.Disability.NONE),
        lambda p: p.get_disability_display().lower(),
    ),
    "members_chronic": (
        lambda p, age: _set(p.chronic_illness, c.ChronicIllness.NONE),
        lambda p: f"penyakit kronis: {p.get_chronic_illness_display().lower()}",
    ),
    "members_pregnant": (lambda p, age: bool(p.is_pregnant), lambda p: "sedang hamil"),
    "school_age_out_of_school": (
        lambda p, age: (
            _between(7, 18)(p, age)
            and p.school_participation in (c.SchoolParticipation.NEVER, c.SchoolParticipation.LEFT)
        ),
        lambda p: p.get_school_participation_display().lower(),
    ),
    "elderly": (_between(60, 200), lambda p: "lanjut usia"),
    "working_age": (
        lambda p, age: _between(15, 64)(p, age) and p.work_status not in WORKING,
        lambda p: "usia kerja, " + (p.get_work_status_display() or "tidak bekerja").lower(),
    ),
}


def concerned_members(
    pairs: Iterable[tuple[int, int]], *, on: dt.date | None = None
) -> dict[tuple[int, int], list[Concerned]]:
    """For each (family id, need rule id): the active members the need is about, each with
    the facts that count them (the head alone, for a need about the house)."""
    on = on or dt.date.today()
    pairs = list(pairs)
    rules = NeedRule.objects.in_bulk({rule_id for _, rule_id in pairs})
    members = defaultdict(list)
    family_ids = {family_id for family_id, _ in pairs}
    for person in Person.objects.filter(
        family_id__in=family_ids, lifecycle=c.Lifecycle.ACTIVE
    ).order_by("family_id", "pk"):
        members[person.family_id].append(person)
    found = {}
    for family_id, rule_id in pairs:
        fields = [
            cond["field"] for cond in rules[rule_id].conditions if cond["field"] in MEMBER_FACTS
        ]
        concerned = []
        for person in members[family_id]:
            age = age_on(person.birth_date, on) if person.birth_date else None
            facts = tuple(
                MEMBER_FACTS[field][1](person)
                for field in fields
                if MEMBER_FACTS[field][0](person, age)
            )
            is_head = person.relationship == c.Relationship.HEAD
            if facts or (not fields and is_head):
                concerned.append(Concerned(person, age, facts or ("kepala keluarga",)))
        if not concerned and not fields and members[family_id]:
            # No head recorded: the eldest speaks for the house.
            eldest = min(members[family_id], key=lambda p: p.birth_date or on)
            age = age_on(eldest.birth_date, on) if eldest.birth_date else None
            concerned.append(Concerned(eldest, age, ("anggota tertua",)))
        found[family_id, rule_id] = concerned
    return found
