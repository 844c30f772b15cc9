"""The one-stop service's pages: what a resident sees without signing in, and the queue."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from padu.accounts.models import AccessLog
from padu.service import services
from padu.service.choices import RequestStatus
from padu.service.models import ServiceRequest
from tests.conftest import VILLAGE_A, VILLAGE_B
from tests.service.test_services import objection, proposal
from tests.verification.test_services import photo_with_exif

pytestmark = pytest.mark.django_db

#: What differs between two answers only because the visitor typed it, or by session.
TYPED = re.compile(rb' value="[^"]*"|"X-CSRFToken": "[^"]+"')


def _check(client, **fields):
    data = {"nik": "3374011705800001", "name": "", "kk_number": "", "village": VILLAGE_A, **fields}
    return client.post(reverse("service:check"), data)


def test_the_status_check_answers_alike_for_an_unknown_nik_and_a_wrong_name(client, families):
    unknown = _check(client, nik="3374011705809999", name="Budi Santoso")
    wrong_name = _check(client, name="Slamet Riyadi")
    assert unknown.status_code == wrong_name.status_code == 200
    assert TYPED.sub(b"", unknown.content) == TYPED.sub(b"", wrong_name.content)
    assert "Data tidak dapat dipastikan" in unknown.content.decode()
    known = _check(client, name="Budi Santoso").content.decode()
    assert "tercatat di data terpadu" in known and "Budi" not in known.split("<form")[0]


def test_the_status_check_is_rate_limited_per_client(client, families):
    for _ in range(10):
        assert _check(client, name="Budi Santoso").status_code == 200
    refused = _check(client, name="Budi Santoso")
    assert refused.status_code == 429
    assert "Coba lagi dalam" in refused.content.decode()
    other = client.post(
        reverse("service:check"), {"nik": "3374011705800001", "name": "Budi Santoso", "village": VILLAGE_A},
        REMOTE_ADDR="10.0.0.2",
    )  # fmt: skip
    assert other.status_code == 200  # another address has its own allowance


def test_a_resident_proposes_gets_a_ticket_once_and_follows_it(client, families):
    form = client.get(reverse("service:submit", args=["usul"])).content.decode()
    assert "Ambil lokasi saya" in form and "Miroto" in form
    response = client.post(
        reverse("service:submit", args=["usul"]),
        {
            "subject_name": "Sri Wahyuni",
            "village": VILLAGE_A,
            "address": "Gg. Kenanga 3",
            "rt": "7",
            "rw": "2",
            "description": "Suami sakit.",
            "photos": photo_with_exif(),
            "latitude": "-6.99",
            "longitude": "110.42",
            "gps_accuracy_m": "12",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    request = ServiceRequest.objects.get()
    receipt = client.get(response.url).content.decode()
    code = re.search(r"data-code>(\d{6})<", receipt)[1]
    assert request.ticket in receipt and "<svg" in receipt
    assert "data-code" not in client.get(response.url).content.decode()  # shown once
    found = client.post(reverse("service:find"), {"ticket": request.ticket, "code": code})
    assert found.url == reverse("service:track", args=[request.token])
    page = client.get(found.url).content.decode()
    assert "Diterima" in page and "Sri Wahyuni" not in page and "Kenanga" not in page
    wrong = client.post(reverse("service:find"), {"ticket": request.ticket, "code": "000000"})
    assert "tidak cocok" in wrong.content.decode()


def test_an_objection_from_outside_the_village_is_told_why_on_the_form(client, families):
    response = client.post(
        reverse("service:submit", args=["sanggah"]),
        {
            "subject_name": "Budi Santoso",
            "village": VILLAGE_A,
            "description": "Punya mobil.",
            "photos": photo_with_exif(),
            "latitude": "-6.99",
            "longitude": "110.42",
            "reporter_name": "Siti Aminah",
            "reporter_nik": "3374025705800002",
        },
    )
    assert response.status_code == 200
    assert "hanya dapat diajukan oleh warga Miroto" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_the_queue_flags_overdue_objections_and_logs_every_look(client, families, staff):
    late, _ = services.submit_request(
        objection(reporter_nik="3374011705800001", reporter_name="Budi Santoso")
    )
    ServiceRequest.objects.filter(pk=late.pk).update(due_on=dt.date(2026, 1, 1))
    services.submit_request(proposal(village=families["b"].village))
    client.force_login(staff["dinsos"])
    queue = client.get(reverse("service:queue")).content.decode()
    assert late.ticket in queue and "terlambat" in queue and "1 lewat batas waktu" in queue
    only_late = client.get(reverse("service:queue"), {"terlambat": "true"}).content.decode()
    assert late.ticket in only_late and "Tanjung Mas" not in only_late
    detail = client.get(reverse("service:detail", args=[late.pk])).content.decode()
    assert "Budi Santoso" in detail and "lewat batas waktu" in detail
    assert AccessLog.objects.filter(object_type="service_request", object_id=str(late.pk)).exists()
    track = client.get(reverse("service:track", args=[late.token])).content.decode()
    assert "lewat batas waktu" in track


def test_an_operator_sees_only_what_was_sent_to_them(client, families, staff):
    request, _ = services.submit_request(proposal())
    client.force_login(staff["operator_a"])
    assert request.ticket not in client.get(reverse("service:queue")).content.decode()
    assert client.get(reverse("service:detail", args=[request.pk])).status_code == 404
    ServiceRequest.objects.filter(pk=request.pk).update(
        operator=staff["operator_a"], status=RequestStatus.IN_VERIVALI
    )
    page = client.get(reverse("service:detail", args=[request.pk])).content.decode()
    assert "Catat kunjungan usulan ini" in page and "Telaah" not in page


def test_dinsos_triages_from_the_request_page(client, families, staff):
    request, _ = services.submit_request(
        proposal(village=families["b"].village, subject_name="Siti Aminah")
    )
    client.force_login(staff["dinsos"])
    url = reverse("service:detail", args=[request.pk])
    found = client.get(url, {"cari": "Siti Aminah"}).content.decode()
    assert "Tautkan" in found
    client.post(url, {"family": families["b"].pk})
    assert ServiceRequest.objects.get().family == families["b"]
    client.post(url, {"action": "jawab", "answer": "Sudah menerima PKH sejak 2024."})
    closed = ServiceRequest.objects.get()
    assert closed.status == RequestStatus.ANSWERED and closed.closed_at
    assert closed.village_id == VILLAGE_B


def test_a_complaint_without_a_program_and_a_question_are_taken_in(client, families):
    for kind, fields in (
        ("pengaduan", {"description": "Bantuan tidak sampai.", "program": ""}),
        ("tanya", {"description": "Kapan PKH cair?", "email": "warga@example.id"}),
    ):
        response = client.post(
            reverse("service:submit", args=[kind]), {"village": VILLAGE_A, **fields}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    complaint, question = ServiceRequest.objects.order_by("pk")
    assert complaint.program is None and complaint.kind == "pengaduan"
    assert question.email == "warga@example.id" and question.latitude is None
