"""Verivali through its services: rounds, visits, the village meeting, approval into the
golden records, concurrent edits, scope, coverage and the SIKS-NG export."""

import datetime as dt
import io
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from PIL import Image

from padu.accounts.choices import Role
from padu.accounts.models import AccessLog
from padu.accounts.policy import Action
from padu.core.history import history_of
from padu.matching.choices import RunMode
from padu.matching.models import RecordLink
from padu.matching.services import run_matching
from padu.regions.models import Region
from padu.registry.choices import FamilyLifecycle, Lifecycle, VerificationStatus
from padu.registry.models import Family, FamilyPhoto, Person
from padu.sources.choices import SourceKind
from padu.sources.models import SourceRecord
from padu.verification import services
from padu.verification.choices import AssignmentState, VisitStatus
from padu.verification.coverage import coverage, league, villages_not_started
from padu.verification.models import Assignment, Round, Visit
from padu.verification.photos import PHOTO_MAX_SIDE
from padu.verification.queries import visit_id_of
from tests.conftest import VILLAGE_A, VILLAGE_B

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def photo_with_exif(latitude=(6, 59, 24.0), longitude=(110, 25, 12.0), size=(3000, 2000)):
    """A JPEG as a phone writes it: larger than we keep, with time and GPS in its EXIF."""
    image = Image.new("RGB", size, (180, 120, 90))
    exif = Image.Exif()
    exif[0x0132] = "2026:11:20 09:15:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps.update({1: "S", 2: latitude, 3: "E", 4: longitude})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("rumah.jpg", buffer.getvalue(), content_type="image/jpeg")


def pdf_minutes():
    return SimpleUploadedFile("berita-acara.pdf", b"%PDF-1.4\n%synthetic\n", "application/pdf")


def open_round(dinsos, region="33.74", name="Verivali 2026"):
    return services.create_round(
        name=name,
        region=Region.objects.get(code=region),
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=60),
        actor=dinsos,
    )


def assigned(round_, family, operator, dinsos):
    services.assign_village(round_, family.village, operator, actor=dinsos)
    return Assignment.objects.get(round=round_, family=family)


def report(**position) -> services.FieldReport:
    return services.FieldReport(client_key=uuid.uuid4(), visited_on=TODAY, **position)


def visit(assignment, operator, *, outcome=VerificationStatus.ELIGIBLE, seen=None, **changes):
    family = assignment.family
    return services.submit_visit(
        assignment,
        actor=operator,
        report=report(**changes.pop("report", {})),
        outcome=outcome,
        family_changes=changes.pop("family", {}),
        member_changes=changes.pop("members", {}),
        seen=seen if seen is not None else services.family_snapshot(family),
    )


def agreed(visits, operator):
    visits = list(visits)
    services.record_meeting(
        visits[0].round,
        village=visits[0].village,
        held_on=TODAY,
        minutes=pdf_minutes(),
        visits=visits,
        actor=operator,
    )
    return [Visit.objects.get(pk=v.pk) for v in visits]


