"""A data subject's request: everything Padu holds about one NIK, and who looked."""

import pypdfium2
import pytest
from django.urls import reverse

from padu.accounts.choices import AccessKind, Role
from padu.accounts.models import AccessLog
from padu.matching.models import RecordLink
from padu.registry.models import Person

pytestmark = pytest.mark.django_db


def _sections(response) -> dict:
    return {s.title: s for s in response.context["report"].sections}


def test_the_document_for_one_nik_of_the_city(classified_city, client, make_user):
    # Someone whose record came from more than one source.
    linked = RecordLink.objects.values("person_id").order_by()
    person = (
        Person.objects.filter(
            pk__in=linked.filter(person__nik__regex=r"^\d{16}$").values("person_id")
        )
        .exclude(nik="")
        .first()
    )
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    client.force_login(dinsos)
    client.get(reverse("registry:family-detail", args=[person.family_id]))

    client.force_login(custodian)
    url = reverse("registry:subject")
    response = client.get(url, {"nik": person.nik})
    sections = _sections(response)
    held = sections[f"Data orang (rekaman terpadu #{person.pk})"]
    assert ["NIK", person.nik] in held.rows
    if person.birth_date:
        assert ["Tanggal lahir", person.birth_date.strftime("%d-%m-%Y")] in held.rows
    assert ["Nama lengkap", person.full_name] in held.rows
    sources = sections["Asal data"]
    assert len(sources.rows) >= RecordLink.objects.filter(person=person).count() >= 1
    assert {row[0] for row in sources.rows} <= {"Regsosek", "DTKS", "P3KE"}
    welfare = sections["Penilaian kesejahteraan"]
    assert welfare.rows and welfare.rows[0][3].isdigit()  # a desil
    looks = sections["Siapa yang melihat"]
    assert any(row[1] == "dinsos" for row in looks.rows)  # the officer who opened the family
    assert "Rujukan ke OPD" in sections and "Program dan bantuan" in sections
    assert "Verifikasi dan validasi lapangan" in sections
    assert AccessLog.objects.filter(user=custodian, object_type="person", kind=AccessKind.VIEW)

    pdf = client.get(url, {"nik": person.nik, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(
        page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(pdf.content)
    )
    assert person.nik in text and "Asal data" in text and "Siapa yang melihat" in text
    assert AccessLog.objects.filter(user=custodian, kind=AccessKind.EXPORT).exists()


def test_a_nik_outside_the_region_gives_nothing(client, make_user, families):
    client.force_login(make_user("walidata", Role.DATA_CUSTODIAN, "33.74"))
    response = client.get(reverse("registry:subject"), {"nik": "3273011705800003"})  # Bandung
    assert response.context["report"].persons == []
    assert "tidak ada di data wilayah Anda" in response.content.decode()


def test_only_the_custodian_answers(client, make_user, families):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    assert client.get(reverse("registry:subject"), {"nik": "3374011705800001"}).status_code == 403
