"""The matching pages: start a run, follow it, work the review queue, see sources."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from padu.accounts.choices import Role
from padu.core.choices import RunStatus
from padu.matching.choices import PairStatus, RunMode
from padu.matching.models import LinkageRun, MatchDecision, MatchPair
from padu.registry.models import Family
from padu.sources.services import find_dataset, import_file
from padu.synth.services import generate_region


@pytest.fixture
def city_for_the_worker(transactional_db, tmp_path, settings):
    """A small city imported for real (the worker closes connections, so no test
    transaction can hold these rows)."""
    from padu.regions.services import load_regions

    settings.MEDIA_ROOT = tmp_path / "media"
    load_regions(only=("33.74",))
    city = generate_region(region="33.74", people=3_000, seed=7, out_dir=tmp_path / "city")
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(city.files[source], dataset=find_dataset(source), actor=None)


@pytest.fixture
def custodian(client, make_user):
    client.force_login(make_user("walidata", Role.DATA_CUSTODIAN, "33.74"))


@pytest.mark.slow
def test_a_run_started_on_the_page_runs_in_the_background(city_for_the_worker, client, custodian):
    client.post(reverse("matching:run-start"), {"mode": RunMode.FULL})
    run = LinkageRun.objects.get()
    assert (run.status, run.mode) == (RunStatus.QUEUED, RunMode.FULL)
    page = client.get(reverse("matching:run-list")).content.decode()
    assert 'hx-trigger="every 2s"' in page  # progress is polled
    client.post(reverse("matching:run-start"))
    assert LinkageRun.objects.count() == 1  # one run at a time

    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED, run.message
    status = client.get(reverse("matching:run-status", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"

    # The parameters the run estimated, level by level.
    detail = client.get(reverse("matching:run-detail", args=[run.pk])).content.decode()
    assert "NIK beda hanya di nomor urut" in detail and "hari dan bulan tertukar" in detail
    # In words: no Splink label or column name in English.
    for english in ("Exact match", "All other comparisons", "Jaro", "CustomComparison"):
        assert english not in detail
    assert "Nama ibu kandung" in detail and "mother_key" not in detail

    family = Family.objects.first()
    page = client.get(reverse("registry:family-detail", args=[family.pk])).content.decode()
    assert 'id="sources"' in page and "Regsosek" in page  # the records behind the family


def test_the_review_queue_shows_why_and_keeps_the_verdict(city_for_the_worker, client, custodian):
    from padu.matching.services import run_matching

    # A demanding match threshold leaves plenty of pairs for review.
    run, _ = run_matching(actor=None, u_pairs=2e5, match_threshold=0.999999)
    pair = MatchPair.objects.filter(run=run).first()
    assert pair is not None
    listing = client.get(reverse("matching:review-list")).content.decode()
    assert pair.left.full_name in listing

    page = client.get(reverse("matching:pair", args=[pair.pk])).content.decode()
    assert pair.right.full_name in page and 'id="reasons"' in page
    assert "<td>NIK</td>" in page and "<td>nik</td>" not in page and "All other" not in page
    assert pair.contributions[0]["level"] in page

    response = client.post(
        reverse("matching:pair-decide", args=[pair.pk]), {"verdict": "different"}
    )
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT
    assert MatchDecision.objects.get().same is False


def test_only_data_custodians_reach_matching(client, make_user, db):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    assert client.get(reverse("matching:run-list")).status_code == 403
    assert client.post(reverse("matching:run-start")).status_code == 403
    assert not LinkageRun.objects.exists()


def test_a_level_no_em_session_observed_is_marked_not_estimated():
    import logging

    from padu.matching.engine import NOT_ESTIMATED, UnobservedLevels, model_parameters, padu_model

    with UnobservedLevels() as unobserved:
        for _ in range(2):  # every EM session
            logging.getLogger("splink.internals.expectation_maximisation").warning(
                "Level nama ibu berbeda on comparison mother_key not observed in dataset, "
                "unable to train m value"
            )
    model = padu_model().settings.get_settings("duckdb").as_dict()
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.setdefault("m_probability", 0.5)
            level.setdefault("u_probability", 0.5)
    model[NOT_ESTIMATED] = unobserved.levels(2)
    mother = next(c for c in model_parameters(model) if c["name"] == "Nama ibu kandung")
    flags = {level["label"]: level["estimated"] for level in mother["levels"]}
    assert flags == {
        "nama ibu sama": True,
        "nama ibu sangat mirip": True,
        "nama ibu berbeda": False,
    }
