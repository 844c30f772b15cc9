import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from padu.regions.models import Region
from padu.regions.services import count_by_level, load_regions

pytestmark = pytest.mark.django_db


def test_full_hierarchy_is_loaded():
    assert count_by_level() == {1: 38, 2: 514, 3: 7_285, 4: 83_762}


@pytest.mark.slow
def test_loading_again_changes_nothing():
    result = load_regions()
    assert (result.created, result.updated) == (0, 0)
    assert result.by_level == {1: 38, 2: 514, 3: 7_285, 4: 83_762}


def test_a_renamed_region_is_restored_on_reload():
    Region.objects.filter(code="33.74").update(name="Semarang Lama")
    result = load_regions()
    assert result.updated == 1
    assert Region.objects.get(code="33.74").name == "Kota Semarang"


def test_village_attributes():
    village = Region.objects.get_by_code("3374011001")
    assert village.name == "Miroto"
    assert village.kind == "kelurahan"
    assert village.postal_code.isdigit() and len(village.postal_code) == 5
    assert [r.code for r in village.ancestors()] == ["33", "33.74", "33.74.01"]


def test_lookup_by_code_rejects_unknown_and_malformed():
    with pytest.raises(Region.DoesNotExist):
        Region.objects.get_by_code("99.99")
    with pytest.raises(Region.DoesNotExist):
        Region.objects.get_by_code("nonsense")


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("KAB. SEMARANG", ["33.22"]),
        ("Kabupaten Semarang", ["33.22"]),
        ("KOTA SEMARANG", ["33.74"]),
        ("kota  semarang", ["33.74"]),
        ("Kota Tanjung Pinang", ["21.72"]),
        ("KOTA TANJUNGPINANG", ["21.72"]),
    ],
)
def test_lookup_by_name(query, codes):
    assert list(Region.objects.by_name(query).values_list("code", flat=True)) == codes


def test_bare_name_finds_every_kind_largest_first():
    codes = list(Region.objects.by_name("Semarang").values_list("code", flat=True))
    assert codes[:2] == ["33.22", "33.74"]
    assert all(Region.objects.get(code=c).name_key == "semarang" for c in codes)


def test_village_name_within_a_regency():
    found = Region.objects.by_name("Kel. Miroto", within="33.74")
    assert [r.code for r in found] == ["33.74.01.1001"]


def test_subtree_is_one_query_and_exact():
    with CaptureQueriesContext(connection) as queries:
        codes = list(Region.objects.subtree("33.74").values_list("code", flat=True))
    assert len(queries) == 1
    assert "33.74" in codes
    assert all(c == "33.74" or c.startswith("33.74.") for c in codes)
    assert len(codes) == 1 + 16 + 177
    assert Region.objects.subtree("33.74.01.1001").count() == 1
