"""The village meeting and approval: the musdes/muskel agrees on visits, Dinsos approves
each (or sends it back). An approved visit is written as source records of the
field-verification dataset (sources), linked straight to the persons it speaks of
(matching), and the family's golden values are recomputed by the same survivorship as a
matching run. Only what the operator changed is written, so two visits of one family that
changed different things both survive."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.choices import ChangeAction
from padu.core.history import record_change
from padu.matching.golden import VALUE_FIELDS
from padu.matching.services import link_field_records, resurvive_families
from padu.registry.choices import FamilyLifecycle, Lifecycle, VerificationStatus
from padu.registry.models import Family, FamilyPhoto, Person
from padu.registry.services import add_member, create_family
from padu.sources.services import FIELD_KEY_COLUMNS, FieldRecords, append_field_records

from ..choices import AssignmentState, MemberStatus, VisitStatus
from ..findings import VisitConflict, changed_meanwhile
from ..models import Assignment, Round, VillageMeeting, Visit
from ..queries import field_record_id
from ..signals import visit_decided
from .visits import check_operator

_MEMBER_LIFECYCLE = {MemberStatus.DECEASED: Lifecycle.DECEASED, MemberStatus.MOVED: Lifecycle.MOVED}
#: How a round's field records are laid out as raw rows (kept as the first rounds wrote them,
#: so that a round's batch reads the same throughout).
FIELD_HEADER = (
    "id_penduduk",
    *sorted(set(FIELD_KEY_COLUMNS) - {"family_record_id"}),
    *VALUE_FIELDS,
)


@transaction.atomic
def record_meeting(
    verification_round: Round, *, village, held_on: dt.date, minutes, visits, actor, notes=""
) -> VillageMeeting:
    """The musdes/muskel that agreed on these submitted visits of its village."""
    check_operator(actor, None, village)
    visits = list(visits)
    if not visits:
        raise ValidationError(_("Pilih kunjungan yang disepakati dalam musyawarah."))
    for visit in visits:
        if visit.village_id != village.code or visit.status != VisitStatus.SUBMITTED:
            raise ValidationError(
                _("Kunjungan #%(pk)s bukan kunjungan yang menunggu musyawarah di desa ini.")
                % {"pk": visit.pk}
            )
    meeting = VillageMeeting.objects.create(
        round=verification_round,
        village=village,
        held_on=held_on,
        minutes=minutes,
        notes=notes,
        recorded_by=actor,
    )
    ids = [v.pk for v in visits]
    Visit.objects.filter(pk__in=ids).update(status=VisitStatus.AGREED, meeting=meeting)
    Assignment.objects.filter(visits__pk__in=ids).update(state=AssignmentState.AGREED)
    record_change(meeting, actor=actor, action=ChangeAction.CREATE, after={"kunjungan": ids})
    return meeting


@transaction.atomic
def return_visit(visit: Visit, *, reason: str, actor) -> Visit:
    """Send a visit back to its operator, with the reason."""
    policy.require(actor, visit, Action.APPROVE)
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan pengembalian."))
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status == VisitStatus.APPROVED:
        raise ValidationError(_("Kunjungan ini sudah disetujui."))
    visit.status, visit.return_reason = VisitStatus.RETURNED, reason.strip()
    visit.decided_by, visit.decided_at = actor, timezone.now()
    visit.version += 1
    visit.save()
    if visit.assignment_id:
        Assignment.objects.filter(pk=visit.assignment_id).update(state=AssignmentState.RETURNED)
    record_change(visit, actor=actor, action=ChangeAction.UPDATE, after={"dikembalikan": reason})
    visit_decided.send(sender=Visit, visit=visit, actor=actor)
    return visit


@transaction.atomic
def approve_visit(visit: Visit, *, actor, force: bool = False) -> Visit:
    """Dinsos approves a visit the village meeting agreed on: it becomes the newest truth.
    Raises VisitConflict (and changes nothing) when someone changed the same data since
    the visit was recorded, unless ``force``: the approver saw the conflict and keeps the
    visit's values."""
    policy.require(actor, visit, Action.APPROVE)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.status != VisitStatus.AGREED:
        raise ValidationError(
            _("Hanya kunjungan yang sudah disepakati musyawarah dapat disetujui.")
        )
    if visit.family_id:
        family = Family.objects.select_for_update().get(pk=visit.family_id)
        conflicts = changed_meanwhile(
            family, visit.family_changes, visit.member_changes, visit.seen
        )
        if conflicts and not force:
            raise VisitConflict(visit, conflicts)
    else:
        family = _new_family(visit, actor=actor)
    origin = _origin(visit)
    _write_field_records(visit, family, actor=actor)
    resurvive_families([family.pk], actor=actor, origin=origin)
    for photo in visit.photos.all():
        FamilyPhoto.objects.create(
            family=family,
            image=photo.image.name,
            caption=origin,
            taken_at=photo.taken_at,
            latitude=photo.latitude,
            longitude=photo.longitude,
            uploaded_by=visit.operator,
        )
    visit.family = family
    visit.status, visit.decided_by, visit.decided_at = VisitStatus.APPROVED, actor, timezone.now()
    visit.version += 1
    visit.save()
    if visit.assignment_id:
        Assignment.objects.filter(pk=visit.assignment_id).update(state=AssignmentState.APPROVED)
    record_change(visit, actor=actor, action=ChangeAction.UPDATE, after={"disetujui": family.pk})
    visit_decided.send(sender=Visit, visit=visit, actor=actor)
    return visit


