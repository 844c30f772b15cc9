import importlib

import pytest
from django.db import connection
from playwright.sync_api import expect

from padu.accounts.choices import Role
from padu.matching.services import run_matching
from padu.regions.services import load_boundaries
from padu.releases.models import Release
from padu.releases.services import execute_build
from padu.sources.services import find_dataset, import_file
from padu.synth.services import generate_region
from padu.welfare.services import classify

from .test_registry_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FROZEN = importlib.import_module("padu.releases.migrations.0002_published_releases_are_frozen")


@pytest.fixture
def thawed_afterwards():
    """A transactional test ends with every table emptied row by row on SQLite, which the
    triggers refuse for a published release: lift them for the cleaning, then restore."""
    yield
    with connection.schema_editor() as editor:
        FROZEN.drop(None, editor)
    Release.objects.all().delete()
    with connection.schema_editor() as editor:
        FROZEN.create(None, editor)


def test_a_release_from_draft_to_the_public_page(
    page, browser, live_server, make_user, tmp_path, settings, thawed_afterwards
):
    settings.MEDIA_ROOT, settings.DATA_DIR = tmp_path / "media", tmp_path
    city = generate_region(region="33.74", people=3_000, seed=7, out_dir=tmp_path / "city")
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(city.files[source], dataset=find_dataset(source), actor=None)
    run_matching(actor=None, u_pairs=2e5)
    classify(actor=None)
    for username, role in (
        ("walidata", Role.DATA_CUSTODIAN),
        ("verifikator", Role.VERIFIER),
        ("pimpinan", Role.LEADER),
    ):
        make_user(username, role, "33.74")

    log_in(page, live_server, "walidata")
    page.get_by_role("link", name="Rilis").click()
    page.get_by_text("Susun rilis baru dari registri saat ini").click()
    page.get_by_label("Nama").fill("Data Tunggal Kemiskinan Kota Semarang")
    page.get_by_label("Periode").fill("Semester II 2026")
    page.get_by_role("button", name="Susun rilis").click()
    expect(page.get_by_text("sedang disusun")).to_be_visible()
    execute_build(Release.objects.get())  # what the background worker does
    page.reload()
    expect(page.locator("#headline")).to_contain_text("Persentase penduduk miskin (P0)")
    page.get_by_role("link", name="per wilayah →").click()
    expect(page.get_by_role("heading", name="Kota Semarang")).to_be_visible()
    page.get_by_role("link", name="Semarang Tengah").click()
    expect(page.get_by_role("heading", name="Semarang Tengah")).to_be_visible()
    page.screenshot(path=str(tmp_path / "angka-per-wilayah.png"), full_page=True)

    for username, button in (("verifikator", "Tandai sudah diperiksa"), ("pimpinan", "Setujui")):
        other = browser.new_context(locale="id-ID").new_page()
        log_in(other, live_server, username)
        other.goto(f"{live_server.url}/rilis/{Release.objects.get().pk}/")
        other.get_by_role("button", name=button).click()
        expect(other.locator(".message").first).to_be_visible()
        other.context.close()

    page.goto(f"{live_server.url}/rilis/{Release.objects.get().pk}/")
    page.get_by_label("Nomor keputusan").fill("400.9/123/2026")
    page.get_by_label("Tanggal keputusan").fill("2026-12-01")
    page.get_by_label("Penanda tangan").fill("Wali Kota Semarang")
    pdf = tmp_path / "sk.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Keputusan bertanda tangan (PDF)").set_input_files(str(pdf))
    page.get_by_role("button", name="Simpan keputusan").click()
    page.get_by_role("button", name="Terbitkan").click()
    expect(page.get_by_text("Rilis terbit")).to_be_visible()

    public = browser.new_context(locale="id-ID").new_page()
    public.goto(f"{live_server.url}/statistik/")
    public.get_by_role("link", name="Data Tunggal Kemiskinan Kota Semarang").click()
    expect(public.locator("#public-figures")).to_contain_text("Semarang Tengah")
    expect(public.get_by_text("disembunyikan: jumlah di bawah 10")).to_be_visible()
    public.screenshot(path=str(tmp_path / "statistik.png"), full_page=True)
    public.context.close()

    # The portal, as a visitor on a phone sees it at /: figures, a map, small counts hidden.
    load_boundaries(within="33.74")
    for name, viewport in (
        ("desktop", {"width": 1280, "height": 800}),
        ("phone", {"width": 360, "height": 740}),
    ):
        visitor = browser.new_context(viewport=viewport, locale="id-ID").new_page()
        visitor.goto(f"{live_server.url}/")
        expect(
            visitor.get_by_role("heading", name="Data Tunggal Kemiskinan Kota Semarang")
        ).to_be_visible()
        expect(visitor.locator("#map path.leaflet-interactive").first).to_be_attached()
        expect(visitor.locator("#legend")).to_contain_text("disembunyikan")
        assert "•" in visitor.locator("#portal-figures").inner_text()
        visitor.screenshot(path=str(tmp_path / f"portal-{name}.png"), full_page=True)
        visitor.context.close()
