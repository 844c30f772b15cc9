"""Targeting checks on agency lists with planted errors: precision and recall of each check
for its kind of error (target: each >= 0.95), how many rows with a mistyped NIK still link
to their person, and the time and peak memory to import, link and check the big list
(target: 100,000 rows in under 60 s on SQLite).

    .venv/bin/python benchmarks/targeting_check.py [--people 1000000] [--rows 100000]
        [--data-dir DIR]

The city is imported, matched and classified first (not timed; with --data-dir, once into
that folder, and every run works on a copy of it). The lists are drawn from its registry by
padu.synth.programs, which also records some deaths and moves the way a field visit does.
The big list is imported in a child process, so that its peak memory is its own.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from city import peak_mb, prepare_city, reuse_django, setup_django

YEAR = 2025


def import_one(args) -> None:
    """In a child process: import, link and check one list; print JSON."""
    reuse_django(args.data_dir)
    from padu.programs.models import Cycle, Program
    from padu.programs.services import approve_cycle, import_cycle_list

    started = time.perf_counter()
    cycle = import_cycle_list(
        Path(args.file),
        program=Program.objects.get(code=args.program),
        cycle_name=args.cycle,
        actor=None,
    )
    seconds = time.perf_counter() - started
    peak = peak_mb()
    # Approving checks the list once more and freezes it.
    started = time.perf_counter()
    approve_cycle(Cycle.objects.get(pk=cycle.pk), actor=None)
    approve_seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "approve_seconds": approve_seconds,
                      "summary": cycle.summary}))  # fmt: skip


def score(rows) -> dict:
    """Per kind of planted error: precision and recall of the check that should catch it
    (``rows``: the truth of each row joined to its line of the check report)."""
    import polars as pl

    from padu.synth.programs import EXPECTED

    out = {}
    for kind, (column, answer) in EXPECTED.items():
        is_planted = pl.col("error") == kind
        flagged = pl.col(column) == answer
        tp = rows.filter(is_planted & flagged).height
        out[kind] = {
            "planted": rows.filter(is_planted).height,
            "flagged": rows.filter(flagged).height,
            "precision": tp / max(1, rows.filter(flagged).height),
            "recall": tp / max(1, rows.filter(is_planted).height),
        }
    right = pl.col("id_orang") == pl.col("person_id")
    mistyped = rows.filter(pl.col("nik_mistyped"))
    out["tautan"] = {
        "rows": rows.height,
        "linked_right": rows.filter(right).height,
        "mistyped": mistyped.height,
        "mistyped_linked_right": mistyped.filter(right).height,
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--region", default="33.74")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--import-one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--program", help=argparse.SUPPRESS)
    parser.add_argument("--cycle", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.import_one:
        return import_one(args)
    if args.data_dir and (args.data_dir / "padu.sqlite3").exists():
        # A prepared city is copied: a run never sees an earlier run's programs and lists.
        data = Path(tempfile.mkdtemp(prefix="padu-bench-"))
        shutil.copy2(args.data_dir / "padu.sqlite3", data / "padu.sqlite3")
        reuse_django(data)
    else:
        if args.data_dir:
            data = args.data_dir
            reuse_django(data)
            from padu.regions.services import load_regions

            load_regions(only=(args.region,))
        else:
            data = setup_django(args.region)
        started = time.perf_counter()
        prepare_city(args.people, args.region, args.seed)
        print(f"city ready in {time.perf_counter() - started:.0f} s: {data}", flush=True)
        if args.data_dir:  # kept as prepared: this run, too, starts again on a copy
            os.execv(sys.executable, [sys.executable, __file__, *sys.argv[1:]])

    import polars as pl

    from padu.programs.models import Program
    from padu.programs.reports import check_report
    from padu.synth.programs import write_program_lists

    started = time.perf_counter()
    lists = write_program_lists(
        data / "lists", region=args.region, year=YEAR, rows=args.rows, seed=args.seed
    )
    print(f"lists written in {time.perf_counter() - started:.0f} s", flush=True)
    joined = []
    for planted in lists:
        child = subprocess.run(
            [sys.executable, __file__, "--import-one", "--data-dir", str(data),
             "--file", str(planted.path), "--program", planted.program, "--cycle", planted.cycle],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        result = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{planted.program}: {planted.truth.height:,} rows imported, linked and checked in "
            f"{result['seconds']:.1f} s, peak {result['peak_mb']:,.0f} MB "
            f"(target for 100,000 rows: < 60 s); approved (checked again, frozen) in "
            f"{result['approve_seconds']:.1f} s",
            flush=True,
        )
        program = Program.objects.get(code=planted.program)
        cycle = program.cycles.get(name=planted.cycle)
        report = check_report(cycle.beneficiaries.all())
        rows = planted.truth.join(report, left_on="row_number", right_on="baris", how="left")
        joined.append(rows)
        for kind, figures in score(rows).items():
            print(f"  {kind}: {figures}")
    print("all lists (target: precision and recall >= 0.95 for each kind):")
    for kind, figures in score(pl.concat(joined, how="vertical_relaxed")).items():
        if kind == "tautan":
            print(
                f"  links: {figures['linked_right']:,} of {figures['rows']:,} rows to their "
                f"person; mistyped NIK: {figures['mistyped_linked_right']:,} of "
                f"{figures['mistyped']:,}"
            )
        else:
            print(
                f"  {kind:<13} planted {figures['planted']:>6,}  precision "
                f"{figures['precision']:.3f}  recall {figures['recall']:.3f}"
            )


if __name__ == "__main__":
    main()
