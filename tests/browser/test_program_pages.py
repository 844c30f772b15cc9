"""Programs in a real browser: Dinkes imports its beneficiary list and sees the rows Padu
could not link and the failed checks, links one by hand; Perkim cannot open Dinkes'
program by its URL; Bappeda records "tidak tepat sasaran" with a note and Dinkes sees it.
Set PADU_SCREENSHOTS to a folder to keep a screenshot of each page."""

import re

import polars as pl
import pytest
from playwright.sync_api import expect

from padu.accounts.choices import Role
from padu.organisations.models import Agency
from padu.programs.models import Cycle, ProgramRun
from padu.programs.services import execute_program_run
from padu.synth.programs import write_program_lists

from .test_office_journeys import shot
from .test_registry_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agency_imports_its_list_and_bappeda_judges_it(
    page, live_server, make_user, city, tmp_path
):
    (planted,) = [
        p
        for p in write_program_lists(tmp_path / "lists", region="33.74", year=2025, rows=200)
        if p.program == "pbi-apbd-2025"
    ]
    # The agency's list, saved as CSV, with one person Padu does not know at the end.
    listed = pl.read_excel(
        planted.path, engine="calamine", read_options={"header_row": 2}, infer_schema_length=0
    )
    stranger = pl.DataFrame({"NO": ["999"], "NIK": [""], "NAMA": ["ORANG TIDAK DIKENAL"]})
    upload = tmp_path / "daftar-pbi.csv"
    pl.concat([listed, stranger], how="diagonal").write_csv(upload, separator=";")
    dinkes = Agency.objects.get(code="dinkes")
    make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=dinkes)
    make_user("perkim", Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="perkim"))
    make_user("bappeda", Role.VERIFIER, "33.74")

    log_in(page, live_server, "dinkes")
    page.get_by_role("link", name="Program", exact=True).click()
    page.get_by_role("link", name=re.compile("PBI APBD")).click()
    expect(page.locator("#program-facts")).to_contain_text("Desil paling banyak 5")
    form = page.locator("#import-list")
    form.get_by_label("Nama siklus").fill("Januari 2025")
    form.get_by_label("Daftar penerima").set_input_files(str(upload))
    form.get_by_role("button", name="Impor dan periksa").click()
    expect(page.locator("#run-status")).to_contain_text("Impor daftar penerima")
    shot(page, "program-import-queued")

    # The worker's part, here in the test's process.
    execute_program_run(ProgramRun.objects.get(cycle_name="Januari 2025"))
    page.reload()
    expect(page.locator("#run-status")).to_contain_text("gagal pemeriksaan")
    page.get_by_role("link", name="Buka siklus").click()
    figures = page.locator("#cycle-figures")
    expect(figures).to_contain_text("tidak tepat sasaran")
    shot(page, "program-cycle")

    expect(figures.get_by_role("link", name=re.compile("belum tertaut"))).to_contain_text("1")
    figures.get_by_role("link", name=re.compile("belum tertaut")).click()
    expect(page.locator("#beneficiaries")).to_contain_text("Tidak ditemukan di data terpadu")
    expect(page.locator("#beneficiaries")).to_contain_text("Orang Tidak Dikenal")
    shot(page, "program-cycle-unlinked")
    figures.get_by_role("link", name=re.compile("tidak tepat sasaran")).click()
    rows = page.locator("#beneficiaries")
    expect(rows).to_contain_text("tidak memenuhi: desil paling banyak 5")
    figures.get_by_role("link", name=re.compile("ganda dalam program")).click()
    expect(rows).to_contain_text("sudah ada di baris")
    shot(page, "program-cycle-duplicates")

    cycle = Cycle.objects.get(name="Januari 2025")
    perkim_url = f"{live_server.url}/program/siklus/{cycle.pk}/"
    program_url = f"{live_server.url}/program/{cycle.program.code}/"

    page.context.clear_cookies()
    log_in(page, live_server, "perkim")
    for url in (program_url, perkim_url):
        response = page.goto(url)
        assert response.status == 404, url

    page.context.clear_cookies()
    log_in(page, live_server, "bappeda")
    page.goto(perkim_url)
    verdict = page.locator("#verdict-form")
    verdict.locator("input[name=on_target][value=tidak]").check()
    verdict.locator("input[name=right_place][value=ya]").check()
    verdict.get_by_label("Catatan untuk OPD").fill("Ada penerima desil 6 ke atas; perbaiki daftar.")
    verdict.get_by_role("button", name="Simpan penilaian").click()
    expect(page.locator("#verdict")).to_contain_text("Tidak tepat sasaran")
    shot(page, "program-verdict-bappeda")

    page.context.clear_cookies()
    log_in(page, live_server, "dinkes")
    page.goto(program_url)
    expect(page.locator("#cycles")).to_contain_text("tidak tepat sasaran")
    page.goto(perkim_url)
    expect(page.locator("#verdict")).to_contain_text("perbaiki daftar")
    shot(page, "program-verdict-agency")
