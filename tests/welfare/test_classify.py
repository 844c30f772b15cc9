"""Classifying golden families: PMT score and desil, poverty status, BPS criteria, needs and
referrals; versions that never lose earlier results; rules and lines as data."""

import polars as pl
import pytest
from django.core.exceptions import ValidationError

from padu.organisations.models import Agency
from padu.programs.choices import ReferralStatus
from padu.programs.models import Referral
from padu.regions.models import Region
from padu.registry.models import Family
from padu.welfare.choices import POOR_STATUSES, LineKind, PovertyStatus
from padu.welfare.models import FamilyNeed, FamilyWelfare, NeedRule, PovertyLine, WelfareModel
from padu.welfare.services import classify, lines_for

pytestmark = pytest.mark.django_db


def _results(model) -> pl.DataFrame:
    return pl.DataFrame(
        list(
            FamilyWelfare.objects.filter(model=model).values(
                "family_id", "desil", "status", "score", "criteria_met", "family__members__id"
            )
        )
    )


def test_every_family_gets_a_score_a_desil_and_a_status(matched_city):
    result = classify(actor=None)
    model = WelfareModel.objects.get()
    families = Family.objects.filter(lifecycle="aktif", village__isnull=False)
    assert result.families == families.count() == model.results.count()
    assert model.statistics["n"] >= 50 and model.statistics["r2"] > 0.5
    assert len(model.cutoffs["desil"]) == 9

    # Desils are ranked by persons: each holds about a tenth of the people.
    members = _results(model).group_by("desil").agg(persons=pl.col("family__members__id").count())
    shares = (members["persons"] / members["persons"].sum()).to_list()
    assert sorted(members["desil"].to_list()) == list(range(1, 11))
    assert all(0.05 < share < 0.15 for share in shares)

    # Poorer desils meet more of the BPS criteria, and every status has a reason to be.
    frame = _results(model).unique("family_id")
    by_desil = frame.group_by("desil").agg(pl.col("criteria_met").mean()).sort("desil")
    assert by_desil["criteria_met"][0] > by_desil["criteria_met"][-1]
    assert set(frame["status"]) <= set(PovertyStatus.values)
    assert frame.filter(pl.col("status").is_in(list(POOR_STATUSES))).height > 0


def test_needs_carry_their_reason_and_poor_families_are_referred(matched_city):
    classify(actor=None)
    need = FamilyNeed.objects.select_related("rule").filter(rule__code="rumah-tidak-layak").first()
    assert need is not None and "di keluarga ini:" in need.reason  # the family's own value
    assert "∈" not in need.reason and "_" not in need.reason  # in words, not codes
    referrals = Referral.objects.select_related("rule", "family")
    assert referrals.exists()
    poor = set(
        FamilyWelfare.objects.filter(status__in=POOR_STATUSES).values_list("family_id", flat=True)
    )
    for referral in referrals:
        assert referral.family_id in poor
        assert referral.agency_id == referral.rule.agency_id
        assert referral.status == ReferralStatus.NEW


def test_a_new_model_version_keeps_the_old_results(matched_city):
    classify(actor=None)
    first = WelfareModel.objects.get()
    counted = first.results.count()
    referrals = Referral.objects.count()

    classify(actor=None, refit=False)  # the same version again: replaced, not doubled
    assert WelfareModel.objects.count() == 1 and first.results.count() == counted
    assert Referral.objects.count() == referrals  # open referrals are not opened twice

    classify(actor=None)  # a new version beside the old one
    second = WelfareModel.objects.exclude(pk=first.pk).get()
    assert second.version == first.version + 1
    assert first.results.count() == counted and second.results.count() == counted


def test_rules_and_agencies_are_data_an_admin_edits(matched_city):
    classify(actor=None)
    before = Referral.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    rule = NeedRule.objects.get(code="anak-tidak-sekolah")
    bappeda = Agency.objects.get(code="bappeda")
    rule.agency = bappeda
    rule.conditions = [{"field": "size", "op": "ge", "value": 1}]  # every family
    rule.full_clean()
    rule.save()
    classify(actor=None, refit=False)
    # Referrals already open stay with their agency; new ones go to the agency now named.
    sent = Referral.objects.filter(rule=rule, pk__gt=before)
    assert sent.exists() and set(sent.values_list("agency_id", flat=True)) == {bappeda.pk}

    rule.conditions = [{"field": "income", "op": "lt", "value": 5}]
    with pytest.raises(ValidationError, match="income"):
        rule.full_clean()


def test_the_most_specific_poverty_line_applies(matched_city):
    classify(actor=None)  # seeds the national lines
    national = PovertyLine.objects.get(year=2025, kind=LineKind.POVERTY, region=None).amount
    PovertyLine.objects.create(
        year=2025, kind=LineKind.POVERTY, region=Region.objects.get(code="33.74"), amount=700_000
    )
    lines = lines_for(pl.Series(["33.74.01.1001", "33.22.01.2001"]), 2025)
    by_village = dict(zip(lines["village_id"], lines["poverty_line"], strict=True))
    assert by_village == {"33.74.01.1001": 700_000, "33.22.01.2001": national}


def test_the_expected_share_below_a_line_reads_each_prediction_as_a_spread():
    import numpy as np

    from padu.welfare.pmt import expected_share_below

    line = np.log(np.full(3, 400_000.0))
    # A family predicted right at the line is below it half the time.
    assert expected_share_below(line[:1], np.ones(1), line[:1], 0.25) == pytest.approx(0.5)
    # Far below and far above: all of a three-person family and none of a one-person one.
    scores = line + np.array([-2.0, 2.0, 0.0])
    sizes = np.array([3.0, 1.0, 0.0])
    assert expected_share_below(scores, sizes, line, 0.25) == pytest.approx(0.75, abs=1e-6)
    # One standard deviation above the line: about 16%, more than a count of predictions
    # below the line (none) would say.
    assert expected_share_below(line + 0.25, np.ones(3), line, 0.25) == pytest.approx(
        0.1587, abs=1e-3
    )


def test_the_poverty_cutoffs_follow_the_share_the_model_expects(matched_city):
    classify(actor=None)
    model = WelfareModel.objects.get()
    expected = model.statistics["shares"]
    assert (
        set(expected) == set(model.statistics["sample_shares"]) == {"ekstrem", "miskin", "rentan"}
    )
    assert 0 < expected["ekstrem"] < expected["miskin"] < expected["rentan"] < 1
    # The PMT flags about the expected share of persons (ties at a cut-off aside).
    results = _results(model).unique("family__members__id")
    by_score = results.filter(pl.col("score") <= model.cutoffs["miskin"])
    assert by_score.height / results.height == pytest.approx(expected["miskin"], abs=0.02)


def test_a_family_verivali_found_well_off_is_not_counted_poor(matched_city):
    classify(actor=None)
    poor = FamilyWelfare.objects.filter(status__in=POOR_STATUSES).values_list(
        "family_id", flat=True
    )
    well_off, not_eligible, eligible = list(poor[:3])
    Family.objects.filter(pk=well_off).update(verification_status="mampu")
    Family.objects.filter(pk=not_eligible).update(verification_status="tidak_layak")
    Family.objects.filter(pk=eligible).update(verification_status="layak")
    classify(actor=None, refit=False)
    model = WelfareModel.objects.get()  # the same model: only the verdicts changed
    status = dict(FamilyWelfare.objects.filter(model=model).values_list("family_id", "status"))
    assert status[well_off] == status[not_eligible] == PovertyStatus.NOT_POOR
    assert status[eligible] in POOR_STATUSES  # confirmed poor stays poor
