"""The lists people work from, on a city of a million people: server time (p50/p95) and
queries of the family and person lists under each filter and sort, deep pages, and
searches (names with variants and typing errors, part of a NIK, an address). Target: any
page under 200 ms.

    .venv/bin/python benchmarks/lists.py [--people 1000000] [--data-dir DIR] [--repeat 7]

Without ``--data-dir`` the synthetic city is imported, matched and classified first (not
timed) in a new folder, which is printed so that a later run can reuse it.
"""

import argparse
import statistics
import time
from pathlib import Path

from city import prepare_city, reuse_django, setup_django

TARGET_MS = 200


def cases(region: str) -> list[tuple[str, str, dict]]:
    """(label, url, query) of the pages timed, with real names, numbers and places of the
    city (read from it, so that a search finds something)."""
    from padu.registry.models import Family, Person

    person = Person.objects.filter(lifecycle="aktif").exclude(nik="").order_by("pk")[5_000]
    family = Family.objects.exclude(address="").order_by("pk")[7_000]
    district = family.village_id[:8]
    words = person.full_name.split()
    typo = words[-1][:2] + words[-1][3:] if len(words[-1]) > 4 else words[-1] + "h"
    families, persons = "/registri/keluarga/", "/registri/orang/"
    return [
        ("families: first page", families, {}),
        ("families: page 2,000", families, {"page": 2000}),
        ("families: last page", families, {"page": 10**6}),
        ("families: status ekstrem", families, {"status": "ekstrem"}),
        ("families: desil 1-2, by desil", families, {"desil_sampai": 2, "sort": "desil"}),
        ("families: need jaminan-kesehatan", families, {"kebutuhan": "jaminan-kesehatan"}),
        ("families: verivali layak", families, {"verivali": "layak"}),
        ("families: receives PKH", families, {"program": "pkh"}),
        ("families: not verified 12 months", families, {"belum_verivali": 12}),
        ("families: one district", families, {"wilayah": district}),
        ("families: district+miskin, by -desil", families,
         {"wilayah": district, "status": "miskin", "sort": "-desil"}),
        ("families: by status, page 500", families, {"sort": "poverty_status", "page": 500}),
        ("families: all by -desil", families, {"sort": "-desil"}),
        ("persons: first page", persons, {}),
        ("persons: age 60-130", persons, {"umur_dari": 60, "umur_sampai": 130}),
        ("persons: district, by age", persons, {"wilayah": district, "sort": "age"}),
        ("search: full name", families, {"q": person.full_name}),
        ("search: Moh. Yusuf", families, {"q": "Moh. Yusuf"}),
        ("search: one word with a typo", families, {"q": typo}),
        ("search: last 6 digits of a NIK", families, {"q": person.nik[-6:]}),
        ("search: whole NIK", families, {"q": person.nik}),
        ("search: address", families, {"q": family.address[:14]}),
        ("search: a name in persons", persons, {"q": person.full_name}),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--region", default="33.74")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if args.data_dir:
        reuse_django(args.data_dir)
    else:
        data = setup_django(args.region)
        prepare_city(args.people, args.region, args.seed)
        print(f"city ready in {data} (reuse it with --data-dir {data})", flush=True)

    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from padu.accounts.choices import Role
    from padu.accounts.services import ensure_account
    from padu.regions.models import Region
    from padu.registry.models import Person

    setup_test_environment()
    officer = ensure_account(
        username="dinsos-bench", password="x-bench-123", role=Role.DINSOS_OFFICER,
        region=Region.objects.get(code=args.region), first_name="Bench",
    )  # fmt: skip
    client = Client()
    client.force_login(officer)
    people = Person.objects.filter(lifecycle="aktif").count()
    print(f"{people:,} active persons; {args.repeat} requests per page", flush=True)
    cache.clear()
    started = time.perf_counter()
    client.get("/registri/keluarga/", {"q": "zzzz qqqq"})  # reads the name vocabulary once
    print(f"name vocabulary read once per {10} minutes: "
          f"{1000 * (time.perf_counter() - started):.0f} ms", flush=True)  # fmt: skip
    worst = worst_first = 0.0
    for label, url, query in cases(args.region):
        times, queries, rows = [], 0, None
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(url, query)
                times.append(1000 * (time.perf_counter() - began))
            assert response.status_code == 200, (label, response.status_code)
            queries = len(captured)
            rows = response.context["paginator"].count
        # The first request counts the rows (kept 2 minutes, 15 for over 100,000 rows);
        # the others are what everyone else gets meanwhile.
        first, kept = times[0], times[1:] or times
        p95 = statistics.quantiles(kept, n=20)[18] if len(kept) > 1 else kept[0]
        worst, worst_first = max(worst, p95), max(worst_first, first)
        print(
            f"{label:<38} first {first:7.1f} ms  then p50 {statistics.median(kept):7.1f} ms  "
            f"p95 {p95:7.1f} ms  {queries:>2} queries  {rows:>9,} rows",
            flush=True,
        )
    verdict = "met" if worst < TARGET_MS else "MISSED"
    print(f"worst p95 {worst:.1f} ms [target < {TARGET_MS} ms: {verdict}]; slowest first "
          f"request (counting the rows) {worst_first:.1f} ms", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
