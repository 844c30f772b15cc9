"""The release pages as the custodian, the TKPK, the leader, a camat and the public use them."""

import io
import json

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from padu.accounts.models import AccessLog
from padu.releases.models import Release
from padu.releases.public import PUBLIC_COUNTS
from padu.releases.services import execute_build

from .conftest import PDF

pytestmark = pytest.mark.django_db


def _as(client, user):
    client.force_login(user)
    return client


def test_a_release_is_made_checked_approved_and_published_on_its_pages(
    classified_city, people, client, django_capture_on_commit_callbacks
):
    _as(client, people["custodian"])
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(
            reverse("releases:release-list"),
            {"name": "Data Tunggal Kemiskinan", "period": "Semester II 2026", "year": "2025"},
        )
    release = Release.objects.get()
    assert response.url == reverse("releases:release-detail", args=[release.pk])
    assert len(queued) == 1  # the build is handed to the worker
    assert "menunggu" in client.get(response.url).content.decode()
    release = execute_build(release)  # what the worker does

    page = client.get(response.url).content.decode()
    assert "Persentase penduduk miskin (P0)" in page and "Tandai sudah diperiksa" not in page

    _as(client, people["verifier"])
    client.post(reverse("releases:release-check", args=[release.pk]))
    _as(client, people["leader"])
    client.post(reverse("releases:release-approve", args=[release.pk]))
    _as(client, people["custodian"])
    response = client.post(reverse("releases:release-publish", args=[release.pk]), follow=True)
    assert "Lengkapi keputusan dulu" in response.content.decode()
    client.post(
        reverse("releases:release-decree", args=[release.pk]),
        {
            "number": "400.9/123/2026",
            "date": "2026-12-01",
            "signatory": "Wali Kota Semarang",
            "pdf": SimpleUploadedFile("sk.pdf", PDF, content_type="application/pdf"),
        },
    )
    response = client.post(reverse("releases:release-publish", args=[release.pk]), follow=True)
    assert "Rilis terbit" in response.content.decode()
    release.refresh_from_db()
    assert (
        release.lifecycle == "published"
        and release.manifest["decree"]["number"] == "400.9/123/2026"
    )
    assert (
        client.get(reverse("releases:release-decree-file", args=[release.pk]))["Content-Type"]
        == "application/pdf"
    )

    # Withdrawn, it stays readable under a banner, on its page and the public's.
    client.post(reverse("releases:release-withdraw", args=[release.pk]), {"reason": "desil keliru"})
    assert (
        "DITARIK"
        in client.get(reverse("releases:release-detail", args=[release.pk])).content.decode()
    )
    client.logout()
    public = client.get(reverse("public-statistics:release", args=[release.pk])).content.decode()
    assert "DITARIK" in public and "desil keliru" in public


def test_figures_drill_down_and_a_camat_sees_only_the_district(
    classified_city, people, client, build, django_assert_max_num_queries
):
    release = build()
    _as(client, people["leader"])
    url = reverse("releases:release-figures", args=[release.pk])
    page = client.get(url).content.decode()
    assert "Kota Semarang" in page and "Semarang Tengah" in page  # the city and its districts
    with django_assert_max_num_queries(8):
        page = client.get(url, {"wilayah": "33.74.01"}).content.decode()
    assert "Miroto" in page  # a village of Semarang Tengah
    download = client.get(url, {"wilayah": "33.74", "unduh": "xlsx"})
    frame = pl.read_excel(io.BytesIO(download.content))
    assert frame.height == 16 and "p0" in frame.columns

    _as(client, people["camat"])
    page = client.get(url).content.decode()
    assert "Semarang Tengah" in page and "Miroto" in page  # starts at the camat's district
    assert client.get(url, {"wilayah": "33.74.02"}).status_code == 403
    assert client.get(url, {"wilayah": "33"}).status_code == 403  # above the release's area


def test_differences_page_and_the_family_list_is_exported_and_logged(
    classified_city, people, client, build
):
    first, second = build("Awal"), build("Sesudah")
    _as(client, people["leader"])
    url = reverse("releases:release-diff", args=[second.pk, first.pk])
    page = client.get(url).content.decode()
    assert "Dari rilis 1 ke rilis 2" in page and "Unduh rincian" not in page
    assert client.get(url, {"unduh": "xlsx"}).status_code == 403
    _as(client, people["custodian"])
    response = client.get(url, {"unduh": "xlsx"})
    assert response.status_code == 200
    assert AccessLog.objects.filter(user=people["custodian"], object_type="release_diff").exists()


def _publish(release):
    Release.objects.filter(pk=release.pk).update(
        lifecycle="published", decree_number="400/1/2026", decree_date="2026-12-01"
    )
    release.refresh_from_db()
    return release


def test_the_public_sees_published_aggregates_with_small_cells_hidden(
    classified_city, client, build
):
    draft = build("Draf")
    assert client.get(reverse("public-statistics:release", args=[draft.pk])).status_code == 404
    release = _publish(build("Terbit"))
    page = client.get(reverse("public-statistics:release", args=[release.pk]), {"tingkat": "4"})
    assert page.status_code == 200 and "Miroto" in page.content.decode()

    csv = client.get(reverse("public-statistics:csv", args=[release.pk]))
    table = pl.read_csv(io.BytesIO(csv.content))
    assert set(table["level"]) == {2, 3, 4}  # the city, its districts, its villages
    counts = table.select(PUBLIC_COUNTS).to_numpy().ravel()
    shown = [v for v in counts if v == v]  # NaN: hidden
    assert shown and all(v == 0 or v >= 10 for v in shown)
    parquet = client.get(reverse("public-statistics:parquet", args=[release.pk]))
    assert pl.read_parquet(io.BytesIO(parquet.content)).height == table.height

    body = json.loads(
        client.get(
            reverse("public-statistics:package-show"), {"id": f"padu-rilis-{release.number}"}
        ).content
    )
    result = body["result"]
    assert body["success"] and result["version"] == str(release.number)
    assert {r["format"] for r in result["resources"]} == {"CSV", "PARQUET"}
    assert result["resources"][0]["hash"].startswith("sha256:")
    extras = {e["key"]: e["value"] for e in result["extras"]}
    assert extras["nomor_keputusan"] == "400/1/2026" and extras["versi_sebelumnya"] == ""
    p0 = next(i for i in result["indicators"] if i["kode"] == "p0")
    assert p0["rumus"].startswith("P0 =") and p0["satuan"] == "persen"
    missing = client.get(
        reverse("public-statistics:package-show"), {"id": f"padu-rilis-{draft.number}"}
    )
    assert missing.status_code == 404 and json.loads(missing.content)["success"] is False
    listing = json.loads(client.get(reverse("public-statistics:package-list")).content)
    assert listing["result"] == [f"padu-rilis-{release.number}"]


def test_the_figures_page_shows_each_figure_across_releases(classified_city, people, client, build):
    first = _publish(build("Awal"))
    second = build("Sesudah")
    _as(client, people["leader"])
    page = client.get(reverse("releases:release-figures", args=[second.pk])).content.decode()
    assert "Tren antarrilis" in page and f"Rilis {first.number}" in page
    assert "Menuju nol kemiskinan ekstrem" in page