def approve_agreed(verification_round: Round, *, actor) -> tuple[int, int]:
    """Approve every visit of the round in the officer's area that its village meeting
    agreed on, each in its own transaction; a visit in conflict is held for a person to
    look at. Returns (approved, held)."""
    approved = held = 0
    waiting = Visit.objects.restrict(actor, Action.APPROVE).filter(
        round=verification_round, status=VisitStatus.AGREED
    )
    for visit in waiting.order_by("pk"):
        try:
            approve_visit(visit, actor=actor)
            approved += 1
        except VisitConflict:
            held += 1
    return approved, held


def _origin(visit: Visit) -> str:
    """What the change log names as the origin of everything a visit changed."""
    return f"kunjungan verivali #{visit.pk}"


def _new_family(visit: Visit, *, actor) -> Family:
    """The golden family an approved usulan baru becomes; its values come from the visit's
    records through survivorship, like any other family's."""
    return create_family(village_id=visit.village_id, actor=actor, origin=_origin(visit))


def _write_field_records(visit: Visit, family: Family, *, actor) -> None:
    """One source record per member the visit speaks of, holding only what it found."""
    family_values = dict(visit.family_changes)
    family_values["verification_status"] = visit.outcome
    family_values["verified_on"] = visit.visited_on.isoformat()
    if visit.outcome == VerificationStatus.MOVED and family_values.pop("moved_out", False):
        family_values["family_lifecycle"] = FamilyLifecycle.MOVED
    changes = visit.member_changes
    everyone_gone = visit.outcome == VerificationStatus.DECEASED
    rows: list[tuple[Person, dict]] = []
    for person in family.members.all():
        mine = dict(changes.get(str(person.pk), {}))
        status = mine.pop("status", None)
        if everyone_gone and person.lifecycle == Lifecycle.ACTIVE:
            status = MemberStatus.DECEASED
        if status in _MEMBER_LIFECYCLE:
            mine["lifecycle"] = _MEMBER_LIFECYCLE[status]
        elif person.lifecycle != Lifecycle.ACTIVE and not mine:
            continue  # a member already gone, of whom the visit says nothing
        rows.append((person, mine))
    for new in changes.get("baru", []):
        person = add_member(family, full_name=new["full_name"], actor=actor, origin=_origin(visit))
        rows.append((person, dict(new)))
    if everyone_gone:
        family_values["family_lifecycle"] = FamilyLifecycle.DISSOLVED
    # The household stays one: every record names the family, and its KK as it stands now.
    kk_number = family_values.get("kk_number") or family.kk_number
    records = []
    for person, mine in rows:
        values = {
            **family_values,
            **mine,
            "relationship": mine.get("relationship") or person.relationship,
            "kk_number": kk_number,
            "family_record_id": f"F{family.pk}",
            "id_penduduk": person.pk,
        }
        records.append((field_record_id(visit.pk, person.pk), values))
    # One batch per round: the round's lock serialises the appends to it.
    Round.objects.select_for_update().get(pk=visit.round_id)
    created = append_field_records(
        FieldRecords(
            batch_name=f"verivali-putaran-{visit.round_id}",
            header=FIELD_HEADER,
            value_names=VALUE_FIELDS,
            rows=records,
        ),
        actor=actor,
    )
    link_field_records(
        [(record, person, family) for record, (person, _) in zip(created, rows, strict=True)],
        actor=actor,
        origin=_origin(visit),
    )
    visit.batch_id = created[0].batch_id
