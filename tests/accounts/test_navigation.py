"""Each role starts where its work is and is offered only the pages open to it; a closed
page says why, in the user's words."""

import pytest
from django.urls import reverse

from padu.accounts.choices import Role
from padu.organisations.models import Agency
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db

MENU = {
    "Keluarga": "registry:family-list",
    "Rujukan": "programs:referral-list",
    "Verivali": "verification:home",
    "Rilis": "releases:release-list",
    "Dasbor": "dashboards:dashboard",
}


def _user(make_user, role, region="33.74"):
    if role == Role.VILLAGE_OPERATOR:
        region = VILLAGE_A
    agency = Agency.objects.get(code="dinkes") if role == Role.AGENCY_OFFICER else None
    return make_user(f"u-{role}", role, region, agency=agency)


@pytest.mark.parametrize(
    "role, home, menu",
    [
        (
            Role.DINSOS_OFFICER,
            "registry:family-list",
            {"Keluarga", "Rujukan", "Verivali", "Rilis", "Dasbor"},
        ),
        (
            Role.DATA_CUSTODIAN,
            "registry:family-list",
            {"Keluarga", "Rujukan", "Verivali", "Rilis", "Dasbor"},
        ),
        (Role.VILLAGE_OPERATOR, "verification:tasks", {"Keluarga", "Rujukan", "Verivali"}),
        # An agency officer's families are those referred to the agency, while open.
        (Role.AGENCY_OFFICER, "programs:referral-list", {"Keluarga", "Rujukan"}),
        (Role.LEADER, "dashboards:dashboard", {"Verivali", "Rilis", "Dasbor"}),
    ],
)
def test_each_role_lands_on_its_work_and_sees_only_its_pages(
    client, families, make_user, role, home, menu
):
    client.force_login(_user(make_user, role))
    landing = client.get(reverse("home"))
    assert landing.status_code == 302 and landing.url == reverse(home)
    page = client.get(landing.url, follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    offered = {label for label, name in MENU.items() if f'href="{reverse(name)}"' in html}
    assert offered == menu
    for label, name in MENU.items():
        status = client.get(reverse(name), follow=True).status_code
        assert (status == 200) == (label in menu), (label, status)


def test_login_takes_a_person_to_their_own_start(client, families, make_user):
    _user(make_user, Role.AGENCY_OFFICER)
    response = client.post(
        reverse("accounts:login"),
        {"username": f"u-{Role.AGENCY_OFFICER}", "password": "rahasia-123"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("programs:referral-list")


def test_the_public_is_told_what_it_may_see_instead_of_an_empty_list(client, families, make_user):
    client.force_login(_user(make_user, Role.PUBLIC, region=None))
    start = client.get(reverse("home"))
    assert start.status_code == 200
    html = start.content.decode()
    assert "angka agregat" in html
    assert not any(f'href="{reverse(name)}"' in html for name in MENU.values())
    closed = client.get(reverse("registry:family-list"))
    assert closed.status_code == 403
    assert "tidak dapat melihat keluarga" in closed.content.decode()
    assert "Siti Aminah" not in closed.content.decode()


def test_an_account_without_a_region_is_told_to_ask_for_one(client, families, make_user):
    client.force_login(make_user("baru", Role.DINSOS_OFFICER))
    start = client.get(reverse("home"))
    assert start.status_code == 200
    assert "belum memiliki wilayah kerja" in start.content.decode()


def test_a_missing_page_is_explained_in_padu_not_a_bare_error(client, families, make_user):
    client.force_login(_user(make_user, Role.DINSOS_OFFICER))
    response = client.get("/registri/keluarga/999999/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    assert reverse("home") in response.content.decode()
