"""Boundaries: read from the source's SQL (points as [lat, lng]) and from GeoJSON, shipped
simplified, loaded for the map."""

import json

import pytest

from padu.regions.boundaries import BoundaryError, read_file, shipped_files
from padu.regions.models import Boundary
from padu.regions.services import load_boundaries

SQL = """INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES
\t('33.74.01.1001','Miroto',-6.98,110.41,'[[[-6.98,110.42],[-6.99,110.42],[-6.99,110.41],[-6.98,110.42]]]'),
\t('99.99','Tidak Ada',-1,100,'[[[-1,100],[-1.1,100],[-1.1,100.1],[-1,100]]]');
"""


def test_the_sql_form_swaps_lat_lng_into_geojson(tmp_path):
    path = tmp_path / "kel.sql"
    path.write_text(SQL, encoding="utf-8")
    first = next(read_file(path))
    assert first.code == "33.74.01.1001" and first.name == "Miroto"
    assert first.geometry["coordinates"][0][0][0] == [110.42, -6.98]  # [lng, lat]


@pytest.mark.django_db
def test_loading_skips_codes_padu_does_not_know_and_reads_geojson_too(tmp_path):
    path = tmp_path / "kel.sql"
    path.write_text(SQL, encoding="utf-8")
    result = load_boundaries([path])
    assert result.loaded == 1 and result.unknown == ["99.99"]
    geojson = tmp_path / "batas.geojson"
    geojson.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kode": "3374011002"},
         "geometry": {"type": "Polygon", "coordinates": [[[110.42, -6.98], [110.43, -6.98], [110.43, -6.99], [110.42, -6.98]]]}},
    ]}), encoding="utf-8")  # fmt: skip
    assert load_boundaries([geojson]).loaded == 1
    assert Boundary.objects.get(region_id="33.74.01.1002").latitude == pytest.approx(
        -6.983, abs=0.01
    )
    bad = tmp_path / "kosong.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [{"properties": {}, "geometry": null}]}'
    )
    with pytest.raises(BoundaryError, match=r"kosong\.geojson: fitur ke-1"):
        load_boundaries([bad])


@pytest.mark.django_db
def test_padu_ships_every_province_regency_and_district_and_four_cities_villages():
    names = {path.name for path in shipped_files()}
    assert {"provinsi.geojson.gz", "kabupaten.geojson.gz", "kecamatan.geojson.gz"} <= names
    assert {"desa-33.74.geojson.gz", "desa-32.73.geojson.gz"} <= names
    assert (shipped_files()[0].parent / "LICENSE").exists()
    result = load_boundaries(within="33.74")
    assert result.loaded == 1 + 16 + 177 and not result.unknown  # the city, districts, villages
