"""The program pages: an agency creates a program and imports a list in the background,
sees the rows Padu could not link and the failed checks; another agency cannot open it;
Bappeda records its verdict and the agency sees it."""

import io

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from padu.accounts.choices import Role
from padu.organisations.models import Agency
from padu.programs.choices import RunStep
from padu.programs.figures import program_figures
from padu.programs.models import CombinationRule, Program, ProgramRun
from padu.programs.services import (
    cycle_from_source_flags,
    ensure_national_programs,
    execute_program_run,
)
from padu.programs.simulation import Design, simulate
from padu.programs.synergy import gaps, need_matrix
from padu.registry.models import Person

pytestmark = pytest.mark.django_db


def _csv(persons) -> bytes:
    rows = [
        {
            "NO": i,
            "NIK": p.nik,
            "NAMA": p.full_name.upper(),
            "TANGGAL LAHIR": p.birth_date.strftime("%d/%m/%Y") if p.birth_date else "",
        }
        for i, p in enumerate(persons, start=1)
    ]
    rows.append({"NO": len(rows) + 1, "NIK": "", "NAMA": "ORANG ASING", "TANGGAL LAHIR": ""})
    rows.append(
        {"NO": len(rows) + 1, "NIK": "", "NAMA": "TANGGAL SALAH", "TANGGAL LAHIR": "31/13/1985"}
    )
    return pl.DataFrame(rows).write_csv(separator=";").encode("cp1252")


@pytest.fixture
def officers(make_user):
    dinkes = Agency.objects.get(code="dinkes")
    return {
        "dinkes": make_user("dinkes-w", Role.AGENCY_OFFICER, "33.74", agency=dinkes),
        "perkim": make_user(
            "perkim-w", Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="perkim")
        ),
        "bappeda": make_user("bappeda-w", Role.VERIFIER, "33.74"),
    }


