"""The office and the field at once, for ``benchmarks/load.py``: office users (Dinsos, the
data custodian, Bappeda) search, open families and page through lists, leaders read the
dashboard, its map and coverage; village operators open their task list and submit visits with a photo. Each
simulated person waits 2–6 seconds between steps, as a person reading a page does."""

import io
import itertools
import os
import random
import re

from locust import HttpUser, between, task
from pageforms import FormValues  # beside this file: locust puts its folder on the path
from PIL import Image

PASSWORD = "padu-demo"
OFFICE_ACCOUNTS = itertools.cycle(["dinsos", "walidata", "verifikator"])
#: One operator per village with families to visit (``benchmarks/load.py`` makes them);
#: the demo's six when run by hand.
OPERATOR_ACCOUNTS = itertools.cycle(
    os.environ.get("PADU_LOAD_OPERATORS", "").split(",")
    if os.environ.get("PADU_LOAD_OPERATORS")
    else ["operator", "operator2", "operator3", "operator4", "operator5", "operator6"]
)
SEARCHES = ["siti", "budi santoso", "muhammad", "sri wahyuni", "agus", "nur", "dewi", "3374"]
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (150, 110, 80)).save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


PHOTO = _photo()


def _log_in(user: HttpUser, username: str) -> None:
    page = user.client.get("/akun/masuk/", name="masuk")
    token = _TOKEN.search(page.text)[1]
    user.client.post(
        "/akun/masuk/",
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        name="masuk",
    )


class OfficeUser(HttpUser):
    """Dinsos, the data custodian and Bappeda at their lists and families."""

    fixed_count = 44
    wait_time = between(2, 6)

    def on_start(self):
        self.username = next(OFFICE_ACCOUNTS)
        _log_in(self, self.username)
        self.families: list[str] = []

    @task(4)
    def family_list(self):
        page = self.client.get(
            f"/registri/keluarga/?page={random.randint(1, 20)}", name="daftar keluarga"
        )
        self.families = re.findall(r'href="/registri/keluarga/(\d+)/"', page.text) or self.families

    @task(4)
    def search(self):
        self.client.get(f"/registri/keluarga/?q={random.choice(SEARCHES)}", name="cari keluarga")

    @task(4)
    def family_page(self):
        if self.families:
            self.client.get(
                f"/registri/keluarga/{random.choice(self.families)}/", name="halaman keluarga"
            )

    @task(2)
    def filtered_list(self):
        self.client.get(
            "/registri/keluarga/?desil_sampai=1&sort=desil", name="daftar keluarga desil 1"
        )

    @task(2)
    def referrals(self):
        self.client.get("/rujukan/", name="rujukan")

    @task(1)
    def service_queue(self):
        if self.username != "walidata":  # residents' requests are Dinsos' and Bappeda's
            self.client.get("/layanan/antrean/", name="antrean layanan")


class Leader(HttpUser):
    """A leader (pimpinan) reading the dashboard, its map and verivali coverage."""

    fixed_count = 6
    wait_time = between(2, 6)

    def on_start(self):
        _log_in(self, "pimpinan")

    @task(3)
    def dashboard(self):
        self.client.get("/dasbor/", name="dasbor")

    @task(1)
    def district(self):
        self.client.get("/dasbor/?wilayah=33.74.01", name="dasbor kecamatan")

    @task(1)
    def map(self):
        self.client.get("/dasbor/peta/", name="peta")

    @task(1)
    def coverage(self):
        self.client.get("/verivali/cakupan/", name="cakupan verivali")


class FieldOperator(HttpUser):
    fixed_count = 20
    wait_time = between(2, 6)

    def on_start(self):
        _log_in(self, next(OPERATOR_ACCOUNTS))

    @task
    def visit(self):
        tasks = self.client.get("/verivali/tugas/?tahap=belum", name="tugas verivali")
        pending = re.findall(r'href="/verivali/tugas/(\d+)/kunjungan/"', tasks.text)
        if not pending:
            return
        url = f"/verivali/tugas/{random.choice(pending)}/kunjungan/"
        form_page = self.client.get(url, name="formulir kunjungan")
        form = FormValues()
        form.feed(form_page.text)
        values = {**form.values, "outcome": "layak", "notes": "uji beban"}
        with self.client.post(
            url,
            data=values,
            files={"photos": ("rumah.jpg", PHOTO, "image/jpeg")},
            name="kirim kunjungan",
            allow_redirects=False,
            catch_response=True,
        ) as sent:
            # 302: saved. 200 with an error: another operator took this family first
            # (two simulated operators share an account and a village): not Padu's error.
            if sent.status_code == 302 or "sudah dikunjungi" in sent.text:
                sent.success()
            else:
                sent.failure(f"kunjungan tidak tersimpan ({sent.status_code})")
