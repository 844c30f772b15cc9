import pytest
from playwright.sync_api import expect

from padu.accounts.choices import Role
from padu.matching.services import run_matching
from padu.regions.models import Region
from padu.regions.services import load_boundaries
from padu.releases.models import Release
from padu.releases.services import create_release, execute_build
from padu.sources.services import find_dataset, import_file
from padu.synth.services import generate_region
from padu.welfare.services import classify

from .test_registry_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


@pytest.mark.parametrize("size", list(SIZES))
def test_the_leader_drills_down_to_a_village_on_the_dashboard_and_the_map(
    browser, live_server, make_user, tmp_path, settings, size
):
    settings.MEDIA_ROOT, settings.DATA_DIR = tmp_path / "media", tmp_path
    city = generate_region(region="33.74", people=3_000, seed=7, out_dir=tmp_path / "city")
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(city.files[source], dataset=find_dataset(source), actor=None)
    run_matching(actor=None, u_pairs=2e5)
    classify(actor=None)
    load_boundaries(within="33.74")
    release = execute_build(
        create_release(
            actor=None, name="Data Tunggal Kemiskinan", period="2026",
            region=Region.objects.get(code="33.74"), year=2025, enqueue=False,
        )
    )  # fmt: skip
    # Checked, not yet published: what a leader reviews before the decree. (A published
    # release would outlive the test: the database refuses to delete one.)
    Release.objects.filter(pk=release.pk).update(lifecycle="checked")
    make_user("pimpinan", Role.LEADER, "33.74")

    page = browser.new_context(viewport=SIZES[size], locale="id-ID").new_page()
    page.set_default_timeout(15_000)
    log_in(page, live_server, "pimpinan")
    expect(page.get_by_role("heading", name="Kota Semarang")).to_be_visible()
    expect(page.locator("#headline")).to_contain_text("Persentase penduduk miskin (P0)")
    expect(page.locator("#bagian-umur .chart svg").first).to_be_attached()  # Plotly drew it
    page.screenshot(path=str(tmp_path / f"dasbor-kota-{size}.png"), full_page=True)

    page.locator("#areas").get_by_role("link", name="Semarang Tengah").click()
    expect(page.get_by_role("heading", name="Semarang Tengah")).to_be_visible()
    page.locator("#areas").get_by_role("link", name="Miroto").click()
    expect(page.get_by_role("heading", name="Miroto")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"dasbor-desa-{size}.png"), full_page=True)

    page.goto(f"{live_server.url}/dasbor/peta/")
    expect(page.locator("#map path.leaflet-interactive").first).to_be_attached()
    expect(page.locator("#legend")).to_contain_text("tidak ada data")
    page.screenshot(path=str(tmp_path / f"peta-kota-{size}.png"), full_page=True)
    page.locator("#map-table").get_by_role("link", name="Semarang Tengah").click()
    expect(page.get_by_role("heading", name="Peta · Semarang Tengah")).to_be_visible()
    expect(page.locator("#map path.leaflet-interactive").first).to_be_attached()
    page.locator("#map-table").get_by_role("link", name="Miroto").click()
    expect(page.get_by_role("heading", name="Peta · Miroto")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"peta-desa-{size}.png"), full_page=True)
    page.context.close()
