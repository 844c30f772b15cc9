"""The production server, as the README's production section runs it: a fresh data
directory, migrations, an account, then ``padu serve`` (gunicorn and the worker) with
production settings on 127.0.0.1; sign in, load pages and a static file, ask /readyz, and
stop it with SIGTERM."""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookies import SimpleCookie

import pytest

pytestmark = [pytest.mark.once, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _padu(env, *args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "padu.cli", *args], env=env, check=True, capture_output=True,
        text=True, timeout=600, **kwargs,
    )  # fmt: skip


def test_the_production_server_serves_signs_in_and_stops_cleanly(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "PADU_ENV": "production",
        "PADU_DATA_DIR": str(tmp_path / "data"),
        "PADU_SECRET_KEY": secrets.token_urlsafe(50),
        "PADU_ALLOWED_HOSTS": "padu.example.go.id",
        "PADU_DISK_FREE_FLOOR_MB": "1",
    }
    _padu(env, "manage", "migrate", "--verbosity", "0")
    _padu(env, "manage", "shell", "-c", (
        "from padu.accounts.services import create_user; "
        "create_user(username='warga', password='kata-sandi-warga-9', role='public')"
    ))  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "padu.cli", "serve", f"127.0.0.1:{port}", "--workers", "2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    # Behind the reverse proxy a request arrives as HTTPS; the proxy's header says so. Its
    # cookies are Secure, which a client of plain HTTP keeps to itself: sent by hand here.
    cookies = SimpleCookie()

    def open_(path, data=None):
        headers = {
            "X-Forwarded-Proto": "https",
            "Referer": f"https://127.0.0.1:{port}/akun/masuk/",
            "Cookie": "; ".join(f"{k}={m.value}" for k, m in cookies.items()),
        }
        request = urllib.request.Request(base + path, data=data, headers=headers)
        response = urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        return response

    def get(path):
        try:
            return open_(path)
        except urllib.error.HTTPError as redirect:  # follow a redirect, keeping the cookies
            if redirect.code not in (301, 302):
                raise
            for header in redirect.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
            return get(urllib.parse.urlsplit(redirect.headers["Location"]).path)

    try:
        for _ in range(120):
            try:
                ready = urllib.request.urlopen(f"{base}/readyz", timeout=5)
                break
            except urllib.error.HTTPError as waiting:  # 503 until the worker's first beat
                if waiting.code != 503:
                    raise
            except OSError:
                pass
            time.sleep(0.5)
        else:
            pytest.fail("the server did not become ready")
        assert b'"status": "ok"' in ready.read()
        assert urllib.request.urlopen(f"{base}/healthz", timeout=5).status == 200
        login = get("/akun/masuk/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login)[1]
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": "warga", "password": "kata-sandi-warga-9"}
        ).encode()
        with pytest.raises(urllib.error.HTTPError) as signed_in:
            open_("/akun/masuk/", data=form)
        assert signed_in.value.code == 302, signed_in.value.read().decode()[:500]
        for header in signed_in.value.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        home = get(signed_in.value.headers["Location"]).read().decode()
        assert "Selamat datang" in home and "Layanan warga" in home
        assert "Layanan terpadu" in get("/layanan/").read().decode()
        css = get("/static/padu/padu.css")  # WhiteNoise, from the collected files
        assert css.status == 200 and b".topbar" in css.read()
        # Plain HTTP that did not come through the proxy is sent to HTTPS.
        with pytest.raises(urllib.error.HTTPError) as redirected:
            urllib.request.build_opener(_NoRedirect).open(f"{base}/layanan/", timeout=5)
        assert redirected.value.code == 301
        assert redirected.value.headers["Location"].startswith("https://")
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=120)
    assert server.returncode == 0, output
    assert "Traceback" not in output, output
