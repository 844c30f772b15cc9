"""Verivali: every write lives here.

An approved visit becomes source records of the field-verification dataset (the most
trusted source), linked straight to the persons it speaks of, and the families' golden
records are recomputed by the same survivorship as after a matching run. Only what the
operator changed is written, so two visits of one family that changed different things
both survive; a visit that changed what someone else changed since it was opened is held
until a person decides (VisitConflict).
"""

import datetime as dt
import hashlib
import io
import uuid
from dataclasses import dataclass

import polars as pl
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.choices import ChangeAction
from padu.core.history import jsonable, record_change
from padu.matching.golden import KEY_COLUMNS, VALUE_FIELDS
from padu.matching.models import RecordLink
from padu.matching.records import resurvive_families
from padu.regions.codes import is_within
from padu.registry.choices import FamilyLifecycle, Lifecycle, VerificationStatus
from padu.registry.models import Family, FamilyPhoto, Person
from padu.sources.choices import BatchStatus, SourceKind
from padu.sources.models import ImportBatch, RawRows, SourceDataset, SourceRecord, ValueRows
from padu.welfare.services import current_results

from .choices import AssignmentState, MemberStatus, RoundStatus, VisitStatus
from .coverage import is_stale, stale
from .models import Assignment, Round, VillageMeeting, Visit, VisitPhoto

#: The field-verification dataset: above every census and list (see STANDARD_DATASETS).
FIELD_DATASET = ("Verifikasi lapangan", 100)

#: Family attributes an operator may correct, by golden field name: the address first.
FAMILY_EDITABLE = (
    "kk_number",
    "address",
    "rt",
    "rw",
    "house_tenure",
    "floor_area_m2",
    "floor_material",
    "wall_material",
    "roof_material",
    "toilet_facility",
    "drinking_water",
    "lighting",
    "electricity_capacity",
    "cooking_fuel",
    "has_lpg_5kg_or_more",
    "has_refrigerator",
    "has_air_conditioner",
    "has_television",
    "has_computer",
    "has_smartphone",
    "has_motorcycle",
    "has_car",
    "owns_land",
)
#: Member attributes an operator may correct.
PERSON_EDITABLE = ("nik", "full_name", "relationship")
#: Attributes of a member a visit adds.
NEW_MEMBER_FIELDS = ("full_name", "nik", "sex", "birth_date", "relationship")
#: Longest side of a stored photo: enough to see a roof and a wall, small on a slow network.
PHOTO_MAX_SIDE = 1600

#: A field record's id: the visit, then the person ("V12-P345").
_VISIT_PREFIX = "V"
#: The values every field record carries, in this order (None where the visit said nothing).
FIELD_VALUE_NAMES = VALUE_FIELDS

_MEMBER_LIFECYCLE = {MemberStatus.DECEASED: Lifecycle.DECEASED, MemberStatus.MOVED: Lifecycle.MOVED}


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


@dataclass(frozen=True)
class Conflict:
    label: str
    seen: object
    now: object
    proposed: object


# -- rounds and assignments -------------------------------------------------------------


def _require_region(actor, code: str) -> None:
    """The area a write touches must lie in the actor's own region."""
    if not policy.covers(actor, code):
        raise PermissionDenied(_("Wilayah ini di luar wilayah kerja Anda."))


