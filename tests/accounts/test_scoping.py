"""No one sees what they should not: the one door to personal data (``restrict(user,
action)``), tried from every side."""

import pytest
from django.urls import reverse

from padu.accounts.choices import AccessKind, Role
from padu.accounts.models import AccessLog
from padu.accounts.policy import Action
from padu.organisations.models import Agency
from padu.registry.models import Family, Person
from tests.conftest import VILLAGE_A, VILLAGE_B

pytestmark = pytest.mark.django_db


def test_operator_sees_only_their_village(families, make_user):
    operator = make_user("op", Role.VILLAGE_OPERATOR, VILLAGE_A)
    assert list(Family.objects.restrict(operator, Action.VIEW)) == [families["a"]]
    assert set(
        Person.objects.restrict(operator, Action.VIEW).values_list("family_id", flat=True)
    ) == {families["a"].pk}


def test_city_officer_sees_the_city_not_other_cities(families, make_user):
    officer = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    assert set(Family.objects.restrict(officer, Action.VIEW)) == {families["a"], families["b"]}


@pytest.mark.parametrize("role", [Role.PUBLIC, Role.LEADER, Role.AGENCY_OFFICER])
def test_roles_without_personal_data_see_nothing(families, make_user, role):
    # Agency officers will see the families referred to their agency, once referrals exist.
    agency = Agency.objects.first() if role == Role.AGENCY_OFFICER else None
    user = make_user("u", role, "33.74", agency=agency)
    assert not Family.objects.restrict(user, Action.VIEW).exists()
    assert not Person.objects.restrict(user, Action.VIEW).exists()


def test_a_scoped_role_without_a_region_sees_nothing(families, make_user):
    assert not Family.objects.restrict(make_user("lost", Role.DINSOS_OFFICER), Action.VIEW).exists()


def test_admin_sees_everything(families, make_user):
    assert Family.objects.restrict(make_user("root", Role.ADMIN), Action.VIEW).count() == 3


def test_inactive_user_sees_nothing(families, make_user):
    user = make_user("gone", Role.DINSOS_OFFICER, "33.74")
    user.is_active = False
    assert not Family.objects.restrict(user, Action.VIEW).exists()


def test_operator_cannot_open_another_village_by_any_url(client, families, make_user):
    client.force_login(make_user("op", Role.VILLAGE_OPERATOR, VILLAGE_A))
    other = families["b"]
    assert client.get(reverse("registry:family-detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("registry:family-list"), {"wilayah": VILLAGE_B})
    assert listing.status_code == 200 and "Siti Aminah" not in listing.content.decode()
    by_nik = client.get(reverse("registry:family-list"), {"q": "3374025705800002"})
    assert "Siti Aminah" not in by_nik.content.decode()
    assert client.get(reverse("registry:family-detail", args=[families["a"].pk])).status_code == 200


def test_staff_admin_pages_go_through_the_same_door(client, families, make_user):
    custodian = make_user("wali", Role.DATA_CUSTODIAN, VILLAGE_A)
    custodian.is_staff = True
    custodian.save()
    client.force_login(custodian)
    other = families["b"]
    assert client.get(f"/admin/registry/family/{other.pk}/change/").status_code in {302, 404}
    page = client.get("/admin/registry/family/").content.decode()
    assert families["a"].kk_number in page and other.kk_number not in page
    people = client.get("/admin/registry/person/", {"q": "Siti"}).content.decode()
    assert "Siti Aminah" not in people
    # Read-only: the golden records change through services, never a form.
    mine = families["a"]
    assert client.post(f"/admin/registry/family/{mine.pk}/change/", {}).status_code == 403
    assert (
        client.post(f"/admin/registry/family/{mine.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert Family.objects.filter(pk=mine.pk).exists()


def test_anonymous_is_sent_to_login(client, families):
    response = client.get(reverse("registry:family-detail", args=[families["a"].pk]))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get(reverse("registry:family-list")).status_code == 302


def test_every_look_at_a_family_is_logged(client, families, make_user):
    user = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    client.force_login(user)
    client.get(reverse("registry:family-detail", args=[families["a"].pk]))
    client.get(reverse("registry:family-list"), {"q": "Budi"})
    logs = list(AccessLog.objects.filter(user=user).order_by("id"))
    assert [(log.kind, log.object_type) for log in logs] == [
        (AccessKind.VIEW, "family"),
        (AccessKind.LIST, "family"),
    ]
    assert logs[0].object_id == str(families["a"].pk)


def test_an_action_the_policy_does_not_grant_finds_nothing(families, make_user):
    """Seeing is not changing: Dinsos sees the families and may not export through a door
    it lacks, and a role sees only the action's rows."""
    verifier = make_user("verifikator", Role.VERIFIER, "33.74")
    assert Family.objects.restrict(verifier, Action.VIEW).count() == 2
    assert Family.objects.restrict(verifier, Action.CHANGE).count() == 0
    assert Family.objects.restrict(verifier, Action.APPROVE).count() == 0


def test_a_model_outside_the_policy_is_an_error_not_an_open_door(families, make_user):
    from django.core.exceptions import ImproperlyConfigured

    from padu.accounts import policy
    from padu.regions.models import Region

    with pytest.raises(ImproperlyConfigured):
        policy.allows(make_user("root", Role.ADMIN), Region, Action.VIEW)


def test_require_refuses_what_restrict_would_not_find(families, make_user):
    from django.core.exceptions import PermissionDenied

    from padu.accounts import policy

    operator = make_user("op", Role.VILLAGE_OPERATOR, VILLAGE_A)
    policy.require(operator, families["a"], Action.VIEW)
    with pytest.raises(PermissionDenied):
        policy.require(operator, families["b"], Action.VIEW)
    with pytest.raises(PermissionDenied):
        policy.require(None, families["a"], Action.VIEW)


@pytest.mark.parametrize(
    "typed, stored",
    [("0812-3456-7890", "+6281234567890"), ("+62 24 555 1234", "+62245551234")],
)
def test_a_phone_number_is_read_as_indonesian_and_stored_one_way(make_user, typed, stored):
    user = make_user("ani", Role.DINSOS_OFFICER, "33.74")
    user.phone = typed
    user.full_clean()
    assert user.phone == stored


def test_a_phone_number_that_is_not_one_says_why(make_user):
    from django.core.exceptions import ValidationError

    user = make_user("ani", Role.DINSOS_OFFICER, "33.74")
    user.phone = "12345"
    with pytest.raises(ValidationError, match="diawali 0, 62"):
        user.full_clean()
