"""Each office's daily work in a real browser, on a classified synthetic city: Dinkes and
Perkim act on their referrals, Dinsos works the family list, the data custodian goes from
the welfare figures to the families behind them, an operator works on a 360 × 740 phone.
Set PADU_SCREENSHOTS to a folder to keep a screenshot of each page."""

import io
import os
import re
from pathlib import Path

import polars as pl
import pytest
from playwright.sync_api import expect

from padu.accounts.choices import Role
from padu.organisations.models import Agency
from padu.programs.models import Referral
from padu.registry.models import Family, Person
from padu.welfare.models import FamilyWelfare

from .test_registry_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    folder = os.environ.get("PADU_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_dinkes_enrols_the_members_a_referral_names(page, live_server, make_user, city):
    referral = Referral.objects.filter(rule__code="jaminan-kesehatan").first()
    assert referral is not None
    make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="dinkes"))
    log_in(page, live_server, "dinkes")
    expect(page.get_by_role("heading", name=re.compile("Rujukan"))).to_be_visible()
    needs = page.get_by_label("Kebutuhan").locator("option").all_inner_texts()
    assert needs[0] == "semua" and len(needs) >= 2
    assert not any("Rumah" in need for need in needs)  # Perkim's needs are not offered
    shot(page, "dinkes-queue")

    page.goto(f"{live_server.url}/rujukan/{referral.pk}/")
    members = page.locator("#concerned")
    expect(members).to_contain_text("tanpa jaminan kesehatan")
    uninsured = Person.objects.filter(family=referral.family, health_insurance="tidak_ada")
    for person in uninsured:
        if person.nik:
            expect(members).to_contain_text(person.nik)
    shot(page, "dinkes-referral")

    page.locator("#referral a[href*='/registri/keluarga/']").click()  # the family, via the referral
    expect(page.get_by_role("heading", name=re.compile("Anggota keluarga"))).to_be_visible()
    shot(page, "dinkes-family")

    page.goto(f"{live_server.url}/rujukan/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh Excel").click()
    sheet = pl.read_excel(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert {"NAMA", "NIK", "UMUR", "KEADAAN"} <= set(sheet.columns)
    assert sheet.height >= Referral.objects.filter(agency__code="dinkes").count()


def test_perkim_finds_the_house_to_repair(page, live_server, make_user, city):
    perkim = Agency.objects.get(code="perkim")
    referral = Referral.objects.filter(agency=perkim, family__latitude__isnull=False).first()
    make_user("perkim", Role.AGENCY_OFFICER, "33.74", agency=perkim)
    log_in(page, live_server, "perkim")
    page.goto(f"{live_server.url}/rujukan/{referral.pk}/")
    facts = page.locator("#referral")
    expect(facts).to_contain_text(f"RT {referral.family.rt}")
    expect(facts.get_by_role("link", name="buka di aplikasi peta")).to_have_attribute(
        "href", re.compile(r"^geo:-?\d")
    )
    expect(page.locator("#concerned")).to_contain_text("kepala keluarga")
    shot(page, "perkim-referral")


def test_dinsos_works_the_family_list(page, live_server, make_user, city):
    make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    log_in(page, live_server, "dinsos")
    expect(page.get_by_role("heading", name="Keluarga")).to_be_visible()
    page.locator("#families-filters").get_by_label("Miskin", exact=True).check()
    page.get_by_role("button", name="Saring").click()
    poor = FamilyWelfare.objects.filter(status="miskin").count()
    expect(page.get_by_text(f"{poor:,} keluarga".replace(",", "."))).to_be_visible()
    page.locator("#families thead").get_by_role("link", name="Desil").click()
    desils = page.locator("#families tbody tr td:nth-child(7)").all_inner_texts()
    assert desils == sorted(desils, key=int)
    page.locator(".pager").get_by_role("link", name="2", exact=True).click()
    expect(page.locator(".pager strong")).to_have_text("2")
    shot(page, "dinsos-family-list")

    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh Excel").click()
    sheet = pl.read_excel(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert sheet.height == poor and set(sheet["Status"]) == {"Miskin"}

    head = Person.objects.filter(relationship="kepala", full_name__startswith="Muhammad").first()
    if head is not None:
        written = "Moh. " + head.full_name.split(" ", 1)[1]
        page.goto(f"{live_server.url}/registri/keluarga/")
        page.get_by_placeholder("Nama, NIK, No KK atau alamat").fill(written)
        page.get_by_role("button", name="Saring").click()
        first = page.locator("#families tbody tr").first
        expect(first).to_contain_text(head.full_name)
        shot(page, "dinsos-search")


def test_the_custodian_goes_from_the_figures_to_the_families(page, live_server, make_user, city):
    make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    log_in(page, live_server, "walidata")
    page.goto(f"{live_server.url}/penilaian/")
    glance = page.locator("#at-a-glance")
    expect(glance).to_be_visible()
    shot(page, "custodian-welfare")
    glance.locator("a[href*='status=ekstrem']").last.click()
    extreme = FamilyWelfare.objects.filter(status="ekstrem").count()
    expect(page.get_by_text(f"{extreme:,} keluarga".replace(",", "."))).to_be_visible()


def test_an_operator_works_on_a_phone(browser, live_server, make_user, city):
    import datetime as dt

    from padu.regions.models import Region
    from padu.verification import services

    family = Family.objects.filter(lifecycle="aktif").order_by("pk").first()
    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    operator = make_user("operator", Role.VILLAGE_OPERATOR, family.village_id)
    verification_round = services.create_round(
        name="Verivali", region=Region.objects.get(code="33.74"),
        starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 12, 31), actor=dinsos,
    )  # fmt: skip
    services.assign_village(verification_round, family.village, operator, actor=dinsos)
    phone = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID")
    page = phone.new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "operator")
    expect(page.get_by_role("heading", name="Tugas verivali saya")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    shot(page, "operator-tasks")
    page.get_by_role("link", name="Kunjungi", exact=True).first.click()
    page.wait_for_url(re.compile(r"/verivali/"))
    shot(page, "operator-visit-form")
    expect(page.get_by_role("button", name="Kirim kunjungan")).to_be_visible(timeout=15_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.goto(f"{live_server.url}/registri/keluarga/")
    shot(page, "operator-family-list")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the table scrolls
    phone.close()