def test_an_approved_visit_becomes_the_newest_truth_and_survives_a_full_run(
    matched_city, make_user, settings
):
    family = (
        Family.objects.filter(lifecycle=FamilyLifecycle.ACTIVE, record_links__isnull=False)
        .exclude(kk_number="")
        .order_by("id")
        .distinct()
        .first()
    )
    members = list(family.members.order_by("id"))
    assert len(members) >= 2
    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    operator = make_user("operator", Role.VILLAGE_OPERATOR, family.village_id)
    round_ = open_round(dinsos)
    assert round_.assignments.count() == Family.objects.filter(lifecycle="aktif").count()
    assignment = assigned(round_, family, operator, dinsos)
    destination = (
        Region.objects.filter(level=4, code__startswith="33.74").exclude(code=family.village_id)
    ).first()
    deceased, other = members[-1], members[0]
    new_nik = "3374" + "0" * 11 + "9"
    submitted = visit(
        assignment,
        operator,
        outcome=VerificationStatus.MOVED,
        family={"village_id": destination.code, "address": "Jl. Baru No. 7", "rt": "004"},
        members={str(deceased.pk): {"status": "meninggal"}, str(other.pk): {"nik": new_nik}},
        report={"latitude": -6.99, "longitude": 110.42, "photos": (photo_with_exif(),)},
    )
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.VISITED
    stored = submitted.photos.get()
    assert max(stored.image.width, stored.image.height) <= PHOTO_MAX_SIDE
    assert stored.latitude == pytest.approx(-6.99, abs=1e-3)
    assert stored.longitude == pytest.approx(110.42, abs=1e-3)
    assert stored.taken_at.date() == dt.date(2026, 11, 20)

    # Nothing changes before the village meeting and Dinsos have decided.
    with pytest.raises(ValidationError):
        services.approve_visit(submitted, actor=dinsos)
    (submitted,) = agreed([submitted], operator)
    services.approve_visit(submitted, actor=dinsos)

    family.refresh_from_db()
    assert family.village_id == destination.code and family.address == "Jl. Baru No. 7"
    assert family.rt == "004"
    assert family.verification_status == VerificationStatus.MOVED
    assert family.verified_on == TODAY
    # Each changed value names the visit's record as its origin, and history names the visit.
    origin = SourceRecord.objects.get(pk=family.origins["village_id"])
    assert origin.dataset.kind == SourceKind.FIELD
    assert visit_id_of(origin.record_id) == submitted.pk
    assert origin.batch.visits.get() == submitted  # the round's batch of approved visits
    log = history_of(family).get(origin__contains=f"#{submitted.pk}")
    assert log.after["village_id"] == destination.code
    assert Person.objects.get(pk=deceased.pk).lifecycle == Lifecycle.DECEASED
    assert Person.objects.get(pk=other.pk).nik == new_nik
    assert FamilyPhoto.objects.filter(family=family).count() == 1
    assert Assignment.objects.get(pk=assignment.pk).state == AssignmentState.APPROVED

    # A full matching run goes through the same survivorship: the visit still wins.
    run, _ = run_matching(actor=None, mode=RunMode.FULL, u_pairs=2e5)
    assert run.status == "completed", run.message
    kept = Family.objects.get(pk=RecordLink.objects.get(source_record=origin).family_id)
    assert kept.village_id == destination.code
    assert kept.address == "Jl. Baru No. 7"  # a value read back from the visit's value block
    assert kept.verification_status == VerificationStatus.MOVED
    assert Person.objects.get(pk=deceased.pk).lifecycle == Lifecycle.DECEASED
    assert Person.objects.get(pk=other.pk).nik == new_nik


