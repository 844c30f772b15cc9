import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from padu.accounts.choices import Role

from .test_registry_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPORT = "\n".join(
    [
        "DATA TERPADU KESEJAHTERAAN SOSIAL",  # a title row above the header
        "ID;NIK;NO KK;NAMA;JENIS KELAMIN;TGL LAHIR;KODE DESA;RT;RW",
        "A1;3374011705800001;3374010101100001;Budi Santoso;L;17/08/1980;3374011001;1;2",
        "A2;3.37402E+15;3374010101100001;Siti Aminah;P;17-08-1982;3374011001;1;2",
        "A3;3374010501100003;3374010101100001;;P;2010-01-05;3374011001;1;2",
    ]
)


def test_data_custodian_uploads_previews_commits_and_reads_the_report(
    page, live_server, make_user, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    export = tmp_path / "dtks-semarang.csv"
    export.write_text(EXPORT, encoding="cp1252")
    make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    log_in(page, live_server, "walidata")

    page.get_by_role("link", name="Impor").click()
    page.get_by_role("link", name="Unggah file").click()
    page.get_by_label("Sumber data").select_option(label="DTKS")
    page.get_by_label("File (CSV atau XLSX)").set_input_files(export)
    page.get_by_role("button", name="Unggah dan pratinjau").click()

    expect(page.get_by_role("heading", name=re.compile("Pratinjau"))).to_be_visible()
    mapping = page.locator("#mapping")
    expect(mapping.get_by_role("row", name=re.compile("NAMA"))).to_contain_text("full_name")
    problems = page.locator("#preview-issues")
    expect(problems).to_contain_text("rusak oleh Excel")
    expect(problems).to_contain_text("Nama kosong")

    page.get_by_role("button", name="Impor sekarang").click()
    expect(page.locator("#batch-status")).to_contain_text("menunggu")
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)

    # The page polls its progress and turns into the report by itself.
    expect(page.locator("#report")).to_be_visible(timeout=20_000)
    expect(page.locator("#rows-accepted")).to_have_text("2")
    expect(page.locator("#rows-rejected")).to_have_text("1")
    expect(page.locator("#issues")).to_contain_text("Nama kosong")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rejected = download.value.path().read_text(encoding="utf-8-sig")
    assert "PESAN PADU" in rejected and "A3" in rejected
