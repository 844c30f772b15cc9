"""An account from application to first sign-in: the applicant registers on a phone, the
TKPK secretariat approves, the new operator sets up their authenticator and sees only the
village granted; an expired account is refused."""

import base64
import datetime as dt

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from padu.accounts.choices import Role
from padu.accounts.models import User
from tests.conftest import VILLAGE_A

from .test_registry_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _code(key: bytes) -> str:
    return f"{totp(key):06d}"


def test_an_applicant_is_approved_and_signs_in_with_a_one_time_code(
    browser, page, live_server, families, make_user, settings, tmp_path
):
    settings.TWO_FACTOR_REQUIRED = True
    settings.MEDIA_ROOT = tmp_path / "media"
    secretariat = make_user("tkpk", Role.VERIFIER, "33.74")
    device = TOTPDevice.objects.create(user=secretariat, name="Padu", confirmed=True)

    # The applicant, on a phone, asks for an account as Miroto's operator.
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    applicant = phone.new_page()
    applicant.set_default_timeout(15_000)
    applicant.goto(f"{live_server.url}/akun/masuk/")
    applicant.get_by_role("link", name="Daftar melalui sekretariat TKPK").click()
    applicant.get_by_label("Nama lengkap").fill("Sri Wahyuni")
    applicant.get_by_label("NIP").fill("198507172010012003")
    applicant.get_by_label("Instansi / unit kerja").fill("Kelurahan Miroto")
    applicant.get_by_label("Telepon").fill("081234567890")
    applicant.get_by_label("Surel").fill("sri@example.go.id")
    applicant.get_by_label("Peran yang diminta").select_option(Role.VILLAGE_OPERATOR.value)
    applicant.get_by_label("Kode wilayah kerja").fill(VILLAGE_A)
    applicant.get_by_label("Surat tugas (PDF)").set_input_files(
        {"name": "surat-tugas.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    applicant.get_by_label("Nama pengguna yang diminta").fill("sri.miroto")
    applicant.locator("#id_password1").fill("Melati-Putih-2026")
    applicant.get_by_label("Ulangi kata sandi").fill("Melati-Putih-2026")
    assert applicant.evaluate("document.documentElement.scrollWidth") <= 360
    applicant.get_by_role("button", name="Kirim pendaftaran").click()
    expect(applicant.get_by_text("menunggu keputusan sekretariat TKPK")).to_be_visible()
    status_url = applicant.url
    applicant.screenshot(path=tmp_path / "pendaftaran-status.png", full_page=True)

    # The secretariat signs in with its code, reads the application and approves it.
    log_in(page, live_server, "tkpk")
    expect(page.get_by_role("heading", name="Kode verifikasi")).to_be_visible()
    page.get_by_label("Kode dari aplikasi autentikator").fill(_code(device.bin_key))
    page.get_by_role("button", name="Lanjut").click()
    page.get_by_role("link", name="Pendaftaran").first.click()
    page.locator("table.list a").first.click()
    expect(page.get_by_text("Sri Wahyuni")).to_be_visible()
    page.screenshot(path=tmp_path / "pendaftaran-keputusan.png", full_page=True)
    page.get_by_label("Setujui").check()
    until = timezone.localdate() + dt.timedelta(days=365)
    page.get_by_label("Akun berlaku sampai").fill(until.isoformat())
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_text("Disetujui: akun sri.miroto berlaku sampai")).to_be_visible()

    # The applicant reads the decision, signs in and sets up the authenticator.
    applicant.goto(status_url)
    expect(applicant.get_by_text("disetujui", exact=True)).to_be_visible()
    applicant.goto(f"{live_server.url}/akun/masuk/")
    applicant.get_by_label("Nama pengguna").fill("sri.miroto")
    applicant.get_by_label("Kata sandi").fill("Melati-Putih-2026")
    applicant.get_by_role("button", name="Masuk").click()
    expect(applicant.get_by_role("heading", name="Pasang verifikasi dua langkah")).to_be_visible()
    expect(applicant.locator(".qr svg")).to_be_visible()
    applicant.screenshot(path=tmp_path / "dua-langkah.png", full_page=True)
    secret = applicant.locator("#otp-secret").inner_text().replace(" ", "")
    key = base64.b32decode(secret)
    applicant.get_by_label("Kode dari aplikasi autentikator").fill(_code(key))
    applicant.get_by_role("button", name="Lanjut").click()
    expect(applicant.get_by_role("heading", name="Tugas verivali saya")).to_be_visible()

    # Only the village granted: Miroto's family, not Tanjung Mas's.
    applicant.goto(f"{live_server.url}/registri/keluarga/")
    expect(applicant.get_by_text("Budi Santoso")).to_be_visible()
    expect(applicant.get_by_text("Siti Aminah")).to_have_count(0)
    assert applicant.goto(f"{live_server.url}/registri/keluarga/{families['b'].pk}/").status == 404
    user = User.objects.get(username="sri.miroto")
    assert (user.role, user.region_id, user.expires_on) == (Role.VILLAGE_OPERATOR, VILLAGE_A, until)
    phone.close()


def test_an_expired_account_cannot_sign_in(page, live_server, make_user):
    user = make_user("operator", Role.VILLAGE_OPERATOR, VILLAGE_A)
    user.expires_on = timezone.localdate() - dt.timedelta(days=1)
    user.save()
    log_in(page, live_server, "operator")
    expect(page.get_by_text("sudah habis masa berlakunya")).to_be_visible()
    expect(page.get_by_role("heading", name="Masuk ke Padu")).to_be_visible()
