import pytest
from django.urls import reverse

from padu.accounts.choices import Role
from padu.registry.services import update_family
from tests.conftest import VILLAGE_A, make_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer_client(client, make_user):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    return client


def test_list_page_query_count_does_not_grow_with_families(
    officer_client, django_assert_max_num_queries
):
    for i in range(30):
        make_family(VILLAGE_A, kk=f"33740101011{i:05d}", head=f"Kepala {i}", nik="", members=3)
    with django_assert_max_num_queries(10):
        response = officer_client.get(reverse("registry:family-list"))
    assert response.status_code == 200
    paginator = response.context["paginator"]  # not counted yet: one row past the page read
    assert (paginator.exact, paginator.count) == (False, 26)
    total = officer_client.get(reverse("registry:family-list"), {"hitung": 1})
    assert "30 keluarga" in total.content.decode()
    assert len(response.context["families"]) == 25
    assert response.context["families"][0].member_count == 3


def test_search_by_name_nik_and_kk(officer_client, families):
    url = reverse("registry:family-list")
    assert [f.head_name for f in officer_client.get(url, {"q": "budi"}).context["families"]] == [
        "Budi Santoso"
    ]
    by_nik = officer_client.get(url, {"q": "3374025705800002"}).context["families"]
    assert [f.kk_number for f in by_nik] == ["3374020101100002"]
    by_kk = officer_client.get(url, {"q": "3374010101100001"}).context["families"]
    assert [f.head_name for f in by_kk] == ["Budi Santoso"]


def test_filter_by_region(officer_client, families):
    # A region is found by name; one that is none is said to be so, not silently dropped
    # so that everything is listed.
    response = officer_client.get(reverse("registry:family-list"), {"wilayah": "Miroto"})
    assert [f.head_name for f in response.context["families"]] == ["Budi Santoso"]
    response = officer_client.get(reverse("registry:family-list"), {"wilayah": "Mirotoo"})
    assert response.context["paginator"].count == 0
    assert "Tidak ada wilayah bernama Mirotoo" in response.content.decode()
    response = officer_client.get(reverse("registry:family-list"), {"wilayah": "33.74.02"})
    assert [f.head_name for f in response.context["families"]] == ["Siti Aminah"]


def test_detail_page_shows_members_housing_and_history(officer_client, families, make_user):
    family = families["a"]
    update_family(family, {"floor_material": "tanah"}, actor=make_user("x", Role.ADMIN))
    page = officer_client.get(reverse("registry:family-detail", args=[family.pk])).content.decode()
    assert "Budi Santoso" in page and "Budi Santoso Anak 1" in page
    assert "Tanah" in page and "Miroto" in page
    assert "Jenis lantai terluas: — → <strong>Tanah</strong>" in page  # the change, in words
    assert "floor_material" not in page and "{" not in page.split('id="history"')[1]


def test_update_family_logs_before_and_after_and_bumps_version(families, make_user):
    from padu.core.history import history_of

    admin = make_user("root", Role.ADMIN)
    updated = update_family(families["a"], {"rt": "007"}, actor=admin, origin="test")
    assert updated.version == 2
    entry = history_of(updated).first()
    assert (entry.before, entry.after, entry.actor) == ({"rt": "001"}, {"rt": "007"}, admin)


def test_the_pager_keeps_the_search(officer_client, families):
    from tests.conftest import VILLAGE_A, make_family

    for i in range(30):
        make_family(
            VILLAGE_A, kk=f"33740101019{i:05d}", head=f"Budi Pager {i}", nik=f"3374011705{i:06d}"
        )
    first = officer_client.get(reverse("registry:family-list"), {"q": "Budi Pager"})
    assert 'href="?q=Budi+Pager&amp;page=2" rel="next"' in first.content.decode()
    officer_client.get(reverse("registry:family-list"), {"q": "Budi Pager", "hitung": 1})
    first = officer_client.get(reverse("registry:family-list"), {"q": "Budi Pager"})
    assert first.context["paginator"].count == 30
    html = first.content.decode()
    assert "q=Budi+Pager&amp;page=2" in html and "Halaman 1 dari 2" in html
    second = officer_client.get(reverse("registry:family-list"), {"q": "Budi Pager", "page": 2})
    assert len(second.context["families"]) == 5
