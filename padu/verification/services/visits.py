"""Visits: what an operator records at a family (or a family no source listed), with its
photos. A form sent twice is one visit; a visit that changes what someone else changed since
its form was opened is held until the operator sees both values."""

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.choices import ChangeAction
from padu.core.history import jsonable, record_change
from padu.registry.choices import VerificationStatus

from ..choices import AssignmentState, RoundStatus
from ..findings import VisitConflict, changed_meanwhile, family_snapshot
from ..models import Assignment, Round, Visit, VisitPhoto
from ..photos import prepare_photo
from .rounds import require_region


@dataclass(frozen=True)
class FieldReport:
    """What every visit carries besides its findings: when and where, the photos and notes,
    and the key that makes a form sent twice one visit."""

    client_key: uuid.UUID
    visited_on: dt.date
    latitude: float | None = None
    longitude: float | None = None
    gps_accuracy_m: float | None = None
    notes: str = ""
    photos: tuple = ()

    def already_sent(self) -> Visit | None:
        return Visit.objects.filter(client_key=self.client_key).first()


def check_operator(actor, assignment: Assignment | None, village) -> None:
    """Visits and meetings are recorded by the operator the work is given to, in their area."""
    if not policy.allows(actor, Visit, Action.CHANGE):
        raise PermissionDenied(_("Hanya operator desa/kelurahan yang mencatat kunjungan."))
    require_region(actor, village.code)
    mine = Assignment.objects.restrict(actor, Action.CHANGE)
    if assignment is not None and not mine.filter(pk=assignment.pk).exists():
        raise PermissionDenied(_("Keluarga ini tidak ditugaskan kepada Anda."))


@transaction.atomic
def submit_visit(
    assignment: Assignment,
    *,
    actor,
    report: FieldReport,
    outcome: str,
    family_changes: dict,
    member_changes: dict,
    seen: dict,
) -> Visit:
    """Record what the operator found. A form sent twice is one visit (``client_key``).
    Raises VisitConflict when someone changed the same data since the form was opened;
    the caller shows what changed and the operator sends again with fresh ``seen``."""
    if existing := report.already_sent():
        return existing
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    family = assignment.family
    check_operator(actor, assignment, family.village)
    if assignment.round.status != RoundStatus.OPEN:
        raise ValidationError(_("Putaran verivali ini sudah selesai."))
    if assignment.state not in {AssignmentState.PENDING, AssignmentState.RETURNED}:
        raise ValidationError(_("Keluarga ini sudah dikunjungi dan menunggu keputusan."))
    conflicts = changed_meanwhile(family, family_changes, member_changes, seen)
    if conflicts:
        raise VisitConflict(None, conflicts)
    visit = _create_visit(
        report,
        round=assignment.round,
        assignment=assignment,
        family=family,
        village=family.village,
        operator=actor,
        outcome=outcome,
        family_changes=jsonable(family_changes),
        member_changes=_jsonable_members(member_changes),
        seen=seen or family_snapshot(family),
    )
    assignment.state = AssignmentState.VISITED
    assignment.save(update_fields=["state", "updated_at"])
    record_change(
        visit,
        actor=actor,
        action=ChangeAction.CREATE,
        after={"keluarga": family.pk, "hasil": outcome, "foto": len(report.photos)},
    )
    return visit


@transaction.atomic
def propose_family(
    verification_round: Round,
    *,
    actor,
    village,
    report: FieldReport,
    family_values: dict,
    members: list[dict],
) -> Visit:
    """An operator proposes a family no source listed (usulan baru)."""
    if existing := report.already_sent():
        return existing
    check_operator(actor, None, village)
    if not members:
        raise ValidationError(_("Usulan baru perlu sedikitnya satu anggota keluarga."))
    visit = _create_visit(
        report,
        round=verification_round,
        village=village,
        operator=actor,
        outcome=VerificationStatus.NEW,
        family_changes=jsonable({**family_values, "village_id": village.code}),
        member_changes={"baru": [jsonable(m) for m in members]},
    )
    record_change(
        visit, actor=actor, action=ChangeAction.CREATE, after={"usulan_baru": village.code}
    )
    return visit


def _create_visit(report: FieldReport, **findings) -> Visit:
    visit = Visit.objects.create(
        client_key=report.client_key,
        visited_on=report.visited_on,
        latitude=report.latitude,
        longitude=report.longitude,
        gps_accuracy_m=report.gps_accuracy_m,
        notes=report.notes,
        **findings,
    )
    for upload in report.photos:
        _store_photo(visit, upload)
    return visit


def _jsonable_members(member_changes: dict) -> dict:
    out = {}
    for key, value in member_changes.items():
        out[key] = [jsonable(m) for m in value] if key == "baru" else jsonable(value)
    return out


def _store_photo(visit: Visit, upload) -> VisitPhoto:
    """A house photo, resized, with the time and place its EXIF gives."""
    prepared = prepare_photo(upload)
    photo = VisitPhoto(
        visit=visit,
        taken_at=prepared.taken_at,
        latitude=prepared.latitude,
        longitude=prepared.longitude,
    )
    photo.image.save(f"kunjungan-{visit.pk}.jpg", prepared.content, save=False)
    photo.save()
    return photo
