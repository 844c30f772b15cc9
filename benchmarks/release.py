"""Releases: how long writing one takes, and how fast the figures behind the leaders' pages
come back from it (targets: a 1-million-person city written in under 60 s on SQLite; every
aggregate query from a 2-million-person release under 200 ms at the 95th percentile, over
all areas and levels).

    .venv/bin/python benchmarks/release.py [--people 500000 1000000 2000000] [--region 33.74]

For each size, in its own process on a fresh SQLite database: the synthetic city imported,
matched and classified (not timed), then a release built (timed), then for every area at
every level (city, district, village, RW, RT) the queries a page makes: the area's own
figures and the figures of the areas below it. Also timed, for comparison, one query that
reads the person-level Parquet (an age breakdown of a village): it grows with the rows.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time

from city import import_sources, peak_mb, setup_django, synthetic_city


def run_one(people: int, region: str, seed: int) -> dict:
    setup_django(region)
    from padu.matching.services import run_matching
    from padu.regions.models import Region
    from padu.releases import storage
    from padu.releases.figures import ReleaseFigures
    from padu.releases.services import create_release, execute_build
    from padu.welfare.services import classify

    city_dir = synthetic_city(region, people, seed)
    started = time.perf_counter()
    import_sources(city_dir)
    run, _ = run_matching(actor=None)
    assert run.status == "completed", run.message
    classify(region, actor=None)
    prepared = time.perf_counter() - started

    release = create_release(
        actor=None,
        name="Benchmark",
        period="2026",
        region=Region.objects.get(code=region),
        year=2025,
        enqueue=False,
    )
    started = time.perf_counter()
    release = execute_build(release)
    build_seconds = time.perf_counter() - started
    assert release.status == "completed", release.message
    directory = storage.release_dir(release.number)
    size_mb = (
        sum(f["bytes"] for t in release.manifest["tables"].values() for f in t["files"]) / 2**20
    )

    started = time.perf_counter()
    figures = ReleaseFigures(directory, release.manifest)  # files hashed, table loaded
    open_ms = 1000 * (time.perf_counter() - started)
    timings, per_level = [], {}
    for level in figures.levels():
        for area in figures.areas(level):
            for query in (figures.area, figures.children):
                started = time.perf_counter()
                query(area)
                elapsed = 1000 * (time.perf_counter() - started)
                timings.append(elapsed)
                per_level.setdefault(level, []).append(elapsed)

    con = storage.open_tables(directory, release.manifest, ["persons"])
    village = figures.areas(4)[0]
    started = time.perf_counter()
    con.execute(
        "SELECT age // 5 AS band, sex, count(*) FROM persons WHERE village = ? "
        "AND lifecycle = 'aktif' GROUP BY ALL",
        [village],
    ).fetchall()
    person_query_ms = 1000 * (time.perf_counter() - started)
    return {
        "people": people,
        "families": release.summary["families"],
        "persons": release.summary["persons"],
        "prepare_s": prepared,
        "build_s": build_seconds,
        "release_mb": size_mb,
        "open_ms": open_ms,
        "queries": len(timings),
        "p50_ms": statistics.median(timings),
        "p95_ms": statistics.quantiles(timings, n=20)[18],
        "max_ms": max(timings),
        "p95_by_level": {
            level: statistics.quantiles(t, n=20)[18] if len(t) > 1 else t[0]
            for level, t in per_level.items()
        },
        "person_query_ms": person_query_ms,
        "peak_mb": peak_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, nargs="+", default=[500_000, 1_000_000, 2_000_000])
    parser.add_argument("--region", default="33.74")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.people[0], args.region, args.seed)))
        return
    results = []
    for people in args.people:
        out = subprocess.run(
            [sys.executable, __file__, "--one", "--people", str(people), "--region", args.region,
             "--seed", str(args.seed)],
            capture_output=True, text=True,
        )  # fmt: skip
        if out.returncode:
            print(f"{people:,} people: failed\n{out.stderr[-3000:]}", flush=True)
            continue
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        met = "met" if result["p95_ms"] < 200 else "MISSED"
        built = (
            ""
            if people != 1_000_000
            else f" [target < 60 s: {'met' if result['build_s'] < 60 else 'MISSED'}]"
        )
        print(
            f"{people:>9,} people ({result['persons']:,} persons, {result['families']:,} families): "
            f"release written in {result['build_s']:.1f} s{built}, {result['release_mb']:.0f} MB; "
            f"opened in {result['open_ms']:.0f} ms; {result['queries']:,} area queries "
            f"p50 {result['p50_ms']:.2f} ms, p95 {result['p95_ms']:.2f} ms, max {result['max_ms']:.1f} ms "
            f"[target p95 < 200 ms: {met}]; a village's age breakdown from persons.parquet "
            f"{result['person_query_ms']:.0f} ms; peak {result['peak_mb']:,.0f} MB "
            f"(import+match+classify {result['prepare_s']:.0f} s, not timed)",
            flush=True,
        )
        print(
            "    p95 by level (ms): "
            + ", ".join(
                f"{level}: {ms:.2f}" for level, ms in sorted(result["p95_by_level"].items())
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
