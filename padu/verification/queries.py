"""What the pages read about verivali: a family's verification, and which visit wrote a
field record."""

import datetime as dt
from dataclasses import dataclass

from padu.registry.models import Family
from padu.sources.choices import SourceKind
from padu.sources.models import SourceRecord

from .coverage import is_stale
from .findings import family_label
from .models import Visit

#: A field record's id: the visit, then the person ("V12-P345").
VISIT_PREFIX = "V"


def field_record_id(visit_id: int, person_id: int) -> str:
    return f"{VISIT_PREFIX}{visit_id}-P{person_id}"


def visit_id_of(record_id: str) -> int | None:
    """The visit a field record was written for (its record id starts "V<visit>-")."""
    if not record_id.startswith(VISIT_PREFIX):
        return None
    number = record_id[len(VISIT_PREFIX) :].split("-", 1)[0]
    return int(number) if number.isdigit() else None


@dataclass
class FamilyVerification:
    status: str
    verified_on: dt.date | None
    visit: Visit | None
    stale: bool
    changed_by_visits: list[tuple[str, object, int]]  # field label, value, visit id


def explain(family: Family) -> FamilyVerification:
    """The family's verivali status, the visit it came from, and every golden value a
    visit set: what the family page shows."""
    origins = {name: pk for name, pk in (family.origins or {}).items() if pk}
    from_visits = dict(
        SourceRecord.objects.filter(
            pk__in=set(origins.values()), dataset__kind=SourceKind.FIELD
        ).values_list("pk", "record_id")
    )
    # Field records not written by a visit (a survey's, the demo's departures) have no
    # visit to link to: their values show as any source's.
    from_visits = {
        pk: visit for pk, record_id in from_visits.items() if (visit := visit_id_of(record_id))
    }
    changed = [
        (family_label(name), getattr(family, name), from_visits[pk])
        for name, pk in origins.items()
        if pk in from_visits and name not in {"verification_status", "verified_on"}
    ]
    visit_id = from_visits.get(origins.get("verification_status"))
    return FamilyVerification(
        status=family.get_verification_status_display(),
        verified_on=family.verified_on,
        visit=Visit.objects.filter(pk=visit_id).first() if visit_id else None,
        stale=is_stale(family),
        changed_by_visits=changed,
    )
