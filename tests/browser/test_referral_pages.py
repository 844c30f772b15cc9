import pytest
from playwright.sync_api import expect

from padu.accounts.choices import Role
from padu.matching.services import run_matching
from padu.organisations.models import Agency
from padu.programs.choices import ReferralStatus
from padu.programs.models import Referral
from padu.sources.services import find_dataset, import_file
from padu.synth.services import generate_region
from padu.welfare.services import classify

from .test_registry_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_agency_officer_works_only_their_own_referrals(
    page, browser, live_server, make_user, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = generate_region(region="33.74", people=3_000, seed=7, out_dir=tmp_path / "city")
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(city.files[source], dataset=find_dataset(source), actor=None)
    run_matching(actor=None, u_pairs=2e5)
    classify(actor=None)

    perkim, dinkes = Agency.objects.get(code="perkim"), Agency.objects.get(code="dinkes")
    mine = Referral.objects.filter(agency=perkim).select_related("family").first()
    district = mine.family.village_id[:8]
    in_scope = Referral.objects.filter(agency=perkim, family__village__code__startswith=district)
    assert Referral.objects.filter(agency=perkim).count() > in_scope.count()  # some outside
    make_user("perkim", Role.AGENCY_OFFICER, district, agency=perkim)
    log_in(page, live_server, "perkim")

    page.get_by_role("link", name="Rujukan").click()
    expect(page.get_by_role("heading", name="Rujukan · Perkim")).to_be_visible()
    expect(page.get_by_text(f"{in_scope.count()} rujukan")).to_be_visible()
    assert "Dinkes" not in page.locator("#referrals").inner_text()

    page.get_by_role("link", name=str(mine.pk), exact=True).click()
    expect(page.locator("#referral")).to_contain_text(mine.reason[:40])
    page.get_by_label("Status baru").select_option(ReferralStatus.DONE)
    page.get_by_label("Catatan").fill("Bedah rumah selesai")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_text("Rujukan disimpan.")).to_be_visible()
    expect(page.locator("#referral")).to_contain_text("Selesai")
    mine.refresh_from_db()
    assert mine.status == ReferralStatus.DONE and "Bedah rumah selesai" in mine.notes

    # Another agency's officer cannot open it by its address.
    make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=dinkes)
    other = browser.new_context(locale="id-ID").new_page()
    log_in(other, live_server, "dinkes")
    response = other.goto(f"{live_server.url}/rujukan/{mine.pk}/")
    assert response.status == 404
    other.context.close()
