"""The leader's dashboard and map: figures from the release in force, the way down from the
city to a village, a camat kept to the district, every section downloadable."""

import io
import json

import polars as pl
import pytest
from django.urls import reverse

from padu.regions.services import load_boundaries
from padu.releases.models import Release

pytestmark = pytest.mark.django_db


def _publish(release):
    Release.objects.filter(pk=release.pk).update(lifecycle="published", decree_number="400/1/2026")
    release.refresh_from_db()
    return release


def test_without_a_checked_or_published_release_the_dashboard_says_what_to_do(
    classified_city, people, client, build
):
    build()  # a draft is not shown to leaders
    client.force_login(people["leader"])
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert "Belum ada rilis data yang diperiksa atau terbit" in page


def test_the_leader_drills_down_from_the_city_to_a_village(
    classified_city, people, client, build, django_assert_max_num_queries
):
    first = _publish(build("Awal"))
    release = _publish(build("Sesudah"))
    client.force_login(people["leader"])
    assert client.get(reverse("home")).url == reverse("dashboards:dashboard")

    url = reverse("dashboards:dashboard")
    page = client.get(url).content.decode()
    assert "Kota Semarang" in page and "Semarang Tengah" in page
    assert f"sejak rilis {first.number}" in page  # the change since the previous release
    for title in ("menurut umur", "menurut kebutuhan", "Program", "Verivali", "Menuju nol"):
        assert title in page
    assert 'src="/static/vendor/plotly.min.js"' in page
    # 12, and one for the one-stop service's figures (none in this world).
    with django_assert_max_num_queries(13):
        page = client.get(url, {"wilayah": "33.74.01"}).content.decode()
    assert "Miroto" in page
    village = client.get(url, {"wilayah": "33.74.01.1001"}).content.decode()
    assert "RW" in village  # below a village: its RWs

    download = client.get(url, {"wilayah": "33.74", "unduh": "kebutuhan"})
    frame = pl.read_excel(io.BytesIO(download.content))
    assert frame.height == 17 and "Pangan" in frame.columns  # the city and its 16 districts
    assert client.get(url, {"unduh": "tidak-ada"}).status_code == 404
    assert str(release.number) in client.get(url).content.decode()


def test_a_camat_starts_in_and_is_kept_to_the_district(classified_city, people, client, build):
    _publish(build())
    client.force_login(people["camat"])
    url = reverse("dashboards:dashboard")
    page = client.get(url).content.decode()
    assert "<h1>Semarang Tengah</h1>" in page
    assert client.get(url, {"wilayah": "33.74.02"}).status_code == 403
    assert client.get(reverse("dashboards:map"), {"wilayah": "33.74.02"}).status_code == 403


def test_the_map_shades_areas_with_a_legend_and_shows_no_data_as_such(
    classified_city, people, client, build
):
    _publish(build())
    load_boundaries(within="33.74")
    client.force_login(people["leader"])
    url = reverse("dashboards:map")
    page = client.get(url, {"indikator": "p0", "kelas": "jenks"}).content.decode()
    assert "tidak ada data" in page and "pemisahan alami" in page
    geojson = client.get(url, {"format": "geojson", "wilayah": "33.74"})
    data = json.loads(geojson.content)
    assert len(geojson.content) < 2_000_000
    assert {f["geometry"]["type"] for f in data["features"]} <= {"Polygon", "MultiPolygon"}
    assert len(data["features"]) == 16 and all(f["properties"]["warna"] for f in data["features"])
    # Villages: outlines where the shipped files have them.
    villages = json.loads(client.get(url, {"format": "geojson", "wilayah": "33.74.01"}).content)
    assert villages["features"] and villages["features"][0]["properties"]["kode"].startswith(
        "33.74.01."
    )


def test_the_vulnerable_housing_index_is_a_map_layer_and_a_ranked_list(
    classified_city, people, client, build
):
    release = _publish(build())
    client.force_login(people["leader"])
    url = reverse("dashboards:map")
    data = json.loads(
        client.get(url, {"format": "geojson", "indikator": "indeks_kumuh", "urut": "nilai"}).content
    )
    values = [f["properties"]["nilai"] for f in data["features"]]
    assert values == sorted(values, reverse=True) and max(values) > 0
    page = client.get(url, {"indikator": "indeks_kumuh", "urut": "nilai"}).content.decode()
    assert "Indeks kawasan rentan/kumuh" in page and "peringkat" in page
    from padu.releases.figures import figures_of

    city = figures_of(release).area("33.74")
    assert 0 < city.measures["families_housing_deprived"] <= city.measures["families"]


def test_households_are_points_for_those_who_may_see_them_and_each_look_is_logged(
    classified_city, people, make_user, client, build
):
    from padu.accounts.choices import Role
    from padu.accounts.models import AccessLog

    _publish(build())
    url = reverse("dashboards:map")
    client.force_login(people["leader"])  # aggregates only
    assert client.get(url, {"wilayah": "33.74.01.1001", "format": "titik"}).status_code == 403
    assert "titik keluarga" not in client.get(url, {"wilayah": "33.74.01.1001"}).content.decode()

    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    client.force_login(dinsos)
    village = "33.74.01.1001"
    every = json.loads(client.get(url, {"wilayah": village, "format": "titik"}).content)
    assert every["features"], "the synthetic city's households have coordinates"
    poor = json.loads(
        client.get(url, {"wilayah": village, "format": "titik", "status": "tidak_miskin"}).content
    )
    assert {f["properties"]["status"] for f in poor["features"]} <= {"tidak_miskin"}
    with_pkh = json.loads(
        client.get(url, {"wilayah": village, "format": "titik", "program": "PKH"}).content
    )
    assert all("PKH" in f["properties"]["program"] for f in with_pkh["features"])
    assert len(with_pkh["features"]) < len(every["features"])
    assert (
        AccessLog.objects.filter(
            user=dinsos, object_type="family_points", object_id=village
        ).count()
        == 3
    )
    city = json.loads(client.get(url, {"wilayah": "33.74", "format": "titik"}).content)
    assert city["features"] and "id" not in city["features"][0]["properties"]  # clusters
    total = sum(f["properties"]["jumlah"] for f in city["features"])
    assert total > len(every["features"])  # the whole city, not one village


def test_the_areas_below_are_ranked_by_any_figure(classified_city, people, client, build):
    from padu.releases.figures import figures_of

    release = _publish(build())
    client.force_login(people["leader"])
    page = client.get(reverse("dashboards:dashboard"), {"urut": "p0"}).content.decode()
    ranked = sorted(figures_of(release).children("33.74"), key=lambda c: -(c.indicator("p0") or 0))
    first, last = ranked[0], ranked[-1]
    from padu.regions.models import Region

    names = dict(
        Region.objects.filter(code__in=[first.area, last.area]).values_list("code", "name")
    )
    assert page.index(f">{names[first.area]}<") < page.index(f">{names[last.area]}<")
    assert "1. " in page and "▼" in page
