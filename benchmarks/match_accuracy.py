"""Matching accuracy on the synthetic city against the generator's truth, beside the
exact-NIK baseline most offices use (targets: person precision >= 0.995, recall >= 0.99).

    .venv/bin/python benchmarks/match_accuracy.py [--people 50000] [--region 33.74]
"""

import argparse
import os
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
    run, linkage = run_matching(actor=None)
    matched = time.perf_counter()

    records = with_truth(features(read_current_records()), data / "city" / "truth")
    padu = pairwise_accuracy(
        records.join(linkage.clusters, on="unique_id"), "cluster_id", "person_id"
    )
    baseline = pairwise_accuracy(
        records.with_columns(key=pl.coalesce("nik", pl.col("unique_id").cast(pl.String))),
        "key",
        "person_id",
    )
    print(
        f"{args.people:,} people, {run.records:,} source records, {run.comparisons:,} comparisons, "
        f"{run.clusters:,} clusters, {run.pairs_queued:,} pairs for review"
    )
    print(f"import {imported - started:.1f} s, matching {matched - imported:.1f} s")
    print("persons      precision  recall   F1")
    for name, acc in (("Padu", padu), ("exact NIK", baseline)):
        print(f"{name:<12} {acc.precision:.4f}     {acc.recall:.4f}   {acc.f1:.4f}")
    met = padu.precision >= 0.995 and padu.recall >= 0.99
    print(f"[target precision >= 0.995 and recall >= 0.99: {'met' if met else 'MISSED'}]")


if __name__ == "__main__":
    main()
