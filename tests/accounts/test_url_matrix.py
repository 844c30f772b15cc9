"""Every URL × every role × a record outside that role's scope, GET and POST: nothing leaks.

The URLconf is walked, so a new page is covered without anyone adding it here; a page whose
URL takes a parameter this test cannot fill (its view names no ``model``) fails the test
until its view does. The world has two cities: every account works in Kota Semarang, and
every record of Kota Bandung carries the token LUARWILAYAH in its names. A leak is:

- that token, or a Bandung NIK or No KK, anywhere in a response (pages, downloads, the
  inside of an Excel file), for any role, anonymous visitors included;
- a Bandung record changed, or created, by a request;
- a Semarang record changed by a POST of a role the policy does not grant the view's
  write action (the referral closed by a village operator, say).
"""

import datetime as dt
import io
import re
import zipfile

import polars as pl
import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from padu.accounts import policy
from padu.accounts.choices import Role
from padu.accounts.models import Application, User
from padu.core.choices import RunStatus
from padu.core.models import ChangeLog
from padu.matching.models import LinkageRun, MatchPair, RecordLink
from padu.organisations.models import Agency
from padu.programs.models import (
    AnomalyFlag,
    Beneficiary,
    Cycle,
    Program,
    ProgramRun,
    Referral,
)
from padu.regions.models import Region
from padu.registry.models import Family, FamilyPhoto, Person
from padu.releases.models import Release
from padu.releases.services import create_release, execute_build
from padu.service.models import RequestPhoto, RequestStep, ServiceRequest
from padu.sources.choices import BatchStatus, Severity
from padu.sources.models import (
    ImportBatch,
    ImportIssue,
    RawRows,
    SourceDataset,
    SourceRecord,
    ValueRows,
)
from padu.sources.services import find_dataset
from padu.verification.choices import AssignmentState, VisitStatus
from padu.verification.models import Assignment, Round, VillageMeeting, Visit, VisitPhoto
from padu.welfare.models import (
    ClassificationRun,
    FamilyNeed,
    FamilyWelfare,
    NeedRule,
    WelfareModel,
)
from tests.conftest import make_family

pytestmark = pytest.mark.django_db

SEMARANG, SEMARANG_VILLAGE = "33.74", "33.74.01.1001"
BANDUNG, BANDUNG_VILLAGE = "32.73", "32.73.01.1001"
TOKEN = "LUARWILAYAH"
BANDUNG_NIK, BANDUNG_KK = "3273011705809901", "3273010101109902"
ROLES = [*Role, "anonymous"]  # members: an enum hashes by name, so its value finds no key
#: Pages that anyone may open: the login page and its logout, and the public statistics
#: (aggregates of published releases only).
PUBLIC_URLS = {
    "accounts:login",
    "accounts:logout",
    # Asking for an account and following it (by its signed link), and a lost password.
    "accounts:register",
    "accounts:application-status",
    "accounts:password-reset",
    "accounts:password-reset-sent",
    "accounts:password-reset-confirm",
    "accounts:password-reset-done",
    # The DCI standard's own OpenAPI document (public material, no data).
    "api:dci-standard",
    # OAuth2's token endpoint: its door is the client's secret.
    "api:dci-token",
    "public-statistics:package-show",
    "portal:home",
    "portal:release",
    # Health checks for the machine's monitor: whether Padu is up and ready, no data.
    "healthz",
    "readyz",
    # The one-stop service's resident pages: a status check that tells only what both
    # facts open, forms, and a request's page by its signed link (no one's data on it).
    *(f"service:{name}" for name in ("home", "check", "find", "track", "receipt", "submit")),
    *(
        f"public-statistics:{name}"
        for name in ("list", "release", "csv", "parquet", "indicators", "package-list")
    ),
}
#: Not walked: they end the session the walk goes on in (they reveal nothing).
NOT_WALKED = {"accounts:logout", "accounts:sign-out-everywhere"}


def _jpeg() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "gray").save(buffer, format="JPEG")
    return ContentFile(buffer.getvalue(), name="foto.jpg")


