"""Targeting accuracy of Padu's PMT beside the BPS 14-criteria rule, against the synthetic
city's true per-capita expenditure, and the time to classify its families on SQLite
(targets: the PMT's exclusion error for the extremely poor at least a third lower than the
14-criteria rule's at a similar inclusion error; a million people classified in < 60 s).

    .venv/bin/python benchmarks/welfare_targeting.py [--people 200000] [--region 33.74]

The city is imported and matched first (not timed here: see match_accuracy.py). Golden
families are tied to true families through their source records (the true family most
of its records belong to). "Poorest 40%" is the 40% of persons with the lowest true
expenditure; "extremely poor" are those below the 2025 extreme line. The 14-criteria rule
ranks families by criteria met (ties in random order). It is compared two ways: with nets
of as many families as the PMT flags (and two and four times as many), and, as the issue
states the target, at a similar inclusion error: the rule's widest net that is no less
precise than the PMT's. Extreme poverty is rare: the default city of 200,000 has about 370
extremely poor families; one of 50,000 has about 70, too few to settle the target (its
exclusion errors carry a standard error of about 0.06).
"""

import argparse
import sys
import time

from city import import_sources, peak_mb, setup_django, synthetic_city


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--region", default="33.74")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django(args.region)
    import polars as pl

    from padu.matching.models import RecordLink
    from padu.matching.services import run_matching
    from padu.synth.population import EXPENDITURE_SLOPE, SIZE_ELASTICITY
    from padu.welfare.choices import LineKind, PovertyStatus
    from padu.welfare.evaluation import targeting, top_count, top_share, widest_within
    from padu.welfare.models import FamilyWelfare, PovertyLine
    from padu.welfare.services import classify

    city_dir = synthetic_city(args.region, args.people, args.seed)
    import_sources(city_dir)
    run, _ = run_matching(actor=None)
    if run.status != "completed":
        sys.exit(f"matching failed: {run.message}")

    started = time.perf_counter()
    result = classify(actor=None)
    seconds = time.perf_counter() - started
    peak = peak_mb()
    model = result.models[0]
    print(
        f"{args.people:,} people: {result.families:,} families classified in {seconds:.1f} s "
        f"(peak {peak:,.0f} MB for the whole process) "
        f"[target < 60 s for a million people: {'met' if seconds < 60 else 'MISSED'}]"
    )
    stats = model.statistics
    print(
        f"PMT {model}: {stats['n']:,} families with known expenditure, {stats['variables']} "
        f"variables, R² {stats['r2']:.3f}, held-out R² {stats['holdout_r2']:.3f}, "
        f"RMSE {stats['rmse']:.3f}"
    )

    # Golden family -> true family, by the majority of its source records.
    links = pl.DataFrame(
        list(RecordLink.objects.values("dataset__name", "record_id", "family_id"))
    ).rename({"dataset__name": "source", "family_id": "golden_family"})
    truth_rows = pl.read_csv(
        city_dir / "truth" / "source_rows.csv",
        schema_overrides={"record_id": pl.String, "family_id": pl.Int64},
    )
    tied = (
        links.with_columns(pl.col("source").str.to_lowercase())
        .join(truth_rows.select("source", "record_id", "family_id"), on=["source", "record_id"])
        .group_by("golden_family", "family_id")
        .len()
        .sort("len", descending=True)
        .unique("golden_family", keep="first")
    )
    true_families = pl.read_csv(city_dir / "truth" / "families.csv").select(
        "family_id", "size", "welfare", true_expenditure="expenditure_per_capita"
    )
    results = pl.DataFrame(
        list(
            FamilyWelfare.objects.filter(model=model).values(
                "family_id", "score", "desil", "status", "criteria_met"
            )
        )
    ).rename({"family_id": "golden_family"})
    frame = results.join(tied.select("golden_family", "family_id"), on="golden_family").join(
        true_families, on="family_id"
    )
    # One row per true family (a true family split into two golden ones counts once).
    frame = frame.sort("golden_family").unique("family_id", keep="first")
    extreme_line = PovertyLine.objects.get(
        year=model.year, kind=LineKind.EXTREME, region=None
    ).amount
    true_rank = top_share(frame, pl.col("true_expenditure"), "size", 0.4)
    frame = frame.with_columns(
        poorest_40=true_rank,
        truly_extreme=pl.col("true_expenditure") < extreme_line,
        pmt_40=pl.col("desil") <= 4,
        pmt_extreme=pl.col("score") <= model.cutoffs[PovertyStatus.EXTREME],
        padu_extreme=pl.col("status") == PovertyStatus.EXTREME,
        criteria_40=top_share(frame, -pl.col("criteria_met"), "size", 0.4),
    )
    # The nets for the extremely poor hold equal numbers of families (so that inclusion
    # errors are alike): as many as the PMT flags, then two and four times as many. Extreme
    # poverty is rare and a family's spending has a part no observable shows (a bad month),
    # so the "best possible" row ranks by all the generator knows but that part.
    flagged = frame["pmt_extreme"].sum()
    best_possible = EXPENDITURE_SLOPE * pl.col("welfare") + SIZE_ELASTICITY * pl.col("size").log()
    ranks = {"pmt": pl.col("score"), "criteria": -pl.col("criteria_met"), "best": best_possible}
    frame = frame.with_columns(
        **{
            f"{name}_extreme_{times}x": top_count(frame, rank, times * flagged, seed=args.seed)
            for times in (1, 2, 4)
            for name, rank in ranks.items()
        },
        pmt_extreme_desil1=pl.col("desil") == 1,
        criteria_extreme_desil1=top_count(
            frame, ranks["criteria"], (frame["desil"] == 1).sum(), seed=args.seed
        ),
    )
    # The issue's own comparison: the rule's widest net that is as precise as the PMT's
    # (a similar inclusion error), so that the rule is not handed a larger net.
    pmt_precision = targeting(frame, "pmt_extreme_1x", "truly_extreme").inclusion_error
    frame = frame.with_columns(
        criteria_extreme_precise=widest_within(
            frame, ranks["criteria"], "truly_extreme", pmt_precision, seed=args.seed
        )
    )
    print(f"{frame.height:,} families tied to the truth; extreme line Rp{extreme_line:,}")
    print("                          selected  eligible  inclusion err  exclusion err")
    rows = [
        ("poorest 40%  PMT", "pmt_40", "poorest_40"),
        ("poorest 40%  14 criteria", "criteria_40", "poorest_40"),
        ("extreme      Padu status*", "padu_extreme", "truly_extreme"),
    ]
    for times in (1, 2, 4):
        net = "extreme" if times == 1 else f"extreme {times}×"
        rows += [
            (f"{net:<13}PMT", f"pmt_extreme_{times}x", "truly_extreme"),
            (f"{net:<13}14 criteria", f"criteria_extreme_{times}x", "truly_extreme"),
            (f"{net:<13}best possible", f"best_extreme_{times}x", "truly_extreme"),
        ]
    rows += [
        ("extreme ≈IE  14 criteria", "criteria_extreme_precise", "truly_extreme"),
        ("desil 1      PMT", "pmt_extreme_desil1", "truly_extreme"),
        ("desil 1      14 criteria", "criteria_extreme_desil1", "truly_extreme"),
    ]
    measured = {}
    for label, selected, eligible in rows:
        t = targeting(frame, selected, eligible)
        measured[selected] = t
        print(
            f"{label:<26}{t.selected:>8,}  {t.eligible:>8,}  {t.inclusion_error:>13.3f}  "
            f"{t.exclusion_error:>13.3f}"
        )
    print("* PMT, with the observed expenditure where the census sample has it")
    print("≈IE: the rule's widest net with an inclusion error no higher than the PMT's 1× net")
    pmt, precise = measured["pmt_extreme_1x"], measured["criteria_extreme_precise"]
    print(
        f"[target, at a similar inclusion error (the rule's widest net with an inclusion error "
        f"<= the PMT's {pmt.inclusion_error:.3f}: {precise.selected} families, inclusion error "
        f"{precise.inclusion_error:.3f}): PMT exclusion error {pmt.exclusion_error:.3f} vs "
        f"{precise.exclusion_error:.3f}: "
        f"{'met' if pmt.exclusion_error <= precise.exclusion_error * 2 / 3 else 'MISSED'}]"
    )
    for times in (1, 2, 4):
        pmt, rule = measured[f"pmt_extreme_{times}x"], measured[f"criteria_extreme_{times}x"]
        best = measured[f"best_extreme_{times}x"]
        met = pmt.exclusion_error <= rule.exclusion_error * 2 / 3
        print(
            f"[target, {times}× the families the PMT flags: PMT exclusion error for the "
            f"extremely poor <= 2/3 of the 14-criteria rule's ({pmt.exclusion_error:.3f} vs "
            f"{rule.exclusion_error:.3f}; best possible {best.exclusion_error:.3f}): "
            f"{'met' if met else 'MISSED'}]"
        )


if __name__ == "__main__":
    main()
