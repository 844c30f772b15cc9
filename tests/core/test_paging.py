"""A page of a long list does not wait for its total: it shows whether a page follows, and
fetches the total afterwards (``?hitung=1``), which every page after it then reads."""

import pytest
from django.core.paginator import EmptyPage

from padu.accounts.choices import Role
from padu.core.paging import CountedOncePaginator, known_count
from padu.regions.models import Region
from tests.conftest import VILLAGE_A, make_family

pytestmark = pytest.mark.django_db


def test_a_long_list_s_page_reads_one_row_past_itself_not_the_total():
    regions = Region.objects.filter(code__startswith="33.74").order_by("code")
    total = regions.count()
    assert total > 100
    first = CountedOncePaginator(regions, 25, defer_count=True)
    page = first.page(1)
    assert not first.exact and first.count == 26 and page.has_next()
    assert [r.code for r in page] == list(regions.values_list("code", flat=True)[:25])
    third = CountedOncePaginator(regions, 25, defer_count=True)
    assert third.page(3).has_next() and third.count == 76 and known_count(regions) is None
    beyond = CountedOncePaginator(regions, 25, defer_count=True)
    with pytest.raises(EmptyPage):  # far past the end: the rows are all read, hence counted
        beyond.page(10_000)
    assert beyond.exact and beyond.count == total == known_count(regions)
    kept = CountedOncePaginator(regions, 25, defer_count=True)
    assert kept.page(1).has_next() and kept.exact and kept.count == total


def test_a_page_number_no_list_reaches_is_answered_with_the_last_page(client, make_user):
    for n in range(30):
        make_family(VILLAGE_A, kk=f"33740101011{n:05d}", head=f"Warga {n}", nik="")
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    for page in ("99999999999999999999999", "-3", "abc", "2.5"):
        response = client.get("/registri/keluarga/", {"page": page})
        assert response.status_code == 200, page


def test_a_short_list_is_counted_whole_at_once():
    few = Region.objects.filter(code="33.74.01").order_by("code")
    short = CountedOncePaginator(few, 25, defer_count=True)
    assert short.page(1).object_list and short.exact and short.count == 1


def test_the_family_list_shows_its_total_after_the_page(client, make_user):
    for n in range(30):
        make_family(
            VILLAGE_A, kk=f"33740101011{n:05d}", head=f"Warga {n}", nik=f"33740117058{n:05d}"
        )
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    page = client.get("/registri/keluarga/").content.decode()
    assert 'hx-get="?hitung=1"' in page and "menghitung keluarga" in page
    assert (
        "<span>Halaman 1</span>" in page and 'rel="next"' in page and "Halaman 1 dari" not in page
    )
    total = client.get("/registri/keluarga/", {"hitung": 1})
    assert total.content.decode() == '<span id="row-total">30 keluarga</span>'
    again = client.get("/registri/keluarga/").content.decode()
    assert "30 keluarga" in again and "Halaman 1 dari 2" in again and "hitung" not in again
