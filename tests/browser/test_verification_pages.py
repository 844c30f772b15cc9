import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from padu.accounts.choices import Role
from padu.registry.choices import VerificationStatus
from padu.registry.models import Family
from padu.verification.choices import AssignmentState, VisitStatus
from padu.verification.models import Assignment, Visit
from tests.conftest import VILLAGE_A, VILLAGE_B

from .conftest import wait_until
from .test_registry_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def house_photo() -> dict:
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1800), (150, 110, 80)).save(buffer, format="JPEG")
    return {"name": "rumah.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_a_visit_from_a_phone_is_approved_and_counted(
    page, browser, live_server, families, make_user, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    family = families["a"]
    make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    make_user("operator", Role.VILLAGE_OPERATOR, VILLAGE_A)

    # Dinsos opens a round over the city and gives the village to its operator.
    log_in(page, live_server, "dinsos")
    page.goto(f"{live_server.url}/verivali/")
    page.get_by_label("Nama putaran").fill("Verivali Semester II")
    page.get_by_label("Wilayah").select_option("33.74")
    page.get_by_label("Mulai").fill("2026-11-01")
    page.get_by_label("Selesai").fill("2026-12-31")
    page.get_by_role("button", name="Buat putaran").click()
    expect(page.get_by_text("Putaran dibuat: 2 keluarga.")).to_be_visible()
    page.locator("form.inline-form").filter(has=page.locator(f"[value='{VILLAGE_A}']")).get_by_role(
        "button", name="Tugaskan"
    ).click()
    expect(page.get_by_text("1 keluarga di Miroto ditugaskan kepada operator.")).to_be_visible()

    # The operator, on a cheap phone, finds the family and records that it moved.
    phone = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        geolocation={"latitude": -6.9812, "longitude": 110.4203, "accuracy": 12},
        permissions=["geolocation"],
    )
    operator = phone.new_page()
    operator.set_default_timeout(15_000)
    log_in(operator, live_server, "operator")
    operator.get_by_role("link", name="Verivali").click()
    expect(operator.get_by_role("heading", name="Tugas verivali saya")).to_be_visible()
    operator.get_by_placeholder("Nama, NIK atau No KK").fill("Budi")
    operator.get_by_role("button", name="Cari").click()
    operator.get_by_role("link", name="Kunjungi", exact=True).click()
    expect(operator.get_by_role("heading", name="Kunjungan · KK")).to_be_visible()
    assert operator.evaluate("document.documentElement.scrollWidth") <= 360

    operator.get_by_label("Pindah", exact=True).check()
    operator.get_by_label("Desa/kelurahan tujuan").select_option(VILLAGE_B)
    operator.get_by_label("Alamat", exact=True).fill("Jl. Kakap Raya 12")
    operator.get_by_label("Foto rumah").set_input_files(house_photo())
    # The network drops: the half-filled form, its photo included, stays on the phone.
    phone.set_offline(True)
    operator.get_by_role("button", name="Kirim kunjungan").click()
    expect(operator.get_by_text("Tidak ada sinyal.")).to_be_visible()
    phone.set_offline(False)
    operator.reload()
    expect(operator.get_by_text("Isian yang belum terkirim dimuat")).to_be_visible()
    expect(operator.get_by_label("Alamat", exact=True)).to_have_value("Jl. Kakap Raya 12")
    expect(operator.get_by_label("Pindah", exact=True)).to_be_checked()
    expect(operator.get_by_text("1 foto yang belum terkirim juga dimuat lagi.")).to_be_visible()
    assert operator.get_by_label("Foto rumah").evaluate("input => input.files[0].name") == (
        "rumah.jpg"
    )

    operator.get_by_role("button", name="Ambil lokasi").click()
    expect(operator.get_by_text("Lokasi didapat")).to_be_visible()
    expect(operator.get_by_label("Lintang")).to_have_value("-6.981200")
    operator.get_by_role("button", name="Kirim kunjungan").click()
    expect(operator.get_by_text("Kunjungan tersimpan")).to_be_visible()
    visit = Visit.objects.get()
    assert visit.outcome == VerificationStatus.MOVED and visit.photos.count() == 1
    assert visit.latitude == pytest.approx(-6.9812) and visit.gps_accuracy_m == 12
    assert visit.family_changes == {"address": "Jl. Kakap Raya 12", "village_id": VILLAGE_B}
    # The draft is gone once the server has the visit, its photo too.
    wait_until(operator, "Object.keys(localStorage).length === 0")
    wait_until(operator, "idbKeyval.keys().then(keys => keys.length === 0)")

    # The village meeting agrees on it.
    operator.get_by_role("link", name="Tugas").click()
    operator.get_by_role("link", name="Catat musyawarah desa").click()
    operator.get_by_label("Tanggal musyawarah").fill("2026-11-20")
    operator.get_by_label("Berita acara (foto atau PDF)").set_input_files(
        {"name": "ba.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%demo\n"}
    )
    ticks = operator.locator("#meeting-visits input[type=checkbox]")
    expect(ticks).to_have_count(1)
    assert not ticks.first.is_checked()  # nothing agreed until the operator says so
    ticks.first.check()
    operator.get_by_role("button", name="Simpan hasil musyawarah").click()
    expect(operator.get_by_text("1 kunjungan disepakati musyawarah")).to_be_visible()
    phone.close()

    # Dinsos approves; the family page shows the new status and where it came from.
    page.goto(f"{live_server.url}/verivali/")
    page.get_by_role("link", name="Verivali Semester II").click()
    page.get_by_role("link", name=f"Kunjungan #{visit.pk} (Pindah)").click()
    page.get_by_role("button", name="Setujui").click()
    expect(page.get_by_text("Kunjungan disetujui")).to_be_visible()
    assert Visit.objects.get().status == VisitStatus.APPROVED
    assert Assignment.objects.get(family=family).state == AssignmentState.APPROVED

    page.goto(f"{live_server.url}/registri/keluarga/{family.pk}/")
    verivali = page.locator("#verivali")
    expect(verivali.locator("[data-verification-status]")).to_have_text("Pindah")
    expect(verivali.get_by_role("link", name=f"Kunjungan #{visit.pk} (Pindah)")).to_be_visible()
    expect(verivali).to_contain_text("Jl. Kakap Raya 12")
    expect(page.get_by_role("link", name="Tanjung Mas")).to_be_visible()  # its new village
    expect(verivali.get_by_role("img", name="Foto rumah")).to_be_visible()
    assert Family.objects.get(pk=family.pk).village_id == VILLAGE_B

    # The coverage page counts it.
    page.goto(f"{live_server.url}/verivali/cakupan/?wilayah=33.74")
    expect(page.locator("[data-total=approved]")).to_have_text("1")
    expect(page.locator("[data-total=in_scope]")).to_have_text("2")
    expect(page.get_by_text("Desa/kelurahan yang belum mulai (1)")).to_be_visible()


