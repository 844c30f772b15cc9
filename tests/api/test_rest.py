"""The REST API: the web's door for machines, with tokens, scopes and the access log."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from padu.accounts.choices import AccessKind, Role
from padu.accounts.models import AccessLog, ApiToken
from padu.accounts.services import issue_api_token, revoke_api_token
from padu.organisations.models import Agency
from padu.programs.models import Referral
from padu.sources.models import ImportBatch
from padu.sources.services import run_batch
from padu.welfare.models import NeedRule

pytestmark = pytest.mark.django_db

NIK_A = "3374011705800001"


def _token(user, scopes=("read",)) -> str:
    return issue_api_token(user, name="uji", scopes=list(scopes), days=30, actor=user)[1]


def _get(client, url, key, **params):
    return client.get(url, params, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_token_from_the_command_line_reads_the_families_in_scope(client, make_user, families):
    make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    out = io.StringIO()
    call_command("api", "token", "--user", "dinsos", "--name", "skrip", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert key.startswith("padu_")
    response = _get(client, "/api/v1/families/", key)
    assert response.status_code == 200
    kks = {row["kk_number"] for row in response.json()["results"]}
    assert kks == {families["a"].kk_number, families["b"].kk_number}  # not Bandung's
    entry = AccessLog.objects.get(kind=AccessKind.LIST, object_type="family")
    assert "API" in entry.detail and str(families["a"].pk) in entry.detail
    token = ApiToken.objects.get()
    assert token.last_used_at is not None and token.key_hash != key
    found = _get(client, "/api/v1/families/", key, nik=NIK_A).json()["results"]
    assert [row["id"] for row in found] == [families["a"].pk]
    bandung = _get(client, f"/api/v1/families/{families['bandung'].pk}/", key)
    assert bandung.status_code == 404
    assert bandung["Content-Type"] == "application/problem+json"
    assert _get(client, "/api/v1/families/abc/", key).status_code == 404


def test_numbers_are_masked_for_a_role_that_sees_them_masked(client, make_user, families):
    key = _token(make_user("verifikator", Role.VERIFIER, "33.74"))
    members = _get(client, f"/api/v1/families/{families['a'].pk}/", key).json()["members"]
    head = next(m for m in members if m["relationship"] == "kepala")
    assert head["nik"] == "3374••••••••0001"


def test_expired_revoked_and_unknown_tokens_are_refused(client, make_user, families):
    user = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    key = _token(user)
    token = ApiToken.objects.get()
    assert _get(client, "/api/v1/persons/", key).status_code == 200
    revoke_api_token(token, actor=user)
    refused = _get(client, "/api/v1/persons/", key)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "Token tidak dikenal, kedaluwarsa atau dicabut."
    other = _token(user)
    ApiToken.objects.filter(revoked_at__isnull=True).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert _get(client, "/api/v1/persons/", other).status_code == 401
    assert _get(client, "/api/v1/persons/", "padu_bukan-token").status_code == 401
    assert client.get("/api/v1/persons/").status_code in (401, 403)


@pytest.fixture
def referral(families):
    rule = NeedRule.objects.get(code="jaminan-kesehatan")
    return Referral.objects.create(
        family=families["a"], rule=rule, agency=rule.agency, reason="tanpa jaminan kesehatan"
    )


def test_an_agency_system_reads_its_queue_and_moves_a_referral(client, make_user, referral):
    dinkes = make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=referral.agency)
    perkim = make_user(
        "perkim", Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="perkim")
    )
    reader, writer = _token(dinkes), _token(dinkes, ("read", "write"))
    queue = _get(client, "/api/v1/referrals/", reader).json()["results"]
    assert [row["id"] for row in queue] == [referral.pk]
    assert _get(client, "/api/v1/referrals/", _token(perkim)).json()["results"] == []
    url = f"/api/v1/referrals/{referral.pk}/status/"
    read_only = client.post(url, {"status": "diterima"}, HTTP_AUTHORIZATION=f"Bearer {reader}")
    assert read_only.status_code == 403 and "write" in read_only.json()["detail"]
    moved = client.post(
        url, {"status": "diterima", "notes": "dijadwalkan", "version": 1},
        HTTP_AUTHORIZATION=f"Bearer {writer}",
    )  # fmt: skip
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "diterima" and moved.json()["version"] == 2
    stale = client.post(
        url, {"status": "diproses", "version": 1}, HTTP_AUTHORIZATION=f"Bearer {writer}"
    )
    assert stale.status_code == 400
    problem = stale.json()
    assert problem["errors"][0]["field"] == "version" and problem["status"] == 400
    bad = client.post(url, {"status": "entah"}, HTTP_AUTHORIZATION=f"Bearer {writer}")
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    other = client.post(
        url,
        {"status": "diproses"},
        HTTP_AUTHORIZATION=f"Bearer {_token(perkim, ('read', 'write'))}",
    )
    assert other.status_code == 404
    referral.refresh_from_db()
    assert referral.status == "diterima"


def test_the_schema_is_complete_and_valid_and_its_pages_need_no_cdn(client, make_user, tmp_path):
    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema))
    text = schema.read_text()
    for path in ("/api/v1/families/", "/api/v1/persons/{id}/", "/api/v1/referrals/{id}/status/"):
        assert path in text
    assert "tokenPadu" in text
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    for page in ("/api/v1/docs/", "/api/v1/redoc/"):
        html = client.get(page).content.decode()
        # Every script and style from Padu's own static files, none from another host (the
        # page's random CSRF token may spell "cdn": addresses are what is checked).
        assert "/static/drf_spectacular_sidecar/" in html
        assert not re.search(r"""(src|href)=["']?(https?:)?//|unpkg|jsdelivr|cdnjs""", html)


