"""The public portal: a visitor without an account sees the published release only, every
small count hidden and shown as hidden, and no one's personal data."""

import json
import re

import pytest
from django.urls import reverse

from padu.dashboards.maps import classes, colour_of
from padu.registry.models import Person
from padu.releases.models import Release

pytestmark = pytest.mark.django_db

THRESHOLD = 10


def _publish(release):
    Release.objects.filter(pk=release.pk).update(
        lifecycle="published", decree_number="400/1/2026", decree_date="2026-12-01"
    )
    release.refresh_from_db()
    return release


def _cells(html: str, table_id: str) -> list[list[str]]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
    return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]


def test_a_visitor_sees_only_published_aggregates_with_small_counts_hidden(
    classified_city, client, build
):
    assert "Belum ada data tunggal" in client.get(reverse("portal:home")).content.decode()
    build("Draf Rahasia")  # never shown to the public
    published = _publish(build("Data Tunggal Terbit"))
    assert client.get(reverse("home")).url == reverse("portal:home")

    people = list(Person.objects.values_list("full_name", "nik")[:300])
    for level in ("3", "4"):
        html = client.get(
            reverse("portal:home"), {"tingkat": level, "angka": "p0"}
        ).content.decode()
        assert "Data Tunggal Terbit" in html and "Draf Rahasia" not in html
        rows = _cells(html, "portal-figures")
        assert rows
        for cells in rows:
            for count in cells[1:7]:  # the six counts; the rest are rates
                if count != "•":
                    value = int(count.replace(".", ""))
                    assert value == 0 or value >= THRESHOLD, (cells[0], count)
        assert any("•" in cells for cells in rows)  # something was hidden, and shows so
        for name, nik in people:
            assert (not nik or nik not in html) and f">{name}<" not in html
        data = json.loads(
            html.split('id="map-data" type="application/json">', 1)[1].split("</script>", 1)[0]
        )
        hidden = [f for f in data["features"] if f["properties"]["nilai"] is None]
        assert all(f["properties"]["teks"].startswith("disembunyikan") for f in hidden)

    draft = Release.objects.get(name="Draf Rahasia")
    assert client.get(reverse("portal:release", args=[draft.pk])).status_code == 404
    assert client.get(reverse("portal:release", args=[published.pk])).status_code == 200


def test_map_classes_collapse_equal_bounds_and_no_data_is_grey():
    many_zeros = [0.0] * 30 + [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    bounds = classes(many_zeros, "kuantil")
    assert bounds == sorted(set(bounds)) and bounds[0] == 0 and len(bounds) < 5
    assert len(classes([float(i) for i in range(40)], "jenks")) == 5
    assert colour_of(None, [1, 2]) == "#d9d9d9"
    assert colour_of(0, [0, 2, 50]) != colour_of(50, [0, 2, 50])
