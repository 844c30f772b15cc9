import re

import pytest
from django.db.models import Count
from playwright.sync_api import expect

from padu.accounts.choices import Role
from padu.matching.choices import PairKind, PairStatus
from padu.matching.models import MatchDecision, MatchPair, RecordLink
from padu.matching.services import run_matching
from padu.sources.services import find_dataset, import_file
from padu.synth.services import generate_region

from .test_registry_pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person_of(record) -> RecordLink:
    return RecordLink.objects.get(dataset_id=record.dataset_id, record_id=record.record_id)


def test_data_custodian_works_the_review_queue(page, live_server, make_user, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = generate_region(region="33.74", people=3_000, seed=7, out_dir=tmp_path / "city")
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(city.files[source], dataset=find_dataset(source), actor=None)
    run_matching(actor=None, u_pairs=2e5, match_threshold=0.999999)
    doubtful = MatchPair.objects.filter(status=PairStatus.PENDING, kind=PairKind.DOUBTFUL)
    first = doubtful.order_by("-match_probability", "pk")[0]
    make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    log_in(page, live_server, "walidata")

    page.get_by_role("link", name="Pencocokan").click()
    expect(page.locator("#runs")).to_contain_text("selesai")
    page.get_by_role("link", name=re.compile("pasangan menunggu tinjauan")).click()
    page.get_by_role("link", name="Tinjau").first.click()

    expect(page.get_by_role("heading", name="Orang yang sama?")).to_be_visible()
    expect(page.locator("#records")).to_contain_text(first.left.full_name)
    expect(page.locator("#records")).to_contain_text(first.right.full_name)
    expect(page.locator("#reasons")).to_contain_text("Nama")
    page.get_by_role("button", name="Orang berbeda").click()

    expect(page.get_by_text("Disimpan: orang berbeda;")).to_be_visible()
    first.refresh_from_db()
    assert first.status == PairStatus.DIFFERENT
    assert MatchDecision.objects.filter(same=False).count() == 1

    # Another pair, of records the run left as two persons (and neither the first pair's
    # person), which the custodian says are one.
    firsts = {person_of(first.left).person_id, person_of(first.right).person_id}
    apart = [
        pair
        for pair in doubtful.order_by("pk")
        if len({person_of(pair.left).person_id, person_of(pair.right).person_id} - firsts) == 2
    ]
    second = apart[0]
    page.goto(f"{live_server.url}/pencocokan/tinjau/{second.pk}/")
    expect(page.locator("#records")).to_contain_text(second.left.full_name)
    page.get_by_role("button", name="Orang yang sama").click()
    expect(page.get_by_text("Disimpan: orang yang sama;")).to_be_visible()
    # And one more, of two other persons, the custodian confirms as two (a pair touching
    # the persons just joined would contradict that verdict).
    joined = {person_of(second.left).person_id, person_of(second.right).person_id}
    third = next(
        pair
        for pair in apart[1:]
        if not joined & {person_of(pair.left).person_id, person_of(pair.right).person_id}
    )
    page.goto(f"{live_server.url}/pencocokan/tinjau/{third.pk}/")
    page.get_by_role("button", name="Orang berbeda").click()
    expect(page.get_by_text("Disimpan: orang berbeda;")).to_be_visible()

    # A later run honours both decisions, and asks about neither pair again.
    run, _ = run_matching(actor=None, u_pairs=2e5, match_threshold=0.999999)
    assert run.status == "completed", run.message
    assert person_of(first.left).person_id != person_of(first.right).person_id
    assert person_of(second.left).person_id == person_of(second.right).person_id
    assert person_of(third.left).person_id != person_of(third.right).person_id
    for pair in (first, second, third):
        again = MatchPair.objects.filter(
            status=PairStatus.PENDING, left=pair.left, right=pair.right
        ) | MatchPair.objects.filter(status=PairStatus.PENDING, left=pair.right, right=pair.left)
        assert not again.exists()

    # The run's page: the model level by level, and the merges a near-miss NIK alone made.
    held = RecordLink.objects.values("person").annotate(n=Count("pk")).filter(n__gte=2)
    one, other = RecordLink.objects.filter(person=held[0]["person"]).order_by("pk")[:2]
    merged = MatchPair.objects.create(
        run=run,
        left_id=one.source_record_id,
        right_id=other.source_record_id,
        match_weight=6.0,
        match_probability=0.98,
        kind=PairKind.NEAR_MISS_NIK,
    )
    page.goto(f"{live_server.url}/pencocokan/{run.pk}/")
    expect(page.get_by_text("NIK beda hanya di nomor urut")).to_be_visible()
    page.screenshot(path=str(tmp_path / "run.png"), full_page=True)
    page.get_by_role("link", name="1 penggabungan perlu diperiksa").click()
    expect(page.get_by_role("heading", name="Penggabungan atas NIK hampir sama")).to_be_visible()
    page.get_by_role("link", name="Periksa").click()
    expect(page.get_by_role("heading", name="Benarkah ini satu orang?")).to_be_visible()
    page.screenshot(path=str(tmp_path / "near-miss.png"), full_page=True)
    page.get_by_role("button", name="Batalkan penggabungan: orang berbeda").click()
    expect(page.get_by_text("Penggabungan dibatalkan")).to_be_visible()
    merged.refresh_from_db()
    assert merged.status == PairStatus.DIFFERENT