def test_a_draft_leaves_the_phone_when_the_operator_signs_out(
    browser, live_server, families, make_user
):
    import datetime as dt

    from padu.regions.models import Region
    from padu.verification.services import assign_village, create_round

    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    operator_user = make_user("operator", Role.VILLAGE_OPERATOR, VILLAGE_A)
    verification_round = create_round(
        name="Putaran uji",
        region=Region.objects.get(code="33.74"),
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 12, 31),
        actor=dinsos,
    )
    assign_village(
        verification_round, Region.objects.get(code=VILLAGE_A), operator_user, actor=dinsos
    )
    phone = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    operator = phone.new_page()
    log_in(operator, live_server, "operator")
    operator.goto(f"{live_server.url}/verivali/tugas/")
    operator.get_by_role("link", name="Kunjungi", exact=True).click()
    operator.get_by_label("Pindah", exact=True).check()
    operator.get_by_label("Alamat", exact=True).fill("Jl. Kakap Raya 12")
    operator.get_by_label("Foto rumah").set_input_files(house_photo())
    wait_until(operator, "Object.keys(localStorage).length === 1")
    wait_until(operator, "idbKeyval.keys().then(keys => keys.length === 1)")
    # The draft's key is the assignment's number as written in code, not "1.234".
    key = operator.evaluate("Object.keys(localStorage)[0]")
    assert key.startswith("padu-draft:kunjungan-") and "." not in key
    operator.get_by_role("button", name="Keluar").click()
    expect(operator.get_by_role("heading", name="Masuk ke Padu")).to_be_visible()
    assert operator.evaluate("Object.keys(localStorage).length") == 0
    assert operator.evaluate("indexedDB.databases().then(found => found.length)") == 0
    phone.close()
