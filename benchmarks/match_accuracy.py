"""Matching accuracy on the synthetic city against the generator's truth, beside the
exact-NIK (and exact No KK) baseline most offices use (targets: person precision >= 0.995 and
recall >= 0.99; family precision and recall >= 0.98), and the time and memory of import plus
matching plus golden records (target for a million people: under 5 minutes and 6 GB).

    .venv/bin/python benchmarks/match_accuracy.py [--people 50000] [--region 33.74]
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--region", default="33.74")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="padu-match-"))
    os.environ["PADU_DATA_DIR"] = str(data)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    import polars as pl
    from django.core.management import call_command

    from padu.matching.evaluation import pairwise_accuracy, with_truth
    from padu.matching.features import features, read_current_records
    from padu.matching.models import RecordLink
    from padu.matching.services import run_matching
    from padu.regions.services import load_regions
    from padu.sources.services import find_dataset, import_file
    from padu.synth.services import generate_region

    call_command("migrate", verbosity=0)
    load_regions(only=(args.region,))
    city = generate_region(
        region=args.region, people=args.people, seed=args.seed, out_dir=data / "city"
    )
    started = time.perf_counter()
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(city.files[source], dataset=find_dataset(source), actor=None)
    imported = time.perf_counter()
    run, _linkage = run_matching(actor=None)
    matched = time.perf_counter()

    links = pl.DataFrame(
        list(RecordLink.objects.values("dataset__name", "record_id", "person_id", "family_id"))
    ).rename(
        {"dataset__name": "source_dataset", "person_id": "padu_person", "family_id": "padu_family"}
    )
    records = features(read_current_records()).join(links, on=["source_dataset", "record_id"])
    records = with_truth(records, data / "city" / "truth")
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
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
