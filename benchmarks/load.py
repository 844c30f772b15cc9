"""Office and field at once against the production server: 50 office users and 20 village
operators (``benchmarks/locustfile.py``) on a city of 200,000 people in PostgreSQL, for a
bounded time, on 127.0.0.1 only. Prints the error rate, p50/p95 per page, and the CPU the
web server, the database and the worker took (what saturates first). Target: p95 under
500 ms for office pages, no errors.

    .venv/bin/pip install -e ".[load]"
    .venv/bin/python benchmarks/load.py [--data-dir DIR] [--people 200000] [--seconds 180]

Without ``--data-dir`` the demo city is built first (``padu demo``, not timed) in a new
folder and a new PostgreSQL database, both printed so that a later run can reuse them
(``--data-dir DIR --database-url URL``). The server is ``padu serve`` (gunicorn, two
workers per core and one, and the background worker); settings are development's (no
HTTPS in front, no second factor at sign-in: the simulated users sign in with a password),
which serve pages exactly as production does.
"""

import argparse
import csv
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OFFICE_TARGET_MS = 500
FIELD_PAGES = {"tugas verivali", "formulir kunjungan", "kirim kunjungan"}
#: Signing in hashes the password (PBKDF2, a million rounds: costly on purpose); the users
#: arrive two a second, and the figures are counted from when all 70 are in.
SIGN_IN = "masuk"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cpu_seconds() -> dict[str, float]:
    """CPU seconds used so far by the web server, the database and the worker (/proc), by
    this script's finished children (the load generator), and the whole machine busy."""
    ticks = os.sysconf("SC_CLK_TCK")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = machine[3] + machine[4]  # idle and iowait
    used = {"gunicorn": 0.0, "postgres": 0.0, "worker": 0.0,
            "locust": children.ru_utime + children.ru_stime,
            "machine": (sum(machine) - idle) / ticks}  # fmt: skip
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            cmdline = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        if "gunicorn" in cmdline:
            used["gunicorn"] += seconds
        elif "postgres" in cmdline:
            used["postgres"] += seconds
        elif "padu.cli worker" in cmdline:
            used["worker"] += seconds
    return used


def prepare_operators(token: str, count: int = 20) -> None:
    """(Run inside the city's settings.) One new operator account for each of the ``count``
    villages with the most families still to visit in the open round, given those villages:
    every run has families to visit, however many visits earlier runs sent. Prints the
    accounts, comma-separated."""
    import django

    django.setup()
    from django.db.models import Count

    from padu.accounts.choices import Role
    from padu.accounts.models import User
    from padu.accounts.services import ensure_account
    from padu.regions.models import Region
    from padu.verification.choices import AssignmentState, RoundStatus
    from padu.verification.models import Assignment, Round
    from padu.verification.services import assign_village

    verification_round = Round.objects.filter(status=RoundStatus.OPEN).latest("starts_on")
    villages = (
        Assignment.objects.filter(round=verification_round, state=AssignmentState.PENDING)
        .values_list("village_id", flat=True)
        .annotate(n=Count("id"))
        .order_by("-n")[:count]
    )
    dinsos = User.objects.get(username="dinsos")
    names = []
    for number, code in enumerate(villages, 1):
        village = Region.objects.get(code=code)
        operator = ensure_account(username=f"beban-{token}-{number}", password="padu-demo",
                                  role=Role.VILLAGE_OPERATOR, region=village)  # fmt: skip
        assign_village(verification_round, village, operator, actor=dinsos)
        names.append(operator.username)
    print(",".join(names))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--database-url")
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seconds", type=int, default=180)
    parser.add_argument("--prepare-operators", metavar="TOKEN", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare_operators:
        return prepare_operators(args.prepare_operators)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="padu-load-"))
    database_url = args.database_url
    if database_url is None:
        name = f"padu_load_{secrets.token_hex(3)}"
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        database_url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    env = {**os.environ, "PADU_ENV": "development", "PADU_DATA_DIR": str(data_dir),
           "DATABASE_URL": database_url, "PADU_SERVICE_RATE": "100000"}  # fmt: skip
    padu = [sys.executable, "-m", "padu.cli"]
    if not args.data_dir:
        print(f"Building the demo city of {args.people:,} people in {data_dir} ({database_url}) …")
        subprocess.run([*padu, "demo", "--people", str(args.people), "--no-serve", "--quiet"],
                       env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
        print(f"  reuse it: --data-dir {data_dir} --database-url {database_url}")
    else:  # a city built by an earlier version: brought to this version's schema first
        subprocess.run([*padu, "manage", "migrate", "--verbosity", "0"], env=env, check=True)
    operators = subprocess.run(
        [sys.executable, __file__, "--prepare-operators", secrets.token_hex(2)],
        env={**env, "DJANGO_SETTINGS_MODULE": "padu.settings", "PYTHONPATH": str(ROOT)},
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1]  # fmt: skip
    env["PADU_LOAD_OPERATORS"] = operators
    port = _free_port()
    workers = 2 * (os.cpu_count() or 1) + 1
    server = subprocess.Popen([*padu, "serve", f"127.0.0.1:{port}", "--workers", str(workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        out = Path(tempfile.mkdtemp(prefix="padu-locust-"))
        before, started = _cpu_seconds(), time.monotonic()
        subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "benchmarks/locustfile.py"),
             "--headless", "--users", "70", "--spawn-rate", "2", "--reset-stats", "--run-time", f"{args.seconds}s",
             "--host", base, "--csv", str(out / "load"), "--only-summary", "--loglevel", "ERROR"],
            check=False, stdout=subprocess.DEVNULL, env=env,
        )  # fmt: skip
        elapsed, after = time.monotonic() - started, _cpu_seconds()
        _report(out / "load_stats.csv", workers, elapsed, before, after)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)


def _report(stats: Path, workers: int, elapsed: float, before: dict, after: dict) -> None:
    rows = [r for r in csv.DictReader(stats.open()) if r["Name"] != "Aggregated"]
    total = sum(int(r["Request Count"]) for r in rows)
    failures = sum(int(r["Failure Count"]) for r in rows)
    print(f"\n50 office users + 20 field operators, {elapsed:.0f} s, gunicorn {workers} workers, "
          f"PostgreSQL; {total:,} requests, {failures:,} errors ({failures / max(total, 1):.2%})")  # fmt: skip
    print(f"{'page':<28} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'req/s':>6}")
    worst_office = 0
    for row in sorted(rows, key=lambda r: r["Name"]):
        p50, p95 = int(float(row["50%"] or 0)), int(float(row["95%"] or 0))
        if row["Name"] not in FIELD_PAGES and row["Name"] != SIGN_IN:
            worst_office = max(worst_office, p95)
        print(f"{row['Name']:<28} {int(row['Request Count']):>8} {int(row['Failure Count']):>6} "
              f"{p50:>7} {p95:>7} {float(row['Requests/s']):>6.1f}")  # fmt: skip
    cores = os.cpu_count() or 1
    print("CPU used (share of the machine's cores over the run):")
    for name in ("machine", "gunicorn", "postgres", "worker", "locust"):
        share = (after[name] - before[name]) / (elapsed * cores)
        print(f"  {name:<9} {share:6.1%}")
    verdict = "met" if worst_office < OFFICE_TARGET_MS and failures == 0 else "NOT met"
    print(f"Target (office p95 < {OFFICE_TARGET_MS} ms, no errors): {verdict} "
          f"(worst office p95 {worst_office} ms)")  # fmt: skip


if __name__ == "__main__":
    main()