@transaction.atomic
def create_round(
    *,
    name: str,
    region,
    starts_on: dt.date,
    ends_on: dt.date,
    actor,
    purpose: str = "",
    max_desil: int | None = None,
    statuses: list[str] | None = None,
    stale_only: bool = False,
) -> Round:
    """A round over the active families of ``region`` the officer may see, each an
    assignment awaiting an operator. Optionally only those at most desil ``max_desil`` or
    of these poverty ``statuses`` under the newest welfare model, or only those not verified
    for longer than PADU_VERIFICATION_STALE_DAYS."""
    if not policy.allows(actor, Round, Action.CHANGE):
        raise PermissionDenied(_("Peran Anda tidak dapat membuat putaran verivali."))
    _require_region(actor, region.code)
    if ends_on < starts_on:
        raise ValidationError(_("Tanggal selesai sebelum tanggal mulai."))
    families = Family.objects.restrict(actor, Action.VIEW).filter(
        village__code__within=region.code, lifecycle=FamilyLifecycle.ACTIVE
    )
    criteria = {}
    results = current_results() if max_desil or statuses else None
    if max_desil:
        criteria["max_desil"] = max_desil
        poor = results.filter(desil__lte=max_desil).values("family_id")
        families = families.filter(pk__in=poor)
    if statuses:
        criteria["statuses"] = sorted(statuses)
        poor = results.filter(status__in=statuses).values("family_id")
        families = families.filter(pk__in=poor)
    if stale_only:
        criteria["stale_only"] = True
        families = families.filter(stale())
    verification_round = Round.objects.create(
        name=name,
        purpose=purpose,
        region=region,
        starts_on=starts_on,
        ends_on=ends_on,
        criteria=criteria,
        created_by=actor,
    )
    Assignment.objects.bulk_create(
        (
            Assignment(round=verification_round, family_id=pk, village_id=village)
            for pk, village in families.values_list("pk", "village_id").iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    record_change(
        verification_round,
        actor=actor,
        action=ChangeAction.CREATE,
        after={
            "wilayah": region.code,
            "keluarga": verification_round.assignments.count(),
            **criteria,
        },
    )
    return verification_round


@transaction.atomic
def assign_village(verification_round: Round, village, operator, *, actor) -> int:
    """Give a village's families in the round to one operator working there."""
    policy.require(actor, verification_round, Action.CHANGE)
    _require_region(actor, village.code)
    if not policy.allows(operator, Assignment, Action.CHANGE) or not (
        operator.region_id and is_within(village.code, operator.region_id)
    ):
        raise ValidationError(
            _("%(user)s bukan operator di %(village)s.")
            % {"user": operator.username, "village": village.name}
        )
    count = verification_round.assignments.filter(village=village).update(operator=operator)
    record_change(
        verification_round,
        actor=actor,
        action=ChangeAction.UPDATE,
        after={"desa": village.code, "operator": operator.username, "keluarga": count},
    )
    return count


# -- visits ------------------------------------------------------------------------------


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
    field = next((f for f in Family._meta.concrete_fields if f.attname == name), None)
    return str(field.verbose_name) if field else name


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
                label = f"{now['members'][pid]['full_name']}: {field}"
                conflicts.append(Conflict(label, before, current, proposed))
    return conflicts


def _check_operator(actor, assignment: Assignment | None, village) -> None:
    """Visits and meetings are recorded by the operator the work is given to, in their area."""
    if not policy.allows(actor, Visit, Action.CHANGE):
        raise PermissionDenied(_("Hanya operator desa/kelurahan yang mencatat kunjungan."))
    _require_region(actor, village.code)
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
    _check_operator(actor, assignment, family.village)
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
    _check_operator(actor, None, village)
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
        add_photo(visit, upload)
    return visit


def _jsonable_members(member_changes: dict) -> dict:
    out = {}
    for key, value in member_changes.items():
        out[key] = [jsonable(m) for m in value] if key == "baru" else jsonable(value)
    return out


def add_photo(visit: Visit, upload) -> VisitPhoto:
    """Store a house photo resized, with the time and place its EXIF gives."""
    try:
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError) as error:
        raise ValidationError(
            _("%(name)s bukan foto yang dapat dibaca (JPEG/PNG).") % {"name": upload.name}
        ) from error
    taken_at, latitude, longitude = _exif_facts(image)
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80, optimize=True)
    photo = VisitPhoto(visit=visit, taken_at=taken_at, latitude=latitude, longitude=longitude)
    photo.image.save(f"kunjungan-{visit.pk}.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    return photo


def _exif_facts(image: Image.Image):
    """(taken at, latitude, longitude) from a photo's EXIF, each None when absent."""
    exif = image.getexif()
    taken_at = None
    stamp = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal) or exif.get(
        ExifTags.Base.DateTime
    )
    if stamp:
        try:
            naive = dt.datetime.strptime(str(stamp).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
            taken_at = timezone.make_aware(naive)
        except ValueError:
            taken_at = None
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)

    def degrees(values, ref) -> float | None:
        if not values or not ref:
            return None
        d, m, s = (float(v) for v in values)
        sign = -1 if str(ref).upper() in {"S", "W"} else 1
        return sign * (d + m / 60 + s / 3600)

    try:
        latitude = degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef))
        longitude = degrees(
            gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef)
        )
    except (TypeError, ValueError, ZeroDivisionError):
        latitude = longitude = None
    return taken_at, latitude, longitude


# -- the village meeting and approval -----------------------------------------------------


@transaction.atomic
def record_meeting(
    verification_round: Round, *, village, held_on: dt.date, minutes, visits, actor, notes=""
) -> VillageMeeting:
    """The musdes/muskel that agreed on these submitted visits of its village."""
    _check_operator(actor, None, village)
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


def field_dataset() -> SourceDataset:
    name, precedence = FIELD_DATASET
    return SourceDataset.objects.get_or_create(
        name=name, defaults={"kind": SourceKind.FIELD, "precedence": precedence}
    )[0]


def _new_family(visit: Visit, *, actor) -> Family:
    """The golden family an approved usulan baru becomes; its values come from the visit's
    records through survivorship, like any other family's."""
    family = Family.objects.create(village_id=visit.village_id)
    record_change(family, actor=actor, action=ChangeAction.CREATE, origin=_origin(visit))
    return family


