"""What the browser is told: keep no copy of personal data, run no script but Padu's own."""

import pytest

from padu.accounts.choices import Role

pytestmark = pytest.mark.django_db


def test_signed_in_pages_and_exports_are_not_stored(client, make_user, families):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    for url in ("/registri/keluarga/", "/registri/keluarga/?format=xlsx", "/registri/orang/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], url


def test_public_pages_may_be_cached_and_every_page_has_a_strict_policy(client):
    response = client.get("/statistik/")
    assert "no-store" not in response.get("Cache-Control", "")
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
