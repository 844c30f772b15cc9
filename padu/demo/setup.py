"""Setting up the demo: a synthetic city with golden records and one account per role."""

import datetime as dt
import io
import random
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from PIL import Image, ImageDraw

from padu.accounts.choices import Role
from padu.accounts.models import User
from padu.accounts.services import ensure_account
from padu.organisations.models import Agency
from padu.regions.models import Region
from padu.registry.models import Family, Person
from padu.releases import services as releases
from padu.service import services as service
from padu.service.choices import Channel, RequestKind
from padu.service.models import ServiceRequest
from padu.synth.services import DEFAULT_AS_OF
from padu.verification import services as verification
from padu.verification.models import Assignment, Round, Visit
from padu.welfare.models import NeedRule

DEMO_PASSWORD = "padu-demo"

#: Roles whose demo accounts may open the admin: read-only, within their region (what each
#: sees there is the policy's, padu.accounts.policy).
STAFF_ROLES = {Role.ADMIN, Role.DATA_CUSTODIAN, Role.DINSOS_OFFICER}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    scope: str


def demo_dir(region: str, people: int, seed: int) -> Path:
    return Path(settings.DATA_DIR) / "demo" / f"{region.replace('.', '')}-{people}-{seed}"


def _busiest_village(region: str) -> Region:
    busiest = (
        Family.objects.filter(village__code__within=region)
        .values("village_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return Region.objects.get(code=busiest["village_id"])


@transaction.atomic
def ensure_demo_accounts(region_code: str) -> list[DemoAccount]:
    """One account per role, scoped to the demo city (an operator to its busiest village)."""
    city = Region.objects.get(code=region_code)
    village = _busiest_village(region_code)
    dinkes, perkim = Agency.objects.get(code="dinkes"), Agency.objects.get(code="perkim")
    plan = [
        ("admin", Role.ADMIN, None, None, "Administrator"),
        ("walidata", Role.DATA_CUSTODIAN, city, None, "Wali Data"),
        ("dinsos", Role.DINSOS_OFFICER, city, None, "Petugas Dinsos"),
        ("operator", Role.VILLAGE_OPERATOR, village, None, "Operator Desa"),
        ("verifikator", Role.VERIFIER, city, None, "Verifikator TKPK"),
        ("dinkes", Role.AGENCY_OFFICER, city, dinkes, "Petugas Dinkes"),
        ("perkim", Role.AGENCY_OFFICER, city, perkim, "Petugas Perkim"),
        ("pimpinan", Role.LEADER, city, None, "Pimpinan Daerah"),
        ("publik", Role.PUBLIC, None, None, "Warga"),
    ]
    accounts = []
    for username, role, scope, agency, first_name in plan:
        ensure_account(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            region=scope,
            agency=agency,
            first_name=first_name,
            is_staff=role in STAFF_ROLES,
            is_superuser=role == Role.ADMIN,
        )
        where = scope.name if scope and scope.level <= 2 else "semua wilayah"
        if scope and scope.level > 2:
            where = f"{scope.get_kind_display()} {scope.name}"
        if agency:
            where += f", {agency.short_name}"
        accounts.append(
            DemoAccount(username, role, where if role != Role.PUBLIC else "agregat saja")
        )
    return accounts


#: The demo round: how far the field has come in the villages given to operators.
DEMO_VILLAGES = 6
DEMO_OUTCOMES = {
    "layak": 0.78,
    "mampu": 0.08,
    "pindah": 0.05,
    "tidak_ditemukan": 0.05,
    "tidak_layak": 0.04,
}


def ensure_demo_round(region_code: str, *, seed: int = 1) -> int:
    """A verivali round in progress over the city's poorer families (desil 1–4): six
    villages given to operators, most of their families visited, some agreed in the
    village meeting and some of those approved, so that every page has something to show.
    Returns the number of visits approved (0 when the round exists already)."""
    if Round.objects.exists():
        return 0
    rng = random.Random(seed)
    dinsos = User.objects.get(username="dinsos")
    today = timezone.localdate()
    city = Region.objects.get(code=region_code)
    verification_round = verification.create_round(
        name=f"Verivali {today.year} semester {1 if today.month <= 6 else 2}",
        purpose="Pemutakhiran keluarga desil 1–4 sebelum penetapan DTSEN daerah",
        region=city,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=60),
        max_desil=4,
        actor=dinsos,
    )
    operator = User.objects.get(username="operator")
    busiest = (
        verification_round.assignments.exclude(village_id=operator.region_id)
        .values_list("village_id", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n")[: DEMO_VILLAGES - 1]
    )
    approved = 0
    for number, code in enumerate([operator.region_id, *busiest]):
        village = Region.objects.get(code=code)
        if number == 0:
            village_operator = operator
        else:
            village_operator = ensure_account(
                username=f"operator{number + 1}",
                password=DEMO_PASSWORD,
                role=Role.VILLAGE_OPERATOR,
                region=village,
                first_name="Operator",
            )
        verification.assign_village(verification_round, village, village_operator, actor=dinsos)
        # The demo's own operator keeps most families to visit; the others are further on.
        share = 0.3 if village_operator == operator else rng.uniform(0.5, 0.95)
        assignments = list(
            Assignment.objects.filter(round=verification_round, village=village)
            .select_related("family__village")
            .order_by("id")
        )
        visits = []
        for assignment in assignments[: int(len(assignments) * share)]:
            outcome = rng.choices(list(DEMO_OUTCOMES), weights=list(DEMO_OUTCOMES.values()))[0]
            family_changes = {}
            if outcome == "pindah":
                family_changes = {"address": f"Jl. Baru No. {rng.randint(1, 99)}"}
            visits.append(
                verification.submit_visit(
                    assignment,
                    actor=village_operator,
                    report=verification.FieldReport(
                        client_key=uuid.uuid4(),
                        visited_on=today - dt.timedelta(days=rng.randint(1, 25)),
                        latitude=assignment.family.latitude,
                        longitude=assignment.family.longitude,
                        notes="Kunjungan demo",
                    ),
                    outcome=outcome,
                    family_changes=family_changes,
                    member_changes={},
                    seen=verification.family_snapshot(assignment.family),
                )
            )
        agreed = visits[: int(len(visits) * 0.7)]
        if not agreed:
            continue
        verification.record_meeting(
            verification_round,
            village=village,
            held_on=today - dt.timedelta(days=2),
            minutes=ContentFile(b"%PDF-1.4\n% berita acara demo\n", name="berita-acara.pdf"),
            visits=agreed,
            actor=village_operator,
        )
        for visit in agreed[: int(len(agreed) * 0.8)]:
            verification.approve_visit(visit, actor=dinsos)
            approved += 1
    return approved


def ensure_demo_programs(region_code: str, *, people: int, seed: int = 1) -> int:
    """The national programs from the source flags, and two regional programs whose
    agencies imported their lists (with the errors agencies' lists carry), one of them
    judged by Bappeda. Returns the number of beneficiary rows checked (0 when the programs
    exist already)."""
    from padu.programs.models import Program
    from padu.programs.services import (
        detect_anomalies,
        import_cycle_list,
        propose_cycle,
        record_verdict,
    )
    from padu.synth.programs import write_program_lists

    if Program.objects.filter(region__isnull=False).exists():
        return 0
    year = DEFAULT_AS_OF.year
    folder = demo_dir(region_code, people, seed) / "program"
    lists = write_program_lists(
        folder, region=region_code, year=year, rows=max(200, min(3000, people // 10)), seed=seed
    )
    officers = {"pbi": "dinkes", "rtlh": "perkim"}
    checked = 0
    for planted in lists:
        program = Program.objects.get(code=planted.program)
        officer = User.objects.get(username=officers[planted.program.split("-")[0]])
        cycle = import_cycle_list(
            planted.path, program=program, cycle_name=planted.cycle, actor=officer
        )
        checked += cycle.summary.get("baris", 0)
        if program.unit == "orang":
            summary = cycle.summary
            record_verdict(
                cycle,
                on_target=False,
                right_place=summary.get("tepat_lokasi", 0) == 0,
                note=(
                    f"{summary.get('tepat_sasaran', 0)} penerima di atas desil sasaran dan "
                    f"{summary.get('hidup_menetap', 0)} yang meninggal atau pindah: keluarkan "
                    "dari daftar sebelum siklus disetujui."
                ),
                actor=User.objects.get(username="verifikator"),
            )
    detect_anomalies(actor=None)
    # A small city has too few houses to repair for a list: Perkim proposes one instead.
    for program in Program.objects.filter(region__code=region_code, cycles__isnull=True):
        cycle = propose_cycle(
            program, cycle_name=f"Usulan {year}", actor=User.objects.get(username="perkim")
        )
        checked += cycle.summary.get("baris", 0)
    return checked


def _demo_decree_pdf(title: str) -> bytes:
    """A one-page PDF standing in for the signed decree (the demo has no real one)."""
    text = f"BT /F1 14 Tf 60 760 Td ({title}) Tj 0 -24 Td (Dokumen demo, tanpa tanda tangan.) Tj ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body, offsets = "%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{content}\nendobj\n"
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    body += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    body += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return body.encode("latin-1")


def publish_demo_release(region_code: str, *, name: str, period: str, decree: str):
    """A release of the city taken through every step by the demo's accounts: built by the
    custodian, checked by the TKPK, approved by the leader, published with its decree."""
    custodian = User.objects.get(username="walidata")
    release = releases.create_release(
        actor=custodian,
        name=name,
        period=period,
        region=Region.objects.get(code=region_code),
        year=2025,
        enqueue=False,
    )
    release = releases.execute_build(release)
    if release.status != "completed":
        raise RuntimeError(release.message)
    releases.check_release(release, actor=User.objects.get(username="verifikator"))
    releases.approve_release(release, actor=User.objects.get(username="pimpinan"))
    city = Region.objects.get(code=region_code).name
    releases.set_decree(
        release,
        actor=custodian,
        number=decree,
        date=timezone.localdate(),
        signatory=f"Kepala Daerah {city}",
        pdf=ContentFile(_demo_decree_pdf(f"Keputusan {decree}"), name="keputusan.pdf"),
    )
    return releases.publish_release(release, actor=custodian)


def _house_photo(rng: random.Random) -> ContentFile:
    """A synthetic 'photo of a house': a wall, a roof and a door, in random colours."""
    image = Image.new("RGB", (640, 480), (150 + rng.randint(0, 60), 190, 220))
    draw = ImageDraw.Draw(image)
    wall = tuple(rng.randint(120, 230) for _ in range(3))
    draw.rectangle((160, 220, 480, 440), fill=wall)
    draw.polygon([(130, 230), (320, 100), (510, 230)], fill=(140, 60, 40))
    draw.rectangle((290, 320, 350, 440), fill=(90, 60, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=70)
    return ContentFile(buffer.getvalue(), name="rumah.jpg")


def ensure_demo_service_requests(*, seed: int = 1) -> int:
    """Residents' requests of the one-stop service in every state: received online and at
    the desk, sent to the field (waiting for a visit, visited, decided either way), referred
    to an agency, answered, joined to a duplicate, and one objection past its deadline and
    escalated. In the demo operator's village, so that the operator has requests to visit.
    Returns how many were made (0 when the demo has them already)."""
    if ServiceRequest.objects.exists():
        return 0
    rng = random.Random(seed)
    dinsos = User.objects.get(username="dinsos")
    operator = User.objects.get(username="operator")
    village = Region.objects.get(code=operator.region_id)
    pending = list(
        Assignment.objects.filter(village=village, operator=operator, state="belum")
        .select_related("family")
        .order_by("id")[:4]
    )
    residents = list(
        Person.objects.filter(family__village=village, lifecycle="aktif", relationship="kepala")
        .exclude(nik="")
        .exclude(family__in=[a.family for a in pending])
        .order_by("id")[:3]
    )
    if len(pending) < 4 or len(residents) < 3:
        return 0
    today = timezone.localdate()

    def details(kind, **values) -> service.RequestDetails:
        defaults = {"village": village, "description": "", "photos": []}
        if kind in (RequestKind.PROPOSAL, RequestKind.OBJECTION):
            defaults |= {"photos": [_house_photo(rng)], "latitude": -6.98, "longitude": 110.41}
        return service.RequestDetails(kind=kind, **(defaults | values))

    def objection_about(assignment, reporter, reason) -> service.RequestDetails:
        family = assignment.family
        return details(
            RequestKind.OBJECTION,
            subject_name=family.members.filter(relationship="kepala").first().full_name,
            address=family.address,
            rt=family.rt,
            rw=family.rw,
            description=reason,
            reporter_name=reporter.full_name,
            reporter_nik=reporter.nik,
            phone="081200000001",
        )

    made = []
    # Received, not yet triaged: online, and at the desk.
    made.append(service.submit_request(details(
        RequestKind.PROPOSAL, subject_name="Sri Wahyuni", address="Gg. Kenanga 3", rt="007",
        rw="002", description="Suami sakit sejak Juni, tidak bekerja; tiga anak sekolah.",
        email="warga@example.id",
    )))  # fmt: skip
    made.append(service.submit_request(
        details(RequestKind.QUESTION, description="Kapan bantuan PKH tahap IV cair?"),
        actor=dinsos, channel=Channel.DESK,
    ))  # fmt: skip
    # The same proposal twice: the second is joined to the first.
    for _ in range(2):
        made.append(service.submit_request(details(
            RequestKind.PROPOSAL, subject_name="Slamet Riyadi", subject_nik="3374011204700009",
            address="Jl. Mawar 12", rt="003", rw="001", description="Lansia tinggal sendiri.",
        )))  # fmt: skip
    # To the field: a proposal the operator must visit, and an objection on the round.
    waiting, _code = service.submit_request(details(
        RequestKind.PROPOSAL, subject_name="Dimas Saputra", address="Jl. Anggrek 5", rt="002",
        rw="004", description="Keluarga baru pindah, belum punya KK di sini.", phone="081200000002",
    ))  # fmt: skip
    service.send_to_verivali(waiting, actor=dinsos, operator=operator)
    made.append((waiting, _code))
    objected, _code = service.submit_request(
        objection_about(pending[0], residents[0], "Punya mobil dan toko kelontong besar.")
    )
    service.link_family(objected, pending[0].family, actor=dinsos)
    service.send_to_verivali(objected, actor=dinsos)
    made.append((objected, _code))
    # Decided in the field: an objection upheld, one not upheld.
    for assignment, reporter, outcome in (
        (pending[1], residents[1], "mampu"),
        (pending[2], residents[2], "layak"),
    ):
        request, _code = service.submit_request(
            objection_about(assignment, reporter, "Tidak layak menerima bantuan.")
        )
        service.link_family(request, assignment.family, actor=dinsos)
        service.send_to_verivali(request, actor=dinsos)
        visit = verification.submit_visit(
            assignment,
            actor=operator,
            report=verification.FieldReport(client_key=uuid.uuid4(), visited_on=today),
            outcome=outcome,
            family_changes={},
            member_changes={},
            seen=verification.family_snapshot(assignment.family),
        )
        verification.record_meeting(
            assignment.round,
            village=village,
            held_on=today,
            minutes=ContentFile(b"%PDF-1.4\n% berita acara demo\n", name="berita-acara.pdf"),
            visits=[visit],
            actor=operator,
        )
        verification.approve_visit(Visit.objects.get(pk=visit.pk), actor=dinsos)
        made.append((request, _code))
    # A need referred to its agency, a question answered.
    complaint, _code = service.submit_request(details(
        RequestKind.COMPLAINT, description="Anak kami tidak punya BPJS, ditolak puskesmas.",
        reporter_name=residents[0].full_name, phone="081200000003",
    ))  # fmt: skip
    service.link_family(complaint, residents[0].family, actor=dinsos)
    service.refer_request(complaint, NeedRule.objects.get(code="jaminan-kesehatan"), actor=dinsos)
    made.append((complaint, _code))
    question, _code = service.submit_request(
        details(RequestKind.QUESTION, description="Bagaimana cara mendaftar DTSEN?")
    )
    service.answer_request(
        question,
        answer="Ajukan usulan di menu Layanan warga atau di kantor kelurahan dengan KTP dan KK.",
        actor=dinsos,
    )
    made.append((question, _code))
    # A paper objection handed in three weeks ago: past its 14 days, escalated.
    late, _code = service.submit_request(
        objection_about(pending[3], residents[1], "Rumah permanen dua lantai."),
        actor=dinsos,
        channel=Channel.DESK,
        received_on=today - dt.timedelta(days=21),
    )
    made.append((late, _code))
    service.escalate_overdue(actor=dinsos)
    return len(made)