def _side(city: str, village: str, *, label: str, nik: str, kk: str, operator, run) -> dict:
    """One city's records of every kind the policy covers."""
    family = make_family(village, kk=kk, head=f"{label} Kepala", nik=nik)
    person = family.members.get(relationship="kepala")
    photo = FamilyPhoto(family=family, caption=f"{label} rumah")
    photo.image.save("rumah.jpg", _jpeg(), save=True)
    city_region = Region.objects.get(code=city)
    batch = ImportBatch.objects.create(
        dataset=find_dataset("DTKS"),
        file_name=f"{label.lower()}.csv",
        file_sha256=label.lower().ljust(64, "0")[:64],
        header=["NIK", "NAMA", "KODE DESA"],
        value_names=["address"],
        status=BatchStatus.COMPLETED,
        region=city_region,
        rows_read=3,
        rows_accepted=2,
        rows_rejected=1,
    )
    RawRows.encode(
        pl.DataFrame(
            {
                "_row": [2, 3, 4],
                "c0": [nik, nik, nik],
                "c1": [f"{label} Sumber", f"{label} Sumber Dua", f"{label} Ditolak"],
                "c2": [village, village, "?"],
            }
        ),
        batch.pk,
    ).save()
    ValueRows.encode(
        pl.DataFrame({"_row": [2, 3], "address": [f"Jl. {label}", f"Jl. {label}"]}), batch.pk
    ).save()
    ImportIssue.objects.create(
        batch=batch,
        row_number=4,
        column="KODE DESA",
        value="?",
        severity=Severity.ERROR,
        code="village_unknown",
        message=f"Desa tidak dikenali ({label})",
    )
    left, right = (
        SourceRecord.objects.create(
            dataset=batch.dataset,
            batch=batch,
            record_id=f"{label}-{row}",
            row_number=row,
            nik=nik,
            kk_number=kk,
            full_name=name,
            village_id=village,
        )
        for row, name in ((2, f"{label} Sumber"), (3, f"{label} Sumber Dua"))
    )
    pair = MatchPair.objects.create(
        run=run,
        left=left,
        right=right,
        match_weight=3.0,
        match_probability=0.8,
        contributions=[{"comparison": "nik", "level": "sama", "weight": 3.0}],
    )
    links = [
        RecordLink.objects.create(
            dataset=batch.dataset,
            record_id=record.record_id,
            source_record=record,
            person=person,
            family=family,
            run=run,
        )
        for record in (left, right)
    ]
    model = WelfareModel.objects.create(
        regency=city_region, version=1, year=2025, cutoffs={}, specification={}
    )
    welfare = FamilyWelfare.objects.create(
        family=family,
        model=model,
        score=12.0,
        predicted_expenditure=300_000,
        desil=1,
        status="ekstrem",
        criteria_met=3,
        criteria_known=10,
    )
    rule = NeedRule.objects.get(code="jaminan-kesehatan")
    need = FamilyNeed.objects.create(family=family, model=model, rule=rule, reason=f"{label} sakit")
    classification = ClassificationRun.objects.create(region=city_region, year=2025)
    verification_round = Round.objects.create(
        name=f"Putaran {label}",
        region=city_region,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
    )
    assignment = Assignment.objects.create(
        round=verification_round,
        family=family,
        village_id=village,
        operator=operator,
        state=AssignmentState.AGREED,
    )
    meeting = VillageMeeting(
        round=verification_round,
        village_id=village,
        held_on=dt.date(2026, 2, 1),
        notes=f"{label} musdes",
        recorded_by=operator,
    )
    meeting.minutes.save("berita-acara.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    visit = Visit.objects.create(
        round=verification_round,
        assignment=assignment,
        family=family,
        village_id=village,
        operator=operator,
        outcome="layak",
        visited_on=dt.date(2026, 1, 15),
        notes=f"{label} kunjungan",
        status=VisitStatus.AGREED,
        meeting=meeting,
    )
    visit_photo = VisitPhoto(visit=visit)
    visit_photo.image.save("kunjungan.jpg", _jpeg(), save=True)
    referral = Referral.objects.create(
        family=family, rule=rule, agency=rule.agency, reason=f"{label} tanpa jaminan kesehatan"
    )
    program = Program.objects.create(
        region=city_region,
        agency=rule.agency,
        code=f"uji-{city.replace('.', '')}",
        name=f"Program {label}",
        sector="kesehatan",
        year=2025,
        funding_level="apbd_kab",
        benefit_kind="layanan",
        criteria=[{"field": "desil", "op": "le", "value": 4}],
    )
    cycle = Cycle.objects.create(
        program=program,
        name=f"Siklus {label}",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
        origin="impor",
        summary={"baris": 2, "calon": 1},
    )
    Beneficiary.objects.create(
        cycle=cycle,
        row_number=1,
        written_nik=nik,
        written_name=f"{label} penerima",
        person=person,
        family=family,
        link_status="tertaut",
        facts={"nama": f"{label} penerima", "nik": nik},
    )
    unsure = Beneficiary.objects.create(
        cycle=cycle,
        row_number=2,
        written_name=f"{label} belum tertaut",
        link_status="calon",
        candidates=[{"person": person.pk, "probability": 0.7}],
    )
    flag = AnomalyFlag.objects.create(
        kind="aset_tidak_sesuai", family=family, detail=f"desil 1, tetapi {label} punya mobil"
    )
    program_run = ProgramRun.objects.create(
        program=program, step="periksa", cycle=cycle, status=RunStatus.COMPLETED
    )
    release = execute_build(
        create_release(
            actor=None,
            name=f"Rilis {city}",  # a release's name is no one's data
            period="2026",
            region=city_region,
            year=2025,
            enqueue=False,
        )
    )
    assert release.is_built, release.message
    if city == BANDUNG:  # published: its aggregates are public, its people never are
        Release.objects.filter(pk=release.pk).update(
            lifecycle="published", decree_number="1/2026", decree_date=dt.date(2026, 12, 1)
        )
    application = Application.objects.create(
        number=f"2026-{label[:6].upper()}",
        full_name=f"{label} Pemohon",
        nip="198001012006041001",
        office="Dinas Sosial",
        phone="081234567890",
        email="pemohon@example.go.id",
        username=f"pemohon-{label.lower()}",
        password_hash="!",
        role=Role.VILLAGE_OPERATOR,
        region_id=village,
        letter=ContentFile(b"%PDF-1.4\n", name="surat.pdf"),
    )
    service_request = ServiceRequest.objects.create(
        ticket=f"S-261201-{label[:4].upper()}",
        check_code_hash="-",
        kind="sanggah",
        village_id=village,
        subject_name=f"{label} Disanggah",
        subject_nik=nik,
        family=family,
        description=f"{label} punya mobil",
        reporter_name=f"{label} Pelapor",
        reporter_nik=nik,
        phone="081234567890",
        received_on=dt.date(2026, 12, 1),
        due_on=dt.date(2026, 12, 15),
        operator=operator,
    )
    RequestStep.objects.create(request=service_request, status="diterima", staff_note=label)
    request_photo = RequestPhoto(request=service_request)
    request_photo.image.save("sanggah.jpg", _jpeg(), save=True)
    return {
        ServiceRequest: service_request,
        RequestPhoto: request_photo,
        Application: application,
        User: operator,
        Family: family,
        Person: person,
        FamilyPhoto: photo,
        ImportBatch: batch,
        SourceRecord: left,
        MatchPair: pair,
        RecordLink: links[0],
        WelfareModel: model,
        FamilyWelfare: welfare,
        FamilyNeed: need,
        ClassificationRun: classification,
        Round: verification_round,
        Assignment: assignment,
        VillageMeeting: meeting,
        Visit: visit,
        VisitPhoto: visit_photo,
        Referral: referral,
        Program: program,
        Cycle: cycle,
        Beneficiary: unsure,
        ProgramRun: program_run,
        AnomalyFlag: flag,
        Release: release,
        LinkageRun: run,  # a run has no place: both cities share it
        # The sources are the installation's, not a city's (both sides have one to fill
        # the URLs with; neither's change is a leak, see _State).
        SourceDataset: find_dataset("DTKS" if city == SEMARANG else "P3KE"),
    }


