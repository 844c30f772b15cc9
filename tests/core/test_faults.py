"""Faults survived: the background worker killed (SIGKILL) in the middle of an import, as a
power cut or the kernel's out-of-memory killer would. Nothing of the import is left half
written, and once the worker is started again the batch says it was cut off and the queue's
task is marked failed."""

import io
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest
import requests
from PIL import Image

from benchmarks.pageforms import FormValues

pytestmark = [pytest.mark.once, pytest.mark.slow]


def _padu(env, *args):
    return subprocess.run(
        [sys.executable, "-m", "padu.cli", *args], env=env, check=True, capture_output=True,
        text=True, timeout=600,
    ).stdout  # fmt: skip


def _until(database, sql, condition, *, seconds=120, every=0.05):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(database, timeout=1) as connection:
                row = connection.execute(sql).fetchone()
        except sqlite3.OperationalError:  # locked by the writer for a moment
            row = None
        if row is not None and condition(row):
            return row
        time.sleep(every)
    pytest.fail(f"not reached in {seconds} s: {sql}")


def _kill_mid_run(env, database, table: str, run) -> tuple[str, str, str]:
    """Start the worker, SIGKILL it once the run ``table``/``run`` is under way (it has
    reported progress), start it again and stop it (SIGTERM) once the run is no longer
    running: (status, message) of the run, and what the second worker wrote on stderr."""
    where = f"FROM {table} WHERE id = {run}"
    worker = subprocess.Popen([sys.executable, "-m", "padu.cli", "worker", "--no-reload"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _until(database, f"SELECT status, progress_done {where}",
               lambda row: row[0] == "running" and row[1] > 0)  # fmt: skip
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    with sqlite3.connect(database) as connection:
        (status,) = connection.execute(f"SELECT status {where}").fetchone()
    assert status == "running"  # cut off: nobody has told it yet
    worker = subprocess.Popen([sys.executable, "-m", "padu.cli", "worker", "--no-reload"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        status, message = _until(database, f"SELECT status, message {where}",
                                 lambda row: row[0] != "running", seconds=60)  # fmt: skip
    finally:
        worker.send_signal(signal.SIGTERM)
        _output, errors = worker.communicate(timeout=60)
    return status, message, errors


def test_a_worker_killed_mid_import_leaves_nothing_half_written(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"PADU_ENV": "development", "PADU_DATA_DIR": str(tmp_path / "data")}
    _padu(env, "manage", "migrate", "--verbosity", "0")
    _padu(env, "synth", "--region", "33.74", "--people", "300000", "--seed", "5",
          "--out", str(tmp_path / "city"), "--quiet")  # fmt: skip
    source = next((tmp_path / "city").glob("regsosek.*"))
    batch = _padu(env, "manage", "shell", "-c", (
        "from pathlib import Path\n"
        "from padu.regions.services import load_regions\n"
        "from padu.regions.models import Region\n"
        "from padu.accounts.services import create_user\n"
        "from padu.sources.services import commit_batch, create_batch, find_dataset\n"
        "load_regions(only=('33.74',))\n"
        "user = create_user(username='walidata', password='kata-sandi-uji-9',"
        " role='data_custodian', region=Region.objects.get(code='33.74'))\n"
        f"batch = create_batch(Path({str(source)!r}), dataset=find_dataset('regsosek'),"
        " actor=user, draft=True)\n"
        "commit_batch(batch, actor=user)\n"
        "print(batch.pk)\n"
    )).split()[-1]  # fmt: skip
    database = tmp_path / "data" / "padu.sqlite3"
    # Killed once it has written rows (staged, not yet published).
    status, message, errors = _kill_mid_run(env, database, "sources_importbatch", batch)
    assert status == "failed" and "terhenti" in message, (status, message)
    assert "ditandai gagal" in errors
    with sqlite3.connect(database) as connection:
        for table in ("sources_sourcerecord", "sources_rawrows", "sources_importissue"):
            (left,) = connection.execute(
                f"SELECT COUNT(*) FROM {table} WHERE batch_id = {batch}"
            ).fetchone()
            assert left == 0, table
        (task,) = connection.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult"
        ).fetchone()
    assert task == "FAILED"


#: Each long run the worker does: how to queue it (Python, in the demo's shell), its table,
#: and what it would have written had it finished (tables counted before and after).
LONG_RUNS = {
    "matching": (
        "from padu.matching.services import queue_matching\nprint(queue_matching(actor=user).pk)\n",
        "matching_linkagerun",
        ("matching_matchpair", "matching_recordlink", "matching_matchdecision"),
    ),
    "classification": (
        "from padu.welfare.services import queue_classification\n"
        "print(queue_classification(actor=user, region=None).pk)\n",
        "welfare_classificationrun",
        ("welfare_welfaremodel", "welfare_familywelfare", "welfare_familyneed"),
    ),
    "release": (
        "from padu.releases.services import create_release\n"
        "print(create_release(actor=user, name='Uji', period='2026-12', region=None,"
        " year=2025).pk)\n",
        "releases_release",
        (),
    ),
}


@pytest.fixture(scope="module")
def demo_city(tmp_path_factory):
    """A demo city on SQLite, imported, matched and classified (no server)."""
    folder = tmp_path_factory.mktemp("faults")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"PADU_ENV": "development", "PADU_DATA_DIR": str(folder / "data")}
    _padu(env, "demo", "--people", "20000", "--no-serve", "--quiet")
    return env, folder / "data"


def _counts(database, tables):
    with sqlite3.connect(database) as connection:
        return {t: connection.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}


@pytest.mark.parametrize("kind", LONG_RUNS)
def test_a_worker_killed_mid_run_leaves_nothing_half_written(demo_city, kind):
    env, data = demo_city
    queue, table, outputs = LONG_RUNS[kind]
    database = data / "padu.sqlite3"
    before = _counts(database, outputs)
    run = _padu(env, "manage", "shell", "-c", (
        "from padu.accounts.models import User\n"
        "user = User.objects.get(username='walidata')\n" + queue
    )).split()[-1]  # fmt: skip
    status, message, _errors = _kill_mid_run(env, database, table, run)
    # Told, on the run's page, that it was cut off and can be started again.
    assert status == "failed" and "terhenti" in message.lower(), (status, message)
    assert _counts(database, outputs) == before
    assert not list((data / "releases").glob("*.partial"))
    assert not (data / "tmp" / "duckdb").exists() or not any((data / "tmp" / "duckdb").iterdir())
    if kind == "release":
        assert not (data / "releases" / f"{int(run):05d}").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(env, port):
    """``padu serve`` (gunicorn, no worker) in its own process group, to kill it whole."""
    server = subprocess.Popen(
        [sys.executable, "-m", "padu.cli", "serve", f"127.0.0.1:{port}", "--no-worker",
         "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 180  # a busy machine (CI runs two suites) boots slowly
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).ok:
                return server
        except requests.RequestException:  # not listening yet, or still loading Django
            time.sleep(0.25)
    pytest.fail("the server did not start")


def _kill(server):
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=30)


def _photo() -> bytes:
    buffer = io.BytesIO()
    noise = Image.effect_noise((3000, 2250), 60).convert("RGB")  # a large, hard-to-shrink JPEG
    noise.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


@pytest.mark.parametrize("cut", ["mid-upload", "after-upload"])
def test_the_web_server_killed_while_a_visit_is_sent_keeps_one_whole_visit(demo_city, cut):
    """An operator sends a visit with a photo; the server is killed halfway through the
    upload, or as soon as the last byte is in (while the photo is shrunk and the visit
    saved). After a restart the visit is there whole or not at all, and the phone's resend
    of the same form (same ``client_key``) gives exactly one visit with its photo."""
    env, data = demo_city
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(env, port)
    client = requests.Session()
    try:
        login = client.get(f"{base}/akun/masuk/").text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)[1]
        client.post(f"{base}/akun/masuk/", data={
            "csrfmiddlewaretoken": token, "username": "operator", "password": "padu-demo",
        })  # fmt: skip
        tasks = client.get(f"{base}/verivali/tugas/?tahap=belum").text
        path = re.findall(r'href="(/verivali/tugas/\d+/kunjungan/)"', tasks)[0]
        form = FormValues()
        form.feed(client.get(base + path).text)
        values = {**form.values, "outcome": "layak", "notes": f"putus {cut}"}
        client_key = uuid.UUID(values["client_key"]).hex
        sent = client.prepare_request(requests.Request(
            "POST", base + path, data=values, files={"photos": ("rumah.jpg", _photo(), "image/jpeg")},
        ))  # fmt: skip
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n" + "".join(
            f"{name}: {value}\r\n" for name, value in sent.headers.items()
        )
        with socket.create_connection(("127.0.0.1", port)) as raw:
            raw.sendall(head.encode() + b"\r\n")
            body = sent.body
            raw.sendall(body[: len(body) // 2] if cut == "mid-upload" else body)
            _kill(server)
    finally:
        if server.poll() is None:
            _kill(server)

    database = data / "padu.sqlite3"
    task = int(path.split("/")[3])

    def state():
        with sqlite3.connect(database) as connection:
            visits = connection.execute(
                "SELECT id FROM verification_visit WHERE client_key = ?", (client_key,)
            ).fetchall()
            photos = connection.execute(
                "SELECT image FROM verification_visitphoto WHERE visit_id IN "
                "(SELECT id FROM verification_visit WHERE client_key = ?)",
                (client_key,),
            ).fetchall()
            (assignment,) = connection.execute(
                f"SELECT state FROM verification_assignment WHERE id = {task}"
            ).fetchone()
        return len(visits), [p for (p,) in photos], assignment

    visits, photos, assignment = state()
    if cut == "mid-upload":
        assert (visits, photos, assignment) == (0, [], "belum")
    else:  # whole or not at all
        assert (visits, len(photos), assignment) in {(0, 0, "belum"), (1, 1, "dikunjungi")}
    assert all((data / "media" / p).is_file() for p in photos)

    server = _start_server(env, port)
    try:
        for _resend in range(2):  # the phone sends its draft again, and once more
            again = client.post(base + path, data=values, allow_redirects=False,
                                files={"photos": ("rumah.jpg", _photo(), "image/jpeg")})  # fmt: skip
            assert again.status_code == 302, again.text[:2000]
            assert f"terkirim={uuid.UUID(client_key)}" in again.headers["Location"]
    finally:
        _kill(server)
    visits, photos, assignment = state()
    assert (visits, len(photos), assignment) == (1, 1, "dikunjungi")
    assert (data / "media" / photos[0]).is_file()
