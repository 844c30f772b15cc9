"""NIK and No KK masked for roles whose work does not need the numbers; one revealed by a
deliberate click with a purpose, in the access log."""

import io

import polars as pl
import pytest
from django.urls import reverse

from padu.accounts.choices import AccessKind, Role
from padu.accounts.models import AccessLog
from padu.registry.identity import masked

pytestmark = pytest.mark.django_db

NIK, KK = "3374011705800001", "3374010101100001"  # family "a" of conftest


def _cells(response) -> str:
    sheet = pl.read_excel(io.BytesIO(response.content))
    return " ".join(str(value) for row in sheet.iter_rows() for value in row)


def test_masked_keeps_the_region_and_the_last_four():
    assert masked(NIK) == "3374••••••••0001"
    assert masked("12345") == "•••••"
    assert masked("") == "" and masked(None) == ""


def test_a_verifier_sees_numbers_masked_in_lists_pages_and_files(client, make_user, families):
    client.force_login(make_user("verifikator", Role.VERIFIER, "33.74"))
    for url in ("/registri/keluarga/", "/registri/orang/",
                reverse("registry:family-detail", args=[families["a"].pk])):  # fmt: skip
        page = client.get(url).content.decode()
        assert NIK not in page and KK not in page, url
        assert "3374••••••••0001" in page, url
    for url in ("/registri/keluarga/?format=xlsx", "/registri/orang/?format=xlsx"):
        cells = _cells(client.get(url))
        assert NIK not in cells and KK not in cells and "3374••••••••0001" in cells


def test_a_dinsos_officer_works_with_whole_numbers(client, make_user, families):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    assert NIK in client.get("/registri/orang/").content.decode()
    assert NIK in _cells(client.get("/registri/orang/?format=xlsx"))
    page = client.get(reverse("registry:family-detail", args=[families["a"].pk])).content
    assert NIK in page.decode() and "Tampilkan" not in page.decode()


def test_revealing_a_number_takes_a_purpose_and_is_logged(client, make_user, families):
    operator = make_user("operator", Role.VILLAGE_OPERATOR, "33.74.01")
    client.force_login(operator)
    family = families["a"]
    head = family.members.get(nik=NIK)
    url = reverse("registry:reveal", args=[family.pk])
    assert client.post(url, {"person": head.pk}).status_code == 400
    assert not AccessLog.objects.filter(kind=AccessKind.REVEAL).exists()
    shown = client.post(url, {"person": head.pk, "purpose": "kartu"})
    assert NIK in shown.content.decode()
    entry = AccessLog.objects.get(kind=AccessKind.REVEAL)
    assert (entry.user, entry.object_type, entry.object_id) == (operator, "person", str(head.pk))
    assert "mencocokkan dengan KK/KTP" in entry.detail
    assert KK in client.post(url, {"purpose": "program"}).content.decode()
    # Another family's member through this family's door: not found.
    other = families["b"].members.first()
    assert client.post(url, {"person": other.pk, "purpose": "kartu"}).status_code == 404
    assert client.get(url).status_code == 405
