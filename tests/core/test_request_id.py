"""A request's id comes from the client only when it is well formed."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padu.accounts.choices import Role
from padu.accounts.models import AccessLog

pytestmark = pytest.mark.django_db


def test_a_proxys_id_is_kept_and_returned(client):
    response = client.get(reverse("accounts:login"), headers={"X-Request-ID": "abc-123.x_y"})
    assert response["X-Request-ID"] == "abc-123.x_y"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offered=st.text(max_size=300))
def test_any_header_gives_an_id_that_fits_the_logs(client, offered):
    try:
        response = client.get(reverse("accounts:login"), headers={"X-Request-ID": offered})
    except ValueError:  # a header no HTTP client could send (a newline in it)
        return
    request_id = response["X-Request-ID"]
    assert 1 <= len(request_id) <= 36
    assert request_id == offered or request_id.isalnum()


def test_a_long_header_does_not_break_a_page_that_logs_access(client, families, make_user):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    url = reverse("registry:family-detail", args=[families["a"].pk])
    response = client.get(url, headers={"X-Request-ID": "x" * 500})
    assert response.status_code == 200
    assert len(AccessLog.objects.get().request_id) == 32  # our own id instead
