"""The leader's pages on a big release: server time of the dashboard and the map at every
level (p50/p95 printed; target: a dashboard page under 300 ms), and the bytes a city's map
sends (target: under 2 MB).

    .venv/bin/python benchmarks/dashboards.py [--people 2000000] [--data-dir DIR]

Without ``--data-dir`` the synthetic city is imported, matched, classified and released
first (not timed). ``--data-dir`` reuses a folder where that was done (e.g. the one
``benchmarks/release.py`` left in the system's temporary folder).
"""

import argparse
import statistics
import time
from pathlib import Path

from city import import_sources, reuse_django, setup_django, synthetic_city


def prepare(people: int, region: str, seed: int):
    from padu.matching.services import run_matching
    from padu.regions.models import Region
    from padu.releases.services import create_release, execute_build
    from padu.welfare.services import classify

    import_sources(synthetic_city(region, people, seed))
    run, _ = run_matching(actor=None)
    assert run.status == "completed", run.message
    classify(region, actor=None)
    release = create_release(
        actor=None, name="Benchmark", period="2026", region=Region.objects.get(code=region),
        year=2025, enqueue=False,
    )  # fmt: skip
    execute_build(release)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2_000_000)
    parser.add_argument("--region", default="33.74")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--per-level", type=int, default=60, help="areas timed per level")
    args = parser.parse_args()
    if args.data_dir:
        reuse_django(args.data_dir)
    else:
        setup_django(args.region)
        prepare(args.people, args.region, args.seed)

    from django.test import Client
    from django.test.utils import setup_test_environment

    from padu.accounts.choices import Role
    from padu.accounts.services import ensure_account
    from padu.regions.models import Boundary, Region
    from padu.regions.services import load_boundaries
    from padu.releases.figures import figures_of
    from padu.releases.models import Release

    setup_test_environment()
    if not Boundary.objects.exists():
        load_boundaries(within=args.region)
    release = (
        Release.objects.filter(status="completed").exclude(manifest={}).order_by("-number").first()
    )
    Release.objects.filter(pk=release.pk, lifecycle="draft").update(lifecycle="checked")
    leader = ensure_account(
        username="pimpinan-bench", password="x-bench-123", role=Role.LEADER,
        region=Region.objects.get(code=args.region), first_name="Bench",
    )  # fmt: skip
    client = Client()
    client.force_login(leader)
    figures = figures_of(release)
    print(f"release {release.number}: {release.summary.get('persons', 0):,} persons", flush=True)
    client.get("/dasbor/")  # first request: the release's files are checked and loaded once
    for page in ("/dasbor/", "/dasbor/peta/"):
        all_times = []
        for level in [lv for lv in figures.levels() if lv >= 2]:
            areas = figures.areas(level)
            step = max(1, len(areas) // args.per_level)
            times = []
            for area in areas[::step][: args.per_level]:
                started = time.perf_counter()
                response = client.get(page, {"wilayah": area})
                times.append(1000 * (time.perf_counter() - started))
                assert response.status_code == 200, (page, area, response.status_code)
            all_times += times
            p95 = statistics.quantiles(times, n=20)[18] if len(times) > 1 else times[0]
            print(
                f"{page:<14} level {level}: {len(times):>3} areas, p50 {statistics.median(times):6.1f} ms, "
                f"p95 {p95:6.1f} ms",
                flush=True,
            )
        p95 = statistics.quantiles(all_times, n=20)[18]
        target = (
            " [target < 300 ms: " + ("met]" if p95 < 300 else "MISSED]")
            if page == "/dasbor/"
            else ""
        )
        print(f"{page:<14} all levels: p95 {p95:.1f} ms{target}", flush=True)
    for area in (args.region, figures.areas(3)[0]):
        body = client.get("/dasbor/peta/", {"wilayah": area, "format": "geojson"}).content
        page = client.get("/dasbor/peta/", {"wilayah": area}).content
        print(
            f"map of {area}: GeoJSON {len(body):,} bytes, whole page {len(page):,} bytes "
            f"[target < 2 MB: {'met' if len(page) < 2_000_000 else 'MISSED'}]",
            flush=True,
        )


if __name__ == "__main__":
    main()