def test_two_edits_of_one_family_never_lose_either_change(families, staff):
    family = families["a"]
    child = family.members.order_by("id").last()
    operator, dinsos = staff["operator_a"], staff["dinsos"]
    first_round, second_round, third_round = (
        open_round(dinsos, name=f"Putaran {n}") for n in (1, 2, 3)
    )
    opened = services.family_snapshot(family)  # both forms opened on the same family

    floor = visit(
        assigned(first_round, family, operator, dinsos),
        operator,
        seen=opened,
        family={"floor_material": "tanah"},
    )
    fridge = visit(
        assigned(second_round, family, operator, dinsos),
        operator,
        seen=opened,
        family={"has_refrigerator": True},
        members={str(child.pk): {"nik": "3374010101100099"}},
    )
    floor, fridge = agreed([floor, fridge], operator)
    services.approve_visit(floor, actor=dinsos)
    services.approve_visit(fridge, actor=dinsos)
    family.refresh_from_db()
    assert family.floor_material == "tanah" and family.has_refrigerator is True
    assert Person.objects.get(pk=child.pk).nik == "3374010101100099"

    # The same field changed twice from the same starting point: the second is held, shown
    # what changed, and applied only when a person says so.
    opened = services.family_snapshot(family)
    ceramic = visit(
        assigned(third_round, family, operator, dinsos),
        operator,
        seen=opened,
        family={"floor_material": "keramik"},
    )
    fourth = open_round(dinsos, name="Putaran 4")
    wood = visit(
        assigned(fourth, family, operator, dinsos),
        operator,
        seen=opened,
        family={"floor_material": "kayu_papan"},
    )
    ceramic, wood = agreed([ceramic, wood], operator)
    services.approve_visit(ceramic, actor=dinsos)
    with pytest.raises(services.VisitConflict) as raised:
        services.approve_visit(wood, actor=dinsos)
    (conflict,) = raised.value.conflicts
    assert (conflict.seen, conflict.now, conflict.proposed) == ("tanah", "keramik", "kayu_papan")
    family.refresh_from_db()
    assert family.floor_material == "keramik"
    assert Visit.objects.get(pk=wood.pk).status == VisitStatus.AGREED  # nothing half done

    services.approve_visit(wood, actor=dinsos, force=True)
    family.refresh_from_db()
    assert family.floor_material == "kayu_papan" and family.has_refrigerator is True
    changes = history_of(family).filter(before__has_key="floor_material")
    assert [c.after["floor_material"] for c in changes.order_by("id")] == [
        "tanah",
        "keramik",
        "kayu_papan",
    ]

    # An operator whose form is older than an approved change is told before submitting.
    fifth = open_round(dinsos, name="Putaran 5")
    with pytest.raises(services.VisitConflict):
        visit(
            assigned(fifth, family, operator, dinsos),
            operator,
            seen=opened,
            family={"floor_material": "semen_bata"},
        )


def test_an_operator_cannot_see_or_submit_visits_outside_their_villages(families, staff):
    dinsos, operator_a = staff["dinsos"], staff["operator_a"]
    round_ = open_round(dinsos)
    theirs = assigned(round_, families["b"], staff["operator_b"], dinsos)
    assert not Assignment.objects.restrict(operator_a, Action.VIEW).filter(pk=theirs.pk).exists()
    assert (
        set(Assignment.objects.restrict(operator_a, Action.VIEW)) == set()
    )  # nothing assigned yet
    with pytest.raises(PermissionDenied):
        visit(theirs, operator_a)
    # Assigned to them by mistake, a family outside their village is still refused.
    Assignment.objects.filter(pk=theirs.pk).update(operator=operator_a)
    with pytest.raises(PermissionDenied):
        visit(Assignment.objects.get(pk=theirs.pk), operator_a)
    # Not even Dinsos can give a village to an operator who works elsewhere.
    with pytest.raises(ValidationError):
        services.assign_village(round_, families["b"].village, operator_a, actor=dinsos)
    # Nor can an operator approve.
    mine = visit(assigned(round_, families["a"], operator_a, dinsos), operator_a)
    (mine,) = agreed([mine], operator_a)
    with pytest.raises(PermissionDenied):
        services.approve_visit(mine, actor=operator_a)
    assert set(Visit.objects.restrict(staff["operator_b"], Action.VIEW)) == set()


def test_a_proposed_family_becomes_a_golden_family_once_approved(families, staff):
    dinsos, operator = staff["dinsos"], staff["operator_a"]
    round_ = open_round(dinsos)
    assigned(round_, families["a"], operator, dinsos)
    proposal = services.propose_family(
        round_,
        actor=operator,
        village=Region.objects.get(code=VILLAGE_A),
        report=report(),
        family_values={"address": "Gg. Kenanga 3", "rt": "007", "rw": "002"},
        members=[
            {"full_name": "Sri Wahyuni", "sex": "P", "relationship": "kepala"},
            {"full_name": "Dimas", "birth_date": dt.date(2015, 3, 1), "relationship": "anak"},
        ],
    )
    (proposal,) = agreed([proposal], operator)
    services.approve_visit(proposal, actor=dinsos)
    family = Visit.objects.get(pk=proposal.pk).family
    assert family.village_id == VILLAGE_A and family.address == "Gg. Kenanga 3"
    assert family.verification_status == VerificationStatus.NEW
    names = {p.full_name: p for p in family.members.all()}
    assert set(names) == {"Sri Wahyuni", "Dimas"}
    assert names["Dimas"].birth_date == dt.date(2015, 3, 1)
    assert names["Sri Wahyuni"].relationship == "kepala"


