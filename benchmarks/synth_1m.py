"""How long `padu synth` takes to write a city of a million people (target: under 2 minutes).

.venv/bin/python benchmarks/synth_1m.py [--people N] [--region 33.74]
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

from city import peak_mb

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
os.environ.setdefault("PADU_ENV", "development")  # a benchmark is a trial


def main() -> None:
    import django

    django.setup()
    from padu.synth.services import generate_region

    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--region", default="33.74")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        result = generate_region(region=args.region, people=args.people, seed=1, out_dir=Path(out))
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in Path(out).rglob("*") if p.is_file())
    peak = peak_mb()
    rows = sum(result.rows.values())
    print(f"synth {args.region}: {args.people:,} people, {result.families:,} families")
    print(f"  source rows: {rows:,} ({', '.join(f'{k} {v:,}' for k, v in result.rows.items())})")
    print(f"  time: {seconds:.1f} s  ({args.people / seconds:,.0f} people/s)")
    print(f"  written: {size / 1e6:,.0f} MB, peak memory {peak:,.0f} MB")
    print(f"  target < 120 s: {'met' if seconds < 120 else 'MISSED'}")


if __name__ == "__main__":
    main()