def test_a_custodian_s_script_sends_a_file_and_follows_its_import(
    client, make_user, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path / "media"
    key = _token(make_user("walidata", Role.DATA_CUSTODIAN, "33.74"), ("read", "write"))
    csv = (
        "NIK;NAMA;JENIS KELAMIN;TANGGAL LAHIR;KODE DESA\n"
        "3374011705800001;Budi Santoso;L;17/05/1980;33.74.01.1001\n"
        "12345;Tanpa NIK Sah;L;1/1/1990;99.99.99.9999\n"
    )
    upload = io.BytesIO(csv.encode())
    upload.name = "dtks.csv"
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/api/v1/batches/", {"dataset": "DTKS", "file": upload},
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )  # fmt: skip
    assert sent.status_code == 201, sent.content
    assert sent.json()["status"] == "queued"
    batch_id = sent.json()["id"]
    run_batch(ImportBatch.objects.get(pk=batch_id))  # what the background worker does
    followed = _get(client, f"/api/v1/batches/{batch_id}/", key).json()
    assert followed["status"] == "completed", followed["message"]
    assert (followed["rows_accepted"], followed["rows_rejected"]) == (1, 1)
    assert followed["issues"] and followed["issues"][0]["rows"] == 1
    rejected = _get(client, f"/api/v1/batches/{batch_id}/rejected/", key)
    assert rejected.status_code == 200 and "Tanpa NIK Sah" in rejected.content.decode("utf-8-sig")
    unknown = client.post(
        "/api/v1/batches/", {"dataset": "Entah", "file": io.BytesIO(b"x")},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "dataset"


def test_an_agency_follows_the_changes_of_its_referrals_only(client, make_user, referral, families):
    dinkes = make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=referral.agency)
    key = _token(dinkes, ("read", "write"))
    start = _get(client, "/api/v1/changes/", key).json()
    client.post(
        f"/api/v1/referrals/{referral.pk}/status/", {"status": "diterima"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip
    from padu.core.services import save_with_history

    other = families["bandung"]
    other.address = "Jl. Lain 2"
    save_with_history(other, actor=None)  # a change the agency may not know about
    feed = _get(client, "/api/v1/changes/", key, since=start["next"]).json()
    assert [(c["object"], c["object_id"]) for c in feed["changes"]] == [("referral", referral.pk)]
    assert "status" in feed["changes"][0]["fields"] and feed["more"] is False
    assert _get(client, "/api/v1/changes/", key, since=feed["next"]).json()["changes"] == []
    assert _get(client, "/api/v1/changes/", key, since="x").status_code == 400


def test_exchange_files_in_the_national_layouts(client, make_user, families):
    import polars as pl

    from padu.sources.canonical import header_key
    from padu.sources.layouts import recognise

    key = _token(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    workbook = _get(client, "/api/v1/exchange/siks-ng/", key, wilayah="33.74")
    assert workbook.status_code == 200
    ruta = pl.read_excel(io.BytesIO(workbook.content), sheet_name="RUTA")
    art = pl.read_excel(
        io.BytesIO(workbook.content), sheet_name="ART", schema_overrides={"NIK": pl.String}
    )
    assert ruta.height == 2 and art.height == 4  # two Semarang families of two members
    assert recognise([header_key(h) for h in ruta.columns]).name == "siks-ng-bdt-ruta"
    assert recognise([header_key(h) for h in art.columns]).name == "siks-ng-bdt-art"
    head = art.filter(pl.col("NIK").cast(pl.String) == NIK_A).row(0, named=True)
    assert (str(head["JnsKel"]), str(head["Hubkel"])) == ("1", "1")  # PBDT 2015: laki-laki, kepala
    assert ruta.filter(pl.col("IDBDT") == families["a"].pk)["Nama_KRT"][0] == "Budi Santoso"
    listed = _get(client, "/api/v1/exchange/dtsen-desil/", key)
    desil = pl.read_csv(
        io.BytesIO(listed.content), schema_overrides={"NO_KK": pl.String, "NIK_KEPALA": pl.String}
    )
    assert set(desil["NO_KK"]) == {families["a"].kk_number, families["b"].kk_number}
    assert set(desil["JUMLAH_ART"]) == {2}
    masked = _get(
        client,
        "/api/v1/exchange/dtsen-desil/",
        _token(make_user("bappeda", Role.VERIFIER, "33.74")),
    )
    assert NIK_A not in masked.content.decode("utf-8-sig")
    assert _get(client, "/api/v1/exchange/entah/", key).status_code == 404
    assert AccessLog.objects.filter(
        kind=AccessKind.EXPORT, detail__startswith="API siks-ng"
    ).exists()


def test_an_agency_token_reads_its_own_programs_only(client, make_user, families):
    from padu.programs.models import Program
    from padu.regions.models import Region

    dinkes_agency, perkim_agency = (
        Agency.objects.get(code="dinkes"),
        Agency.objects.get(code="perkim"),
    )
    program = Program.objects.create(
        region=Region.objects.get(code="33.74"), agency=dinkes_agency, code="pbi-daerah",
        name="PBI daerah", sector="kesehatan", year=2026, funding_level="apbd_kab",
        benefit_kind="layanan",
    )  # fmt: skip
    dinkes = _token(make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=dinkes_agency))
    perkim = _token(make_user("perkim", Role.AGENCY_OFFICER, "33.74", agency=perkim_agency))
    assert [p["code"] for p in _get(client, "/api/v1/programs/", dinkes).json()["results"]] == [
        "pbi-daerah"
    ]
    assert _get(client, "/api/v1/programs/", perkim).json()["results"] == []
    assert _get(client, f"/api/v1/programs/{program.pk}/", perkim).status_code == 404


def test_the_custodian_s_script_works_the_review_queue(client, make_user, families):
    from padu.core.choices import RunStatus
    from padu.matching.models import LinkageRun, MatchDecision, MatchPair
    from padu.sources.choices import BatchStatus
    from padu.sources.models import SourceRecord
    from padu.sources.services import find_dataset

    dataset = find_dataset("DTKS")
    batch = ImportBatch.objects.create(
        dataset=dataset, file_name="dtks.csv", file_sha256="a" * 64, status=BatchStatus.COMPLETED,
        region_id="33.74",
    )  # fmt: skip
    left, right = (
        SourceRecord.objects.create(
            dataset=dataset,
            batch=batch,
            record_id=f"r{row}",
            row_number=row,
            nik=NIK_A,
            full_name=name,
            village_id="33.74.01.1001",
        )
        for row, name in ((2, "Budi Santoso"), (3, "Budi Santosa"))
    )
    run = LinkageRun.objects.create(
        match_threshold=0.95, review_threshold=0.5, status=RunStatus.COMPLETED
    )
    pair = MatchPair.objects.create(
        run=run, left=left, right=right, match_weight=3.0, match_probability=0.8, contributions=[]
    )
    key = _token(make_user("walidata", Role.DATA_CUSTODIAN, "33.74"), ("read", "write"))
    queue = _get(client, "/api/v1/review-pairs/", key, status="pending").json()["results"]
    assert [(p["id"], p["left"]["full_name"], p["right"]["nik"]) for p in queue] == [
        (pair.pk, "Budi Santoso", NIK_A)
    ]
    assert _get(client, "/api/v1/matching-runs/", key).json()["results"][0]["id"] == run.pk
    decided = client.post(
        f"/api/v1/review-pairs/{pair.pk}/decision/", {"same": False, "note": "beda ibu"},
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )  # fmt: skip
    assert decided.status_code == 200 and decided.json()["status"] == "different"
    assert MatchDecision.objects.get().same is False
    dinsos = _token(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    assert _get(client, "/api/v1/review-pairs/", dinsos).status_code == 403


def _jamkesda(agency):
    from padu.programs.models import Program

    return Program.objects.create(
        region_id="33.74", agency=agency, code="jamkesda", name="Jamkesda", sector="kesehatan",
        year=2026, funding_level="apbd_kab", benefit_kind="layanan", status="aktif",
    )  # fmt: skip


def test_an_agency_system_pushes_who_received_its_program(
    client, make_user, classified_city, settings, tmp_path
):
    """Dinkes' own system sends the list of a period as a new cycle, follows the import, and
    has the cycle checked and approved, as its officers do on the program page; Perkim's
    token can do none of it to Dinkes' program."""
    from padu.programs.models import Beneficiary, ProgramRun
    from padu.programs.services import execute_program_run
    from padu.registry.models import Person

    settings.MEDIA_ROOT = tmp_path / "media"
    dinkes_agency = Agency.objects.get(code="dinkes")
    program = _jamkesda(dinkes_agency)
    dinkes = _token(make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=dinkes_agency),
                    ("read", "write"))  # fmt: skip
    perkim = _token(make_user("perkim", Role.AGENCY_OFFICER, "33.74",
                              agency=Agency.objects.get(code="perkim")), ("read", "write"))  # fmt: skip
    persons = list(Person.objects.filter(lifecycle="aktif").exclude(nik="").order_by("pk")[:5])
    listed = "NIK;NAMA\n" + "".join(f"{p.nik};{p.full_name.upper()}\n" for p in persons)

    def send(key, name="daftar.csv"):
        upload = io.BytesIO(listed.encode())
        upload.name = name
        return client.post(f"/api/v1/programs/{program.pk}/cycles/",
                           {"cycle_name": "Tahap 1 2026", "file": upload},
                           HTTP_AUTHORIZATION=f"Bearer {key}")  # fmt: skip

    assert send(perkim).status_code == 404  # not Perkim's program
    wrong = send(dinkes, name="daftar.pdf")
    assert wrong.status_code == 400 and wrong.json()["errors"][0]["field"] == "file"
    sent = send(dinkes)
    assert sent.status_code == 202, sent.content
    run = ProgramRun.objects.get(pk=sent.json()["id"])
    assert sent["Location"] == f"/api/v1/program-runs/{run.pk}/"
    assert sent.json()["status"] == "queued" and sent.json()["step"] == "impor"
    execute_program_run(run)  # what the background worker does
    followed = _get(client, sent["Location"], dinkes).json()
    assert followed["status"] == "completed", followed["message"]
    cycle_id = followed["cycle"]
    assert _get(client, sent["Location"], perkim).status_code == 404
    for step in ("check", "approve"):
        queued = client.post(f"/api/v1/cycles/{cycle_id}/{step}/",
                             HTTP_AUTHORIZATION=f"Bearer {dinkes}")  # fmt: skip
        assert queued.status_code == 202, queued.content
        execute_program_run(ProgramRun.objects.get(pk=queued.json()["id"]))
        done = _get(client, queued["Location"], dinkes).json()
        assert done["status"] == "completed", done["message"]
    cycle = _get(client, f"/api/v1/cycles/{cycle_id}/", dinkes).json()
    assert cycle["status"] == "disetujui" and cycle["approved_at"]
    linked = set(Beneficiary.objects.filter(cycle_id=cycle_id).values_list("person", flat=True))
    assert linked == {p.pk for p in persons}
    refused = client.post(
        f"/api/v1/cycles/{cycle_id}/check/", HTTP_AUTHORIZATION=f"Bearer {perkim}"
    )
    assert refused.status_code == 404


def test_an_agency_system_records_a_finished_referral_as_an_intervention(
    client, make_user, families, referral
):
    from padu.programs.models import Beneficiary

    program = _jamkesda(referral.agency)
    dinkes = _token(make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=referral.agency),
                    ("read", "write"))  # fmt: skip
    url = f"/api/v1/referrals/{referral.pk}/status/"
    unknown = client.post(url, {"status": "selesai", "program": "entah"},
                          HTTP_AUTHORIZATION=f"Bearer {dinkes}")  # fmt: skip
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "program"
    done = client.post(url, {"status": "selesai", "program": "jamkesda"},
                       HTTP_AUTHORIZATION=f"Bearer {dinkes}")  # fmt: skip
    assert done.status_code == 200, done.content
    recorded = Beneficiary.objects.get(period=f"rujukan #{referral.pk}")
    assert recorded.family == families["a"] and recorded.cycle.program == program
