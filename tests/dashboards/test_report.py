"""The poverty profile of a village for a meeting: a PDF whose text says what it must, an
Excel workbook, and the names of the extremely poor only for those who may see families."""

import io

import polars as pl
import pypdfium2
import pytest
from django.urls import reverse

from padu.accounts.choices import Role
from padu.accounts.models import AccessLog
from padu.releases.models import Release

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    return " ".join(text.split())  # words wrapped in a cell come out on two lines


def test_a_village_profile_as_pdf_and_excel(
    classified_city, people, make_user, client, build, tmp_path
):
    release = build()
    Release.objects.filter(pk=release.pk).update(lifecycle="published", decree_number="400/7/2026")
    url = reverse("dashboards:report")

    from padu.regions.services import load_boundaries

    load_boundaries(within="33.74")
    client.force_login(people["leader"])
    response = client.get(url, {"wilayah": "33.74.01"})
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Profil kemiskinan: Semarang Tengah" in text
    assert "Sumber: rilis 1" in text and "400/7/2026" in text
    assert "Persentase penduduk miskin (P0)" in text and "Miroto" in text
    assert "belum menerima program" not in text  # a leader sees no names
    assert "Peta: Persentase keluarga miskin" in text  # the villages, shaded
    document = pypdfium2.PdfDocument(response.content)
    document[0].render(scale=1).to_pil().save(tmp_path / "laporan-hal-1.png")  # to look at

    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    client.force_login(dinsos)
    text = _text(client.get(url, {"wilayah": "33.74"}).content)
    assert "Keluarga miskin ekstrem yang belum menerima program" in text
    assert AccessLog.objects.filter(
        user=dinsos, object_type="poverty_report", object_id="33.74"
    ).exists()

    workbook = client.get(url, {"wilayah": "33.74", "format": "xlsx"}).content
    sheets = pl.read_excel(io.BytesIO(workbook), sheet_id=0)
    assert {"Ringkasan", "Per wilayah", "Ekstrem tanpa program"} <= set(sheets)
    assert sheets["Per wilayah"].height == 16  # the districts
