"""The one-stop service through its services: a request taken in, triaged to the field, an
agency or an answer, closed by what came of it; the status check that reveals nothing to a
stranger; the objection that only a resident may file; deadlines, duplicates, messages."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from PIL import Image

from padu.accounts.choices import Role
from padu.programs.models import Referral
from padu.regions.models import Region
from padu.registry.choices import VerificationStatus
from padu.service import services
from padu.service.choices import Channel, RequestKind, RequestStatus
from padu.service.models import Notification, RequestStep, ServiceRequest
from padu.service.services import RequestDetails
from padu.verification import services as verivali
from padu.verification.models import Visit
from padu.welfare.models import NeedRule
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.verification.test_services import (
    agreed,
    assigned,
    open_round,
    photo_with_exif,
    report,
    visit,
)

pytestmark = pytest.mark.django_db


def village(code=VILLAGE_A) -> Region:
    return Region.objects.get(code=code)


def proposal(**changes) -> RequestDetails:
    values = {
        "kind": RequestKind.PROPOSAL,
        "village": village(),
        "description": "Suami sakit, tidak bekerja sejak Juni.",
        "subject_name": "Sri Wahyuni",
        "address": "Gg. Kenanga 3",
        "rt": "007",
        "rw": "002",
        "photos": [photo_with_exif()],
        "latitude": -6.99,
        "longitude": 110.42,
        "email": "warga@example.id",
    }
    return RequestDetails(**{**values, **changes})


def objection(**changes) -> RequestDetails:
    values = {
        "kind": RequestKind.OBJECTION,
        "village": village(),
        "description": "Punya mobil dan toko.",
        "subject_name": "Budi Santoso",
        "reporter_name": "Budi Santoso Anak 1",
        "reporter_nik": "",
        "photos": [photo_with_exif()],
        "latitude": -6.99,
        "longitude": 110.42,
    }
    return RequestDetails(**{**values, **changes})


def test_the_status_check_says_nothing_unless_both_facts_match(families):
    family = families["a"]
    head_nik = "3374011705800001"
    known = services.check_status(nik=head_nik, name="BUDI  santoso", village=family.village)
    assert known is not None and known.band
    by_card = services.check_status(
        nik=head_nik, kk_number=family.kk_number, village=family.village
    )
    assert by_card == known
    # A stranger who knows the NIK but not the name, a wrong card, another village, an
    # unknown NIK: the same nothing.
    assert services.check_status(nik=head_nik, name="Siti Aminah", village=family.village) is None
    assert services.check_status(nik=head_nik, name="Budi", village=family.village) is None
    assert (
        services.check_status(nik=head_nik, kk_number="3374010101109999", village=family.village)
        is None
    )
    assert (
        services.check_status(nik=head_nik, name="Budi Santoso", village=village(VILLAGE_B)) is None
    )
    assert (
        services.check_status(nik="3374011705809999", name="Budi Santoso", village=family.village)
        is None
    )


def test_a_proposal_gets_a_ticket_a_code_and_a_message(
    families, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request, code = services.submit_request(proposal())
    assert request.ticket.startswith("U-") and len(code) == 6 and code.isdigit()
    assert request.status == RequestStatus.RECEIVED
    assert request.due_on == timezone.localdate() + dt.timedelta(days=30)
    assert services.request_by_ticket(request.ticket.lower(), code) == request
    assert services.request_by_ticket(request.ticket, "000000" if code != "000000" else "1") is None
    assert code not in request.check_code_hash
    (message,) = mail.outbox
    assert (
        request.ticket in message.body
        and code in message.body
        and "/layanan/lacak/" in message.body
    )
    assert Notification.objects.get(request=request).sent


def test_the_photo_is_kept_without_its_exif_and_its_place_for_the_officer(families):
    request, _code = services.submit_request(proposal())
    photo = request.photos.get()
    assert photo.latitude == pytest.approx(-6.99, abs=0.01)
    stored = Image.open(io.BytesIO(photo.image.read()))
    assert not stored.getexif().get_ifd(0x8825)
    assert max(stored.size) <= 1600


def test_an_objection_from_outside_the_village_is_refused_with_a_clear_message(families):
    # Siti Aminah lives in Tanjung Mas (village B), not in Miroto (village A).
    with pytest.raises(ValidationError) as refused:
        services.submit_request(
            objection(reporter_nik="3374025705800002", reporter_name="Siti Aminah")
        )
    message = " ".join(refused.value.message_dict["reporter_nik"])
    assert "hanya dapat diajukan oleh warga Miroto" in message and "KTP" in message
    assert not ServiceRequest.objects.exists()
    # A resident of village A may object there.
    request, _code = services.submit_request(
        objection(reporter_nik="3374011705800001", reporter_name="Budi Santoso")
    )
    assert request.kind == RequestKind.OBJECTION


def test_an_objection_needs_a_photo_and_the_place(families):
    with pytest.raises(ValidationError) as refused:
        services.submit_request(
            objection(
                reporter_nik="3374011705800001",
                reporter_name="Budi Santoso",
                photos=[],
                latitude=None,
            )
        )
    assert set(refused.value.message_dict) == {"photos", "latitude"}


def test_an_objection_past_fourteen_days_is_overdue_and_escalated_once(
    families, staff, django_capture_on_commit_callbacks
):
    staff["dinsos"].email = "dinsos@example.go.id"
    staff["dinsos"].save()
    request, _code = services.submit_request(
        objection(reporter_nik="3374011705800001", reporter_name="Budi Santoso")
    )
    assert request.due_on - timezone.localdate() == dt.timedelta(days=14)
    assert not request.is_overdue
    later = request.due_on + dt.timedelta(days=1)
    assert ServiceRequest.objects.overdue(later).get() == request
    with django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_overdue(today=later) == 1
    assert services.escalate_overdue(today=later) == 0
    assert ServiceRequest.objects.get().escalated_at is not None
    assert any(request.ticket in m.body for m in mail.outbox if "dinsos@example.go.id" in m.to)


def test_the_same_proposal_twice_is_joined_to_the_first(families):
    first, _ = services.submit_request(proposal(subject_nik="3374015705900001"))
    second, _ = services.submit_request(proposal(subject_nik="3374015705900001", email=""))
    assert second.status == RequestStatus.JOINED and second.duplicate_of == first
    assert first.ticket in second.steps.last().note


def test_a_proposal_goes_to_the_field_and_its_approval_reaches_the_resident(
    families, staff, django_capture_on_commit_callbacks
):
    dinsos, operator = staff["dinsos"], staff["operator_a"]
    round_ = open_round(dinsos)
    assigned(round_, families["a"], operator, dinsos)
    request, _code = services.submit_request(proposal())
    with pytest.raises(ValidationError):  # an operator of another village
        services.send_to_verivali(request, actor=dinsos, operator=staff["operator_b"])
    services.send_to_verivali(request, actor=dinsos, operator=operator)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_VERIVALI and request.operator == operator
    visited = verivali.propose_family(
        round_,
        actor=operator,
        village=request.village,
        report=report(),
        family_values={"address": request.address},
        members=[{"full_name": "Sri Wahyuni", "relationship": "kepala"}],
    )
    services.record_proposal_visit(request, visited, actor=operator)
    (visited,) = agreed([visited], operator)
    with django_capture_on_commit_callbacks(execute=True):
        verivali.approve_visit(visited, actor=dinsos)
    request.refresh_from_db()
    assert request.status == RequestStatus.GRANTED and request.closed_at
    assert "Usulan disetujui" in request.steps.last().note
    assert "Usulan disetujui" in mail.outbox[-1].body


def test_an_objection_is_checked_in_the_field_and_upheld(families, staff):
    dinsos, operator = staff["dinsos"], staff["operator_a"]
    round_ = open_round(dinsos)
    assigned(round_, families["a"], operator, dinsos)
    request, _code = services.submit_request(
        objection(reporter_nik="3374011705800001", reporter_name="Budi Santoso")
    )
    with pytest.raises(ValidationError):  # not yet linked to a family of the registry
        services.send_to_verivali(request, actor=dinsos)
    services.link_family(request, families["a"], actor=dinsos)
    services.send_to_verivali(request, actor=dinsos)
    request.refresh_from_db()
    assert request.assignment.family == families["a"] and request.operator == operator
    found = visit(request.assignment, operator, outcome=VerificationStatus.WELL_OFF)
    (found,) = agreed([found], operator)
    verivali.return_visit(found, reason="Foto kurang jelas", actor=dinsos)
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_VERIVALI  # a returned visit closes nothing
    again = visit(request.assignment, operator, outcome=VerificationStatus.WELL_OFF)
    (again,) = agreed([again], operator)
    verivali.approve_visit(again, actor=dinsos)
    request.refresh_from_db()
    assert request.status == RequestStatus.GRANTED
    assert request.visit == Visit.objects.get(pk=again.pk)
    assert "Sanggahan terbukti" in request.steps.last().note


def test_a_need_goes_to_its_agency_and_a_question_gets_its_answer(families, staff):
    dinsos = staff["dinsos"]
    complaint, _ = services.submit_request(
        RequestDetails(
            kind=RequestKind.COMPLAINT, village=village(), description="Anak putus sekolah."
        )
    )
    services.link_family(complaint, families["a"], actor=dinsos)
    rule = NeedRule.objects.get(code="jaminan-kesehatan")
    referral = services.refer_request(complaint, rule, actor=dinsos)
    assert referral.agency == rule.agency and complaint.ticket in referral.reason
    assert ServiceRequest.objects.get(pk=complaint.pk).referral == referral
    assert Referral.objects.filter(family=families["a"], rule=rule).count() == 1
    question, _ = services.submit_request(
        RequestDetails(kind=RequestKind.QUESTION, village=village(), description="Kapan PKH cair?")
    )
    with pytest.raises(ValidationError):
        services.answer_request(question, answer="  ", actor=dinsos)
    services.answer_request(question, answer="Tahap IV cair Desember.", actor=dinsos)
    question.refresh_from_db()
    assert question.status == RequestStatus.ANSWERED and question.answer.startswith("Tahap IV")
    with pytest.raises(ValidationError):  # closed
        services.answer_request(question, answer="lagi", actor=dinsos)


def test_only_the_region_s_dinsos_triages_and_only_desk_staff_record(families, staff, make_user):
    request, _ = services.submit_request(proposal())
    bandung = make_user("dinsos-bandung", Role.DINSOS_OFFICER, "32.73")
    with pytest.raises(PermissionDenied):
        services.answer_request(request, answer="x", actor=bandung)
    leader = make_user("pimpinan", Role.LEADER, "33.74")
    with pytest.raises(PermissionDenied):
        services.submit_request(proposal(), actor=leader, channel=Channel.DESK)
    desk, _ = services.submit_request(
        proposal(email=""), actor=staff["operator_a"], channel=Channel.DESK
    )
    assert desk.channel == Channel.DESK and desk.recorded_by == staff["operator_a"]
    assert RequestStep.objects.filter(request=desk).count() == 1


def _results_file(path, rows) -> None:
    """SIKS-NG's results of usulan and sanggahan (layout siks-ng-hasil-usulan)."""
    header = "NO;ID_USULAN;JENIS_USULAN;NIK;NAMA;NO_KK;KODE_WILAYAH;ALAMAT;HASIL;ALASAN;DESIL\n"
    lines = [
        f"{n};USL-{n};{kind};{nik};{name};;{VILLAGE_A};Gg. Kenanga 3;{result};{reason};{desil}"
        for n, (kind, nik, name, result, reason, desil) in enumerate(rows, 1)
    ]
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def test_the_national_results_of_usulan_and_sanggahan_answer_the_residents(
    families, staff, tmp_path, django_capture_on_commit_callbacks
):
    from padu.sources.services import find_dataset, import_file

    proposed, _code = services.submit_request(proposal(subject_nik="3374016502900003"))
    objected, _code = services.submit_request(
        objection(
            subject_nik="3374011705800001",
            reporter_nik="3374011705800001",
            reporter_name="Budi Santoso",
        )
    )
    other, _code = services.submit_request(proposal(subject_nik="3374016502900009"))
    path = tmp_path / "hasil-usulan.csv"
    _results_file(path, [
        ("Usulan baru", "3374016502900003", "SRI WAHYUNI", "Diterima", "", "2"),
        ("Sanggahan", "3374011705800001", "BUDI SANTOSO", "Tidak layak", "Masih miskin", ""),
        ("Usulan baru", "3374016502900007", "ORANG LAIN", "Ditolak", "NIK tidak padan", ""),
    ])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        batch = import_file(path, dataset=find_dataset("DTKS"), actor=staff["dinsos"])
    assert batch.status == "completed" and batch.layout == "siks-ng-hasil-usulan", batch.message
    for request in (proposed, objected, other):
        request.refresh_from_db()
    assert proposed.status == RequestStatus.GRANTED and proposed.national_result == "diterima"
    assert proposed.steps.last().note == "Hasil Kemensos (SIKS-NG): usulan diterima, desil 2."
    assert objected.status == RequestStatus.REJECTED and objected.national_batch == batch
    assert objected.steps.last().note == (
        "Hasil Kemensos (SIKS-NG): sanggahan ditolak: Masih miskin."
    )
    assert other.status == RequestStatus.RECEIVED  # its NIK is not in the results
    assert any("usulan diterima" in m.body for m in mail.outbox)  # the resident is told

    steps = RequestStep.objects.count()
    again = tmp_path / "hasil-usulan-lagi.csv"  # the same results, downloaded again
    path.rename(again)
    with django_capture_on_commit_callbacks(execute=True):
        import_file(again, dataset=find_dataset("DTKS"), actor=staff["dinsos"])
    assert RequestStep.objects.count() == steps  # not recorded twice
