"""Need rules are edited as rows of (data, how, values) and read back as sentences."""

import pytest
from django.urls import reverse

from padu.accounts.choices import Role
from padu.welfare.models import NeedRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    user = make_user("admin", Role.ADMIN)
    user.is_staff = True
    user.save()
    client.force_login(user)
    return client


def _form(rule, **rows):
    data = {
        "code": rule.code, "dimension": rule.dimension, "label": rule.label,
        "agency": rule.agency_id, "match": rule.match, "is_active": "on",
    }  # fmt: skip
    data.update(rows)
    return data


def test_the_rule_page_shows_conditions_as_sentences_and_saves_rows_as_codes(admin_client):
    rule = NeedRule.objects.get(code="sanitasi")
    url = reverse("admin:welfare_needrule_change", args=[rule.pk])
    page = admin_client.get(url).content.decode()
    assert "jamban adalah tidak ada atau MCK umum" in page
    assert '"op"' not in page and "toilet_facility&quot;" not in page  # no JSON to type

    response = admin_client.post(
        url,
        _form(rule, field_1="toilet_facility", op_1="in", value_1="Tidak ada, mck umum",
              field_2="members_uninsured", op_2="gt", value_2="0"),
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    rule.refresh_from_db()
    assert rule.conditions == [
        {"field": "toilet_facility", "op": "in", "value": ["tidak_ada", "umum"]},
        {"field": "members_uninsured", "op": "gt", "value": 0},
    ]


def test_a_value_that_is_no_choice_is_explained(admin_client):
    rule = NeedRule.objects.get(code="sanitasi")
    url = reverse("admin:welfare_needrule_change", args=[rule.pk])
    response = admin_client.post(url, _form(rule, field_1="toilet_facility", value_1="emas"))
    assert response.status_code == 200
    assert "emas bukan pilihan jamban" in response.content.decode()
    rule.refresh_from_db()
    assert rule.conditions[0]["value"] != ["emas"]