@pytest.fixture
def world(make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = tmp_path
    dinkes, perkim = Agency.objects.get(code="dinkes"), Agency.objects.get(code="perkim")
    users = {
        Role.ADMIN: make_user("admin-semarang", Role.ADMIN, SEMARANG),
        Role.DATA_CUSTODIAN: make_user("walidata", Role.DATA_CUSTODIAN, SEMARANG),
        Role.DINSOS_OFFICER: make_user("dinsos", Role.DINSOS_OFFICER, SEMARANG),
        Role.VILLAGE_OPERATOR: make_user("operator", Role.VILLAGE_OPERATOR, SEMARANG_VILLAGE),
        Role.VERIFIER: make_user("verifikator", Role.VERIFIER, SEMARANG),
        Role.AGENCY_OFFICER: make_user("dinkes", Role.AGENCY_OFFICER, SEMARANG, agency=dinkes),
        Role.LEADER: make_user("pimpinan", Role.LEADER, SEMARANG),
        Role.PUBLIC: make_user("publik", Role.PUBLIC),
    }
    for user in users.values():
        user.is_staff = True  # every role tries the admin too
        user.save()
    users[Role.ADMIN].is_superuser = True
    users[Role.ADMIN].save()
    perkim_officer = make_user("perkim", Role.AGENCY_OFFICER, SEMARANG, agency=perkim)
    bandung_operator = make_user("operator-bandung", Role.VILLAGE_OPERATOR, BANDUNG_VILLAGE)
    run = LinkageRun.objects.create(
        match_threshold=0.95, review_threshold=0.5, status=RunStatus.COMPLETED
    )
    inside = _side(
        SEMARANG,
        SEMARANG_VILLAGE,
        label="Dalam",
        nik="3374011705800001",
        kk="3374010101100001",
        operator=users[Role.VILLAGE_OPERATOR],
        run=run,
    )
    outside = _side(
        BANDUNG,
        BANDUNG_VILLAGE,
        label=TOKEN,
        nik=BANDUNG_NIK,
        kk=BANDUNG_KK,
        operator=bandung_operator,
        run=run,
    )
    return {
        "users": users,
        "inside": inside,
        "outside": outside,
        "perkim": perkim_officer,
        "bandung_operator": bandung_operator,
        "run": run,
    }


# -- the URLs -------------------------------------------------------------------------------


def _patterns(resolver=None, prefix="", namespace=""):
    """(route, pattern, name) of every URL pattern, with its namespace."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ""
            yield from _patterns(
                entry,
                prefix + str(entry.pattern),
                inner or entry.namespace or namespace,
            )
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), entry, name


def _view_model(pattern: URLPattern):
    callback = pattern.callback
    # A Django view's class, or a REST framework viewset's.
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is not None:
        return getattr(view_class, "model", None)
    return getattr(callback, "model", None)


def _view_post_action(pattern: URLPattern) -> str | None:
    callback = pattern.callback
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if getattr(callback, "actions", None) is not None:  # a viewset's route: its own methods
        return view_class.write_action if "post" in callback.actions else None
    if view_class is not None:
        if "post" not in dir(view_class) and not hasattr(view_class, "form_valid"):
            return None
        return getattr(view_class, "post_action", None)
    return getattr(callback, "post_action", None)


_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _app_urls(side: dict) -> list[tuple[str, str, object]]:
    """(name, url, model) of every page of Padu's own apps, filled with ``side``'s records."""
    urls, unknown = [], []
    for route, pattern, name in _patterns():
        if route.startswith("admin/") or (name is None and route.startswith("admin")):
            continue
        if name in NOT_WALKED:
            continue
        model = _view_model(pattern)
        parameters = _PARAMETER.findall(route)
        if parameters and (model is None or model not in side):
            unknown.append(f"{route} ({name}): its view names no model this test knows")
            continue
        record = side.get(model)
        # A parameter is the record's field of that name (a program's code), else its pk.
        url = "/" + _PARAMETER.sub(
            lambda found, record=record: str(getattr(record, found["name"], record.pk)),
            route,
        )
        urls.append((name, url, pattern))
    assert not unknown, "URLs this test cannot fill:\n" + "\n".join(unknown)
    return urls


def _admin_urls(side: dict) -> list[tuple[str, str, object]]:
    """Every registered admin page, for ``side``'s record of its model where it has one."""
    urls = [("admin:index", reverse("admin:index"), None)]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        for view in ("changelist", "add"):
            urls.append(
                (f"admin:{info}:{view}", reverse(f"admin:{info[0]}_{info[1]}_{view}"), model)
            )
        record = side.get(model)
        if record is None:
            continue
        for view in ("change", "history", "delete"):
            url = reverse(f"admin:{info[0]}_{info[1]}_{view}", args=[record.pk])
            urls.append((f"admin:{info}:{view}", url, model))
    return urls


# -- what counts as a leak ------------------------------------------------------------------


def _text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content or b""
    texts = [body.decode("utf-8", "replace")]
    if body[:2] == b"PK":  # an Excel file: look inside
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    return "\n".join(texts)


def _leaks_in(text: str) -> list[str]:
    return [s for s in (TOKEN, BANDUNG_NIK, BANDUNG_KK) if s.lower() in text.lower()]


#: Where each kind of record that a request could create is placed.
_PLACED = {
    Family: "village__code",
    Visit: "village__code",
    VillageMeeting: "village__code",
    Round: "region__code",
    ImportBatch: "region__code",
    Referral: "family__village__code",
    Release: "region__code",
    Program: "region__code",
    Cycle: "program__region__code",
    ServiceRequest: "village__code",
}


#: What the whole installation shares, no city's own: another city's custodian changing it
#: is no leak (who may change it at all is the in-scope check's business).
SHARED = {SourceDataset, LinkageRun}


class _State:
    """Every field of every record of one side, and how many rows of each kind lie in its
    city: the queries compiled once, and run after each request (the state after one
    request is the state before the next)."""

    def __init__(self, records: dict, city: str, *, shared: bool):
        queries = [
            model.objects.filter(pk=record.pk).values()
            for model, record in records.items()
            if shared or model not in SHARED
        ]
        queries += [
            model.objects.filter(**{f"{path}__within": city}).values("pk")
            for model, path in _PLACED.items()
        ]
        self.statements = [query.order_by().query.sql_with_params() for query in queries]

    def __call__(self) -> list:
        with connection.cursor() as cursor:
            rows = []
            for sql, params in self.statements:
                cursor.execute(sql, params)
                rows.append(sorted(cursor.fetchall(), key=repr))
            return rows


POST_BAGS = [
    {
        "status": "diterima",
        "notes": "dicoba",
        "rejection_reason": "dicoba",
        "version": "1",
        "verdict": "same",
        "note": "dicoba",
        "action": "approve",
        "reason": "dicoba",
        "mode": "auto",
        "refit": "on",
        "year": "2025",
    },
    {"action": "approve-agreed", "verdict": "different"},
]


def _to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


def _request(client, method: str, url: str, data: dict):
    if method == "GET":
        return client.get(url)
    return client.post(url, data)


@pytest.mark.slow
def test_no_url_leaks_to_any_role_outside_its_scope(client, world, capsys):
    inside, outside = world["inside"], world["outside"]
    outside_state = _State(outside, BANDUNG, shared=False)
    inside_state = _State(inside, SEMARANG, shared=True)
    outside_urls = _app_urls(outside) + _admin_urls(outside)
    inside_urls = _app_urls(inside)
    bandung_post = {"village": BANDUNG_VILLAGE, "operator": world["bandung_operator"].pk}
    semarang_post = {"village": SEMARANG_VILLAGE, "operator": world["users"]["village_operator"].pk}
    leaks, cases = [], 0
    for role in ROLES:
        user = world["users"].get(role)
        client.logout()
        if user is not None:
            client.force_login(user)
        outside_before = outside_state()
        for name, url, _pattern in outside_urls:
            # The admin's forms ignore the bag: one POST each is enough there.
            post_bags = POST_BAGS[:1] if name.startswith("admin:") else POST_BAGS
            for method, bags in (("GET", [{}]), ("POST", post_bags)):
                for bag in bags:
                    cases += 1
                    # A GET that writes is caught by the change log alone.
                    last_log = ChangeLog.objects.order_by("pk").values_list("pk", flat=True).last()
                    response = _request(client, method, url, {**bag, **bandung_post})
                    if user is not None and _to_login(response):
                        leaks.append(f"{role} {method} {url}: the walk lost its session")
                    found = _leaks_in(_text_of(response))
                    if found:
                        leaks.append(f"{role} {method} {url} ({name}): shows {found}")
                    if method == "POST" and (now := outside_state()) != outside_before:
                        outside_before = now
                        leaks.append(f"{role} {method} {url} ({name}): changed Bandung's records")
                    if (
                        role == "anonymous"
                        and name not in PUBLIC_URLS
                        # 401: the API's "sign in first" (with the token scheme it takes)
                        and response.status_code not in (302, 401, 403, 405)
                    ):
                        leaks.append(f"anonymous {method} {url}: {response.status_code}")
                    for row in ChangeLog.objects.filter(pk__gt=last_log or 0):
                        if _leaks_in(f"{row.object_repr} {row.before} {row.after}"):
                            leaks.append(f"{role} {method} {url}: logged a change to Bandung")
        # In scope: a write the policy does not grant this role changes nothing.
        inside_before = inside_state()
        for name, url, pattern in inside_urls:
            action = _view_post_action(pattern)
            model = _view_model(pattern)
            if action is None or model is None:
                continue
            granted = user is not None and policy.granted_scope(user, model, action) is not None
            if granted:
                continue
            for bag in POST_BAGS:
                cases += 1
                response = client.post(url, {**bag, **semarang_post})
                if (now := inside_state()) != inside_before:
                    inside_before = now
                    leaks.append(
                        f"{role} POST {url} ({name}): changed a record it may not "
                        f"({action} on {model._meta.label}); got {response.status_code}"
                    )
    with capsys.disabled():
        print(
            f"\nURL matrix: {len(outside_urls)} URLs (of them {len(_admin_urls(outside))} admin) "
            f"× {len(ROLES)} roles (with anonymous), GET and POST, plus in-scope writes: "
            f"{cases} cases, {len(leaks)} leaks"
        )
    assert not leaks, "\n".join(leaks)
