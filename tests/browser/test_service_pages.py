"""The one-stop service in a browser: a resident on a small phone checks a status and
proposes a family; Dinsos sends it to the village operator; the operator visits, the village
meeting agrees, Dinsos approves; the resident's tracking page shows the outcome."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from padu.accounts.choices import Role
from padu.regions.models import Region
from padu.service.choices import RequestStatus
from padu.service.models import ServiceRequest
from padu.verification.models import Visit
from padu.verification.services import assign_village, create_round
from tests.conftest import VILLAGE_A

from .test_registry_pages import log_in
from .test_verification_pages import house_photo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {
    "viewport": {"width": 360, "height": 740},
    "is_mobile": True,
    "has_touch": True,
    "locale": "id-ID",
    "geolocation": {"latitude": -6.9801, "longitude": 110.4102, "accuracy": 15},
    "permissions": ["geolocation"],
}


def _fits(page) -> None:
    wide = page.evaluate(
        """[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 361).map(e => e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, wide


def test_a_resident_s_proposal_is_visited_approved_and_its_outcome_shown(
    page, browser, live_server, families, make_user, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    operator_user = make_user("operator", Role.VILLAGE_OPERATOR, VILLAGE_A)
    verification_round = create_round(
        name="Verivali Semester II",
        region=Region.objects.get(code="33.74"),
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2027, 1, 31),
        actor=dinsos,
    )
    assign_village(
        verification_round, Region.objects.get(code=VILLAGE_A), operator_user, actor=dinsos
    )

    # A resident, on a cheap phone, checks her family's status without signing in.
    resident_phone = browser.new_context(**PHONE)
    resident = resident_phone.new_page()
    resident.set_default_timeout(15_000)
    resident.goto(f"{live_server.url}/")
    resident.get_by_role("link", name="Layanan warga").first.click()
    expect(resident.get_by_role("heading", name="Layanan terpadu data kemiskinan")).to_be_visible()
    _fits(resident)
    resident.screenshot(path=tmp_path / "layanan.png", full_page=True)
    resident.get_by_role("link", name=re.compile("Cek status keluarga")).click()
    resident.get_by_label("NIK (16 angka, seperti di KTP)").fill("3374011705800001")
    resident.get_by_label("Nama lengkap (seperti di KTP)").fill("Budi Santoso")
    resident.get_by_label("Desa/kelurahan tempat tinggal").select_option(VILLAGE_A)
    resident.get_by_role("button", name="Cek").click()
    expect(
        resident.get_by_role("heading", name="Keluarga Anda tercatat di data terpadu")
    ).to_be_visible()
    _fits(resident)
    resident.screenshot(path=tmp_path / "cek-status.png", full_page=True)

    # She proposes a neighbour, with a photo of the house and the phone's location.
    resident.get_by_role("link", name="Usulkan keluarga").click()
    resident.get_by_label("Nama kepala keluarga").fill("Sri Wahyuni")
    resident.get_by_label("Desa/kelurahan").select_option(VILLAGE_A)
    resident.get_by_label("Alamat (jalan, nomor, gang)").fill("Gg. Kenanga 3")
    resident.get_by_label("RT", exact=True).fill("7")
    resident.get_by_label("RW", exact=True).fill("2")
    resident.get_by_label("Mengapa keluarga ini perlu dibantu?").fill("Suami sakit, tiga anak.")
    resident.get_by_label("Foto rumah").set_input_files(house_photo())
    resident.get_by_role("button", name="Ambil lokasi saya").click()
    expect(resident.get_by_text("Lokasi didapat")).to_be_visible()
    resident.get_by_label("Nomor ponsel untuk kabar (bila mau)").fill("0812 3456 7890")
    _fits(resident)
    resident.get_by_role("button", name="Kirim").click()
    expect(resident.get_by_role("heading", name="Tanda terima")).to_be_visible()
    ticket = resident.locator("[data-ticket]").inner_text()
    code = resident.locator("[data-code]").inner_text()
    assert re.fullmatch(r"U-\d{6}-\w{4}", ticket) and re.fullmatch(r"\d{6}", code)
    _fits(resident)
    resident.screenshot(path=tmp_path / "tanda-terima.png", full_page=True)
    request = ServiceRequest.objects.get(ticket=ticket)
    assert request.latitude == pytest.approx(-6.9801) and request.phone == "081234567890"

    # Dinsos triages it to the village's operator.
    log_in(page, live_server, "dinsos")
    page.get_by_role("link", name="Layanan", exact=True).click()
    page.get_by_role("link", name=ticket).click()
    expect(page.get_by_text("Sri Wahyuni")).to_be_visible()
    expect(page.get_by_role("img", name="Foto rumah")).to_be_visible()
    page.get_by_label("Kirim ke verivali (kunjungan lapangan)").check()
    page.get_by_label("Operator (verivali keluarga yang belum ada di registri)").select_option(
        str(operator_user.pk)
    )
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text(f"Permintaan {ticket} diperbarui.")).to_be_visible()
    page.screenshot(path=tmp_path / "telaah.png", full_page=True)

    # The operator visits, starting from what the resident wrote, and the meeting agrees.
    operator_phone = browser.new_context(**PHONE)
    operator = operator_phone.new_page()
    operator.set_default_timeout(15_000)
    log_in(operator, live_server, "operator")
    operator.get_by_role("link", name="Layanan", exact=True).click()
    operator.get_by_role("link", name=ticket).click()
    operator.get_by_role("link", name="Catat kunjungan usulan ini").click()
    expect(operator.get_by_label("Alamat")).to_have_value("Gg. Kenanga 3")
    operator.get_by_label("Foto rumah").set_input_files(house_photo())
    _fits(operator)
    operator.get_by_role("button", name="Kirim hasil kunjungan").click()
    expect(operator.get_by_text("Kunjungan tersimpan")).to_be_visible()
    visit = Visit.objects.get()
    operator.goto(f"{live_server.url}/verivali/tugas/")
    operator.get_by_role("link", name="Catat musyawarah desa").click()
    operator.get_by_label("Tanggal musyawarah").fill("2026-12-04")
    operator.get_by_label("Berita acara (foto atau PDF)").set_input_files(
        {"name": "ba.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%demo\n"}
    )
    operator.locator("#meeting-visits input[type=checkbox]").first.check()
    operator.get_by_role("button", name="Simpan hasil musyawarah").click()
    expect(operator.get_by_text("1 kunjungan disepakati musyawarah")).to_be_visible()
    operator_phone.close()

    # Dinsos approves the visit: the family joins the registry.
    page.goto(f"{live_server.url}/verivali/kunjungan/{visit.pk}/")
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text("Kunjungan disetujui")).to_be_visible()
    assert ServiceRequest.objects.get(ticket=ticket).status == RequestStatus.GRANTED

    # The resident follows her ticket with its check code and sees the outcome.
    resident.goto(f"{live_server.url}/layanan/lacak/")
    resident.get_by_label("Nomor tiket").fill(ticket)
    resident.get_by_label("Kode cek (6 angka)").fill(code)
    resident.get_by_role("button", name="Lacak").click()
    expect(resident.locator("[data-status]")).to_have_text("Selesai: dikabulkan")
    expect(resident.get_by_text("Usulan disetujui")).to_be_visible()
    expect(resident.get_by_text("Sri Wahyuni")).to_have_count(0)  # no one's name on it
    _fits(resident)
    resident.screenshot(path=tmp_path / "lacak.png", full_page=True)
    resident_phone.close()