def test_an_agency_creates_a_program_imports_a_list_and_bappeda_judges_it(
    classified_city, client, officers, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(officers["dinkes"])
    response = client.post(
        reverse("programs:program-create"),
        {
            "code": "lansia-sehat", "name": "Lansia sehat", "sector": "kesehatan",
            "year": 2025, "funding_level": "apbd_kab", "unit": "orang",
            "benefit_kind": "layanan", "benefit_amount": 50000, "max_desil": 4,
            "min_age": 60, "areas": ["33.74.01", "33.74.02"],
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    program = Program.objects.get(code="lansia-sehat")
    assert program.region_id == "33.74" and program.agency.code == "dinkes"
    assert program.criteria == [
        {"field": "desil", "op": "le", "value": 4},
        {"field": "age", "op": "ge", "value": 60},
    ]
    page = client.get(reverse("programs:program-detail", args=["lansia-sehat"])).content.decode()
    assert "Desil paling banyak 4" in page and "Umur penerima paling sedikit 60" in page
    client.post(reverse("programs:program-status", args=["lansia-sehat"]), {"status": "aktif"})
    assert Program.objects.get(code="lansia-sehat").status == "aktif"

    # Not for those already in the national PBI JK within a year (another agency's program).
    national = ensure_national_programs(year=2025, actor=None)
    pbi_jk = next(p for p in national if p.code == "pbi-jk-2025")
    response = client.post(
        reverse("programs:program-exclusion", args=["lansia-sehat"]),
        {"other": f"program:{pbi_jk.pk}", "within_years": 1, "note": "iuran dibayar sekali"},
    )
    assert response.status_code == 302
    assert CombinationRule.objects.filter(
        program=program, other_program=pbi_jk, allowed=False, within_years=1
    ).exists()

    # Edited, the questions come back answered, and a condition they cannot ask is kept.
    own = {"field": "members_uninsured", "op": "gt", "value": 0}
    Program.objects.filter(code="lansia-sehat").update(criteria=[*program.criteria, own])
    edit = reverse("programs:program-update", args=["lansia-sehat"])
    form = client.get(edit).content.decode()
    assert 'name="max_desil" value="4"' in form
    assert "Anggota tanpa jaminan kesehatan lebih dari 0" in form
    response = client.post(
        edit,
        {
            "code": "diganti", "name": "Lansia sehat", "sector": "kesehatan", "year": 2025,
            "funding_level": "apbd_kab", "unit": "orang", "benefit_kind": "layanan",
            "benefit_amount": 50000, "max_desil": 3, "min_age": 60,
            "areas": ["33.74.01", "33.74.02"],
        },
    )  # fmt: skip
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.code == "lansia-sehat"  # the code stays
    assert program.criteria == [
        {"field": "desil", "op": "le", "value": 3},
        {"field": "age", "op": "ge", "value": 60},
        own,
    ]

    persons = list(Person.objects.filter(lifecycle="aktif").exclude(nik="").order_by("pk")[:8])
    upload = SimpleUploadedFile("daftar lansia.csv", _csv(persons), content_type="text/csv")
    response = client.post(
        reverse("programs:program-import", args=["lansia-sehat"]),
        {"cycle_name": "Tahap 1", "file": upload},
    )
    assert response.status_code == 302
    run = ProgramRun.objects.get(program=program)
    assert run.step == RunStep.IMPORT and run.file_name == "daftar lansia.csv"
    run = execute_program_run(run)
    assert run.status == "completed", run.message
    cycle = run.cycle
    assert cycle.summary["baris"] + cycle.batch.rows_rejected == 10

    page = client.get(reverse("programs:cycle-detail", args=[cycle.pk])).content.decode()
    assert 'id="issues"' in page and "31/13/1985" in page  # the file's own row and value

    url = reverse("programs:cycle-detail", args=[cycle.pk])
    unlinked = client.get(url, {"masalah": "belum_tertaut"}).content.decode()
    assert "orang asing" in unlinked.lower() and "Tidak ditemukan di data terpadu" in unlinked
    found = client.get(url, {"q": persons[0].nik[:14]}).content.decode()
    assert persons[0].nik in found and persons[1].nik not in found
    failed = client.get(url, {"masalah": "tepat_sasaran"}).content.decode()
    if cycle.summary["tepat_sasaran"]:
        assert "tidak memenuhi: " in failed

    # How well the program reached those it is for, and whom it missed.
    total, areas = program_figures(program)
    assert total.beneficiaries == cycle.summary["tertaut"]
    assert total.ineligible == cycle.summary["tepat_sasaran"]
    assert 0 <= total.reached <= total.eligible and areas
    page = client.get(reverse("programs:program-detail", args=["lansia-sehat"])).content.decode()
    assert 'id="program-figures"' in page
    missed = client.get(reverse("programs:program-not-reached", args=["lansia-sehat"]))
    sheet = pl.read_excel(io.BytesIO(missed.content))
    assert sheet.height == total.eligible - total.reached
    assert {"NIK", "NAMA", "DESIL", "DESA/KELURAHAN"} <= set(sheet.columns)
    assert missed["Cache-Control"] == "private, no-store"

    # Another agency cannot open the program, its cycle, or its report.
    client.force_login(officers["perkim"])
    assert client.get(reverse("programs:program-detail", args=["lansia-sehat"])).status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "xlsx"}).status_code == 404
    missed = reverse("programs:program-not-reached", args=["lansia-sehat"])
    assert client.get(missed).status_code == 404
    status = reverse("programs:program-status", args=["lansia-sehat"])
    assert client.post(status, {"status": "selesai"}).status_code == 404
    assert Program.objects.get(code="lansia-sehat").status == "aktif"

    client.force_login(officers["bappeda"])
    response = client.post(
        reverse("programs:cycle-verdict", args=[cycle.pk]),
        {"on_target": "tidak", "right_place": "ya", "note": "Tiga penerima desil 8; perbaiki."},
    )
    assert response.status_code == 302
    client.force_login(officers["dinkes"])
    page = client.get(url).content.decode()
    assert "Tidak tepat sasaran" in page and "Tiga penerima desil 8; perbaiki." in page
    assert "verdict-form" not in page  # the agency sees the verdict, it does not give one


def test_the_synergy_page_shows_needs_reached_overlaps_and_the_extremely_poor_no_one_reached(
    classified_city, client, officers, make_user
):
    for program in ensure_national_programs(year=2025, actor=None):
        cycle_from_source_flags(program, actor=None)
    rows = {row.dimension: row for row in need_matrix("33.74")}
    assert rows["bansos"].in_need > 0
    assert any(name.startswith("Program Keluarga Harapan") for name, *_ in rows["bansos"].programs)
    assert 0 <= rows["bansos"].reached <= rows["bansos"].in_need
    gap_rows, total = gaps("33.74")
    assert total.extreme == sum(r.extreme for r in gap_rows) and total.unreached <= total.extreme

    client.force_login(officers["bappeda"])
    page = client.get(reverse("programs:synergy")).content.decode()
    assert 'id="synergy"' in page and "Program Keluarga Harapan" in page
    district = gap_rows[0].code
    assert client.get(reverse("programs:synergy"), {"kecamatan": district}).status_code == 200
    assert client.get(reverse("programs:synergy"), {"kecamatan": "32.73.01"}).status_code == 404
    sheet = pl.read_excel(io.BytesIO(client.get(reverse("programs:unreached-extreme")).content))
    assert sheet.height == total.unreached

    client.force_login(officers["dinkes"])  # aggregates yes, the families no
    assert client.get(reverse("programs:synergy")).status_code == 200
    assert client.get(reverse("programs:unreached-extreme")).status_code == 403


def test_two_designs_are_compared_before_a_budget_is_set(classified_city, client, officers):
    narrow = Design("A", [{"field": "desil", "op": "le", "value": 1}], [], "keluarga", 300_000)
    wide = Design("B", [{"field": "desil", "op": "le", "value": 4}], [], "keluarga", 300_000)
    a, b = simulate(narrow, within="33.74"), simulate(wide, within="33.74")
    assert 0 < a.eligible < b.eligible and a.cost == a.reached * 300_000
    assert a.poor_total == b.poor_total and a.exclusion_error >= b.exclusion_error
    capped = simulate(
        Design("C", wide.criteria, [], "keluarga", 300_000, budget=300_000 * 10), within="33.74"
    )
    assert capped.reached == 10 and capped.eligible == b.eligible

    client.force_login(officers["bappeda"])
    page = client.get(
        reverse("programs:simulation"),
        {"a-max_desil": 1, "a-unit": "keluarga", "a-amount": 300000,
         "b-max_desil": 4, "b-unit": "keluarga", "b-amount": 300000, "b-budget": 3000000},
    ).content.decode()  # fmt: skip
    assert 'id="simulation-results"' in page and "Salah keluar" in page