def test_coverage_rolls_up_and_the_round_exports_in_siks_ng_layout(families, staff, tmp_path):
    dinsos, operator = staff["dinsos"], staff["operator_a"]
    round_ = open_round(dinsos)
    done = visit(assigned(round_, families["a"], operator, dinsos), operator)
    services.approve_visit(agreed([done], operator)[0], actor=dinsos)

    city = Region.objects.get(code="33.74")
    rows, total = coverage(city, [round_])
    by_code = {row.code: row for row in rows}
    # The Bandung family is outside the officer's city and so outside the round.
    assert (total.in_scope, total.visited, total.approved) == (2, 1, 1)
    assert by_code[VILLAGE_A[:8]].share == 1.0 and by_code[VILLAGE_B[:8]].share == 0.0
    assert [r.code for r in league(rows)][:2] == [VILLAGE_A[:8], VILLAGE_B[:8]]
    assert [code for code, _, _ in villages_not_started(city, [round_])] == [VILLAGE_B]
    # Families never verified are stale; the one just verified is not.
    assert (total.families, total.stale) == (2, 1)
    # A round of the stale families only leaves the one just verified out.
    again = services.create_round(
        name="Ulang",
        region=city,
        starts_on=TODAY,
        ends_on=TODAY,
        stale_only=True,
        actor=dinsos,
    )
    assert [a.family for a in again.assignments.all()] == [families["b"]]

    out = tmp_path / "verivali.xlsx"
    export = ["verify", "export", "--round", str(round_.pk), "--out", str(out), "--quiet"]
    with pytest.raises(CommandError, match="--user"):
        call_command(*export)  # names and NIKs: only as an account, and logged
    call_command(*export, "--user", dinsos.username)
    assert AccessLog.objects.filter(user=dinsos, kind="export").exists()
    import polars as pl

    sheet = pl.read_excel(out)
    assert sheet.columns[:3] == ["NO", "ID_KUNJUNGAN", "KODE_WILAYAH"]
    assert sheet.height == families["a"].members.count()
    assert set(sheet["STATUS_VERIVALI"]) == {"Layak"}
    assert set(sheet["STATUS_PERSETUJUAN"]) == {"Disetujui Dinsos"}
    assert Round.objects.get(pk=round_.pk).assignments.count() == 2


def test_a_round_takes_the_families_its_criteria_name(matched_city, make_user):
    from padu.welfare.services import classify, current_results

    classify(actor=None)
    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    results = current_results()
    poorest = services.create_round(
        name="Desil 1-4",
        region=Region.objects.get(code="33.74"),
        starts_on=TODAY,
        ends_on=TODAY,
        max_desil=4,
        actor=dinsos,
    )
    assert poorest.assignments.count() == results.filter(desil__lte=4).count() > 0
    extreme = services.create_round(
        name="Ekstrem",
        region=Region.objects.get(code="33.74"),
        starts_on=TODAY,
        ends_on=TODAY,
        statuses=["ekstrem"],
        actor=dinsos,
    )
    assert extreme.assignments.count() == results.filter(status="ekstrem").count() > 0
    assert extreme.criteria == {"statuses": ["ekstrem"]}


def test_a_forty_megapixel_picture_is_refused_before_it_is_decoded():
    from padu.verification.photos import prepare_photo

    buffer = io.BytesIO()
    # A bilevel PNG: 40 megapixels in a few kilobytes, as a crafted upload would be.
    Image.new("1", (7_300, 5_480)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("rumah.png", buffer.getvalue(), "image/png")
    with pytest.raises(ValidationError) as refused:
        prepare_photo(upload)
    assert "40 megapiksel" in refused.value.messages[0]
    assert "paling besar 25 megapiksel" in refused.value.messages[0]
