"""Matching accuracy on the synthetic city against the generator's truth, beside the
exact-NIK (and exact No KK) baseline most offices use (targets: person precision >= 0.995 and
recall >= 0.99; family precision and recall >= 0.98), and the time and memory of import plus
matching plus golden records (target for a million people: under 5 minutes and 6 GB).

    .venv/bin/python benchmarks/match_accuracy.py [--people 50000] [--region 33.74]
        [--incremental]

With --incremental, Regsosek and DTKS are imported and matched first, then P3KE is imported
and matched as new records against them (no training, only pairs with a new record); the
accuracy printed is the end result's.
"""

import argparse
import sys
import time

from city import SOURCES, import_sources, peak_mb, setup_django, synthetic_city


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--region", default="33.74")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--incremental", action="store_true")
    args = parser.parse_args()
    setup_django(args.region)
    import polars as pl

    from padu.matching.evaluation import pairwise_accuracy, with_truth
    from padu.matching.features import features, read_current_records
    from padu.matching.models import RecordLink
    from padu.matching.services import run_matching

    city_dir = synthetic_city(args.region, args.people, args.seed)
    started = time.perf_counter()
    import_sources(city_dir, ("regsosek", "dtks") if args.incremental else SOURCES)
    imported = time.perf_counter()
    run, _linkage = run_matching(actor=None)
    matched = time.perf_counter()
    if run.status != "completed":
        sys.exit(f"matching failed: {run.message}")
    if args.incremental:
        print(
            f"Regsosek and DTKS: import {imported - started:.1f} s, full matching "
            f"{matched - imported:.1f} s ({run.records:,} records, {run.comparisons:,} comparisons)"
        )
        import_sources(city_dir, ("p3ke",))
        again = time.perf_counter()
        run, _linkage = run_matching(actor=None)
        done = time.perf_counter()
        if run.status != "completed":
            sys.exit(f"matching P3KE failed: {run.message}")
        print(
            f"P3KE: import {again - matched:.1f} s, matching its records against the others "
            f"({run.get_mode_display()}) {done - again:.1f} s, {run.comparisons:,} comparisons"
        )

    links = pl.DataFrame(
        list(RecordLink.objects.values("dataset__name", "record_id", "person_id", "family_id"))
    ).rename(
        {"dataset__name": "source_dataset", "person_id": "padu_person", "family_id": "padu_family"}
    )
    records = features(read_current_records()).join(links, on=["source_dataset", "record_id"])
    records = with_truth(records, city_dir / "truth")
    alone = pl.col("unique_id").cast(pl.String)
    rows = {
        "persons": (
            pairwise_accuracy(records, "padu_person", "person_id"),
            pairwise_accuracy(records.with_columns(k=pl.coalesce("nik", alone)), "k", "person_id"),
        ),
        "families": (
            pairwise_accuracy(records, "padu_family", "family_id"),
            pairwise_accuracy(
                records.with_columns(k=pl.coalesce("kk_number", alone)), "k", "family_id"
            ),
        ),
    }
    print(
        f"{args.people:,} people, {run.records:,} source records, {run.comparisons:,} comparisons, "
        f"{run.clusters:,} persons, {run.pairs_queued:,} pairs for review"
    )
    peak = peak_mb()
    total = matched - started
    print(
        f"import {imported - started:.1f} s, matching and golden records "
        f"{matched - imported:.1f} s, together {total:.1f} s, peak {peak:,.0f} MB "
        f"[target < 300 s and < 6,144 MB: {'met' if total < 300 and peak < 6144 else 'MISSED'}]"
    )
    print("             Padu                         exact NIK / exact No KK")
    print("             precision  recall  F1        precision  recall  F1")
    for name, (padu, baseline) in rows.items():
        print(
            f"{name:<12} {padu.precision:.4f}     {padu.recall:.4f}  {padu.f1:.4f}    "
            f"{baseline.precision:.4f}     {baseline.recall:.4f}  {baseline.f1:.4f}"
        )
    persons, families = rows["persons"][0], rows["families"][0]
    met = (
        persons.precision >= 0.995
        and persons.recall >= 0.99
        and families.precision >= 0.98
        and families.recall >= 0.98
    )
    print(
        "[targets persons P>=0.995 R>=0.99, families P>=0.98 R>=0.98: "
        f"{'met' if met else 'MISSED'}]"
    )


if __name__ == "__main__":
    main()
