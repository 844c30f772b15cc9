"""The admin: reference data and accounts edited by the administrator alone, every edit in
the change log; the golden records read-only."""

import pytest
from django.contrib.contenttypes.models import ContentType

from padu.accounts.choices import Role
from padu.accounts.models import User
from padu.core.models import ChangeLog
from padu.welfare.models import NeedRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    admin = make_user("root", Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    client.admin = admin
    return client


def _changes_of(instance):
    kind = ContentType.objects.get_for_model(instance)
    return ChangeLog.objects.filter(content_type=kind, object_id=str(instance.pk))


def test_a_change_of_role_and_region_is_in_the_change_log(admin_client, make_user):
    user = make_user("ani", Role.VILLAGE_OPERATOR, "33.74.01.1001")
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in {"password", "groups", "user_permissions"}
    }
    data.update(
        role=Role.DINSOS_OFFICER,
        region="33.74",
        last_login_0="",
        last_login_1="",
        date_joined_0="2026-11-30",
        date_joined_1="10:00:00",
        phone="0812-3456-7890",
    )
    response = admin_client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert (user.role, user.region_id, user.phone) == (
        Role.DINSOS_OFFICER,
        "33.74",
        "+6281234567890",
    )
    change = _changes_of(user).filter(action="update").get()
    assert change.actor == admin_client.admin and change.origin == "admin"
    assert (
        change.before["role"] == Role.VILLAGE_OPERATOR and change.after["role"] == "dinsos_officer"
    )
    assert change.after["region_id"] == "33.74"


def test_a_new_password_is_logged_without_its_value(admin_client, make_user):
    user = make_user("ani", Role.DINSOS_OFFICER, "33.74")
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {
            "password1": "kata-sandi-baru-9",
            "password2": "kata-sandi-baru-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    change = _changes_of(user).filter(action="update").get()
    assert change.after == {"password": "diubah"}
    assert "kata-sandi" not in str(change.after) + str(change.before)


def test_a_need_rule_is_edited_by_the_administrator_and_logged(admin_client, client, make_user):
    rule = NeedRule.objects.get(code="sanitasi")
    admin_client.post(
        "/admin/welfare/needrule/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(rule.pk),
            "form-0-agency": str(rule.agency_id),
            "_save": "Simpan",
        },
    )
    rule.refresh_from_db()
    assert not rule.is_active  # the unticked box of the list's editable column
    change = _changes_of(rule).filter(action="update").get()
    assert change.after == {"is_active": False} and change.before == {"is_active": True}


def test_staff_who_are_not_the_administrator_read_but_do_not_edit(client, make_user, families):
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    custodian.is_staff = True
    custodian.save()
    client.force_login(custodian)
    rule = NeedRule.objects.get(code="sanitasi")
    assert client.get("/admin/welfare/needrule/").status_code == 200
    url = f"/admin/welfare/needrule/{rule.pk}/change/"
    assert client.post(url, {"label": "diubah"}).status_code == 403
    assert client.get("/admin/accounts/user/").status_code == 403
    assert client.get("/admin/core/changelog/").status_code == 403
    assert User.objects.filter(username="walidata", role=Role.DATA_CUSTODIAN).exists()
