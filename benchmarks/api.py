"""The API under load on the city of a million people, served by gunicorn with production
settings on 127.0.0.1: 1,000 DCI ``idtype-value`` searches by NIK and 1,000 REST family
reads, one client after another and four at once; throughput and p50/p95 latency.

    .venv/bin/python benchmarks/api.py --data-dir DIR [--requests 1000] [--clients 4]

DIR is a city a list or matching benchmark prepared (``benchmarks/lists.py`` prints it).
"""

import argparse
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from city import reuse_django


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _search(nik: str) -> dict:
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return {
        "header": {"version": "1.0.0", "message_id": str(uuid.uuid4()), "message_ts": now,
                   "action": "search", "sender_id": "bench", "receiver_id": "padu",
                   "total_count": 1, "is_msg_encrypted": False},
        "message": {"transaction_id": "bench", "search_request": [{
            "reference_id": "1", "timestamp": now,
            "search_criteria": {"version": "1.0.0", "reg_event_type": "REGISTER",
                                "query_type": "idtype-value", "response_entity": "Group",
                                "query": {"type": "NIK", "value": nik}}}]},
    }  # fmt: skip


def _timed(session: requests.Session, call) -> float:
    began = time.perf_counter()
    response = call(session)
    response.raise_for_status()
    return 1000 * (time.perf_counter() - began)


def _run(label: str, calls: list, clients: int, headers: dict) -> None:
    def work(chunk):
        with requests.Session() as session:
            session.headers.update(headers)
            return [_timed(session, call) for call in chunk]

    chunks = [calls[i::clients] for i in range(clients)]
    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        times = [t for part in pool.map(work, chunks) for t in part]
    elapsed = time.perf_counter() - began
    p95 = statistics.quantiles(times, n=20)[18]
    print(f"{label:<36} {clients} client(s): {len(times) / elapsed:7.1f} req/s  "
          f"p50 {statistics.median(times):6.1f} ms  p95 {p95:6.1f} ms", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    reuse_django(args.data_dir)

    from padu.accounts.choices import Role
    from padu.accounts.services import ensure_account, issue_api_token
    from padu.regions.models import Region
    from padu.registry.models import Family, Person

    user = ensure_account(
        username="siks-ng-bench", password=secrets.token_urlsafe(16), role=Role.DINSOS_OFFICER,
        region=Region.objects.get(code="33.74"),
    )  # fmt: skip
    _token, key = issue_api_token(user, name="bench", scopes=["read"], days=1, actor=None)
    step = max(Person.objects.count() // args.requests, 1)
    niks = list(
        Person.objects.exclude(nik="")
        .order_by("pk")
        .values_list("nik", flat=True)[::step][: args.requests]
    )
    families = list(
        Family.objects.order_by("pk").values_list("pk", flat=True)[::97][: args.requests]
    )

    port = _free_port()
    env = {**os.environ, "PADU_ENV": "production", "PADU_SECRET_KEY": secrets.token_urlsafe(40),
           "PADU_ALLOWED_HOSTS": "127.0.0.1", "PADU_API_RATE": "1000000/min"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "padu.wsgi:application", "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    # Behind the reverse proxy the request arrives as HTTPS; here the proxy's header says so.
    headers = {"Authorization": f"Bearer {key}", "X-Forwarded-Proto": "https"}
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/api/v1/families/{families[0]}/", headers=headers, timeout=2)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        found = requests.post(f"{base}/api/dci/registry/sync/search", json=_search(niks[0]),
                              headers=headers, timeout=30).json()  # fmt: skip
        records = found["message"]["search_response"][0]["data"]["reg_records"]
        assert len(records) == 1, found  # a search by NIK finds its family
        print(f"gunicorn, 2 workers, production settings, SQLite; {len(niks)} NIKs, "
              f"{len(families)} families", flush=True)  # fmt: skip
        dci = [lambda s, n=n: s.post(f"{base}/api/dci/registry/sync/search", json=_search(n))
               for n in niks]  # fmt: skip
        rest = [lambda s, f=f: s.get(f"{base}/api/v1/families/{f}/") for f in families]
        for clients in (1, args.clients):
            _run("DCI idtype-value search by NIK", dci, clients, headers)
            _run("REST family read", rest, clients, headers)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