def _write_field_records(visit: Visit, family: Family, *, actor) -> None:
    """One source record per member the visit speaks of, holding only what it found."""
    family_values = dict(visit.family_changes)
    family_values["verification_status"] = visit.outcome
    family_values["verified_on"] = visit.visited_on.isoformat()
    if visit.outcome == VerificationStatus.MOVED and family_values.pop("moved_out", False):
        family_values["family_lifecycle"] = FamilyLifecycle.MOVED
    members = list(family.members.all())
    changes = visit.member_changes
    everyone_gone = visit.outcome == VerificationStatus.DECEASED
    rows: list[tuple[Person, dict]] = []
    for person in members:
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
        person = Person.objects.create(family=family, full_name=new["full_name"])
        record_change(person, actor=actor, action=ChangeAction.CREATE, origin=_origin(visit))
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
        }
        values["kk_number"] = kk_number
        records.append((person, values))
    batch = _round_batch(visit.round, actor=actor)
    first_row = batch.rows_read + 1
    ImportBatch.objects.filter(pk=batch.pk).update(
        rows_read=F("rows_read") + len(records),
        rows_accepted=F("rows_accepted") + len(records),
        records_created=F("records_created") + len(records),
        finished_at=timezone.now(),
    )
    columns = sorted(KEY_COLUMNS)
    rows = list(range(first_row, first_row + len(records)))
    cells = [
        [
            str(person.pk),
            *(_text(values.get(c)) for c in columns),
            *(_text(values.get(n)) for n in FIELD_VALUE_NAMES),
        ]
        for person, values in records
    ]
    cells = pl.DataFrame(
        cells, schema={f"c{i}": pl.String for i in range(len(batch.header))}, orient="row"
    ).insert_column(0, pl.Series("_row", rows, dtype=pl.Int64))
    RawRows.append(batch, cells)
    values_by_name = {
        name: pl.Series(name, [values.get(name) for _, values in records], strict=False)
        for name in FIELD_VALUE_NAMES
    }
    ValueRows.append(
        batch, pl.DataFrame({"_row": pl.Series(rows, dtype=pl.Int64), **values_by_name})
    )
    created = SourceRecord.objects.bulk_create(
        [
            SourceRecord(
                dataset_id=batch.dataset_id,
                batch=batch,
                record_id=f"{_VISIT_PREFIX}{visit.pk}-P{person.pk}",
                row_number=row,
                nik=values.get("nik", ""),
                kk_number=values.get("kk_number", ""),
                family_record_id=f"F{family.pk}",
                full_name=values.get("full_name", ""),
                sex=values.get("sex", ""),
                birth_date=values.get("birth_date") or None,
                village_id=values.get("village_id") or None,
                rt=values.get("rt", ""),
                rw=values.get("rw", ""),
            )
            for row, (person, values) in zip(rows, records, strict=True)
        ]
    )
    RecordLink.objects.bulk_create(
        [
            RecordLink(
                dataset_id=batch.dataset_id,
                record_id=record.record_id,
                source_record=record,
                person=person,
                family=family,
            )
            for record, (person, _values) in zip(created, records, strict=True)
        ]
    )
    visit.batch = batch


def _round_batch(verification_round: Round, *, actor) -> ImportBatch:
    """The import batch holding a round's approved visits (one per round, so that a full
    matching run reads them in a few large groups, not one per visit). The round is locked
    while the batch is found or made."""
    Round.objects.select_for_update().get(pk=verification_round.pk)
    name = f"verivali-putaran-{verification_round.pk}"
    dataset = field_dataset()
    batch = ImportBatch.objects.filter(dataset=dataset, file_name=name).first()
    if batch is None:
        now = timezone.now()
        batch = ImportBatch.objects.create(
            dataset=dataset,
            file_name=name,
            file_sha256=hashlib.sha256(name.encode()).hexdigest(),
            header=["id_penduduk", *sorted(KEY_COLUMNS), *FIELD_VALUE_NAMES],
            value_names=list(FIELD_VALUE_NAMES),
            status=BatchStatus.COMPLETED,
            imported_by=actor,
            started_at=now,
            finished_at=now,
        )
    return batch


def visit_id_of(record_id: str) -> int | None:
    """The visit a field record was written for (its record id starts "V<visit>-")."""
    if not record_id.startswith(_VISIT_PREFIX):
        return None
    number = record_id[len(_VISIT_PREFIX) :].split("-", 1)[0]
    return int(number) if number.isdigit() else None


def _text(value) -> str:
    return "" if value is None else str(value)


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
    from_visits = {pk: visit_id_of(record_id) for pk, record_id in from_visits.items()}
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
