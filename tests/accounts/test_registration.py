"""An account through the TKPK secretariat: apply, decide, expire, renew, close."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from padu.accounts.choices import ApplicationStatus, Role
from padu.accounts.models import AccessLog, Application, User
from padu.core.models import ChangeLog

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(**overrides) -> dict:
    return {
        "full_name": "Sri Wahyuni",
        "nip": "198507172010012003",
        "office": "Kelurahan Miroto",
        "position": "Kasi Kesejahteraan Sosial",
        "phone": "081234567890",
        "email": "sri.wahyuni@example.go.id",
        "username": "sri.miroto",
        "role": Role.VILLAGE_OPERATOR,
        "region_code": "33.74.01.1001",
        "password1": "Melati-Putih-2026",
        "password2": "Melati-Putih-2026",
        "letter": SimpleUploadedFile("surat-tugas.pdf", PDF, "application/pdf"),
        **overrides,
    }


def _apply(client, **overrides):
    return client.post(reverse("accounts:register"), _form(**overrides))


def test_an_applicant_applies_and_follows_the_decision(
    client, make_user, django_capture_on_commit_callbacks
):
    response = _apply(client)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == ApplicationStatus.PENDING
    assert (
        application.password_hash.startswith("pbkdf2") and "Melati" not in application.password_hash
    )
    status = client.get(response["Location"])
    assert "menunggu keputusan sekretariat TKPK" in status.content.decode()
    assert ChangeLog.objects.filter(object_id=str(application.pk), action="create").exists()

    secretariat = make_user("tkpk", Role.VERIFIER, "33.74")
    client.force_login(secretariat)
    queue = client.get(reverse("accounts:application-list"))
    assert "Sri Wahyuni" in queue.content.decode()
    assert AccessLog.objects.filter(user=secretariat, object_type="application").exists()
    until = timezone.localdate() + dt.timedelta(days=180)
    with django_capture_on_commit_callbacks(execute=True):
        decided = client.post(
            reverse("accounts:application-detail", args=[application.pk]),
            {"decision": "approve", "expires_on": until.isoformat()},
        )
    assert decided.status_code == 302
    user = User.objects.get(username="sri.miroto")
    assert (user.role, user.region_id, user.expires_on) == (
        Role.VILLAGE_OPERATOR,
        "33.74.01.1001",
        until,
    )
    assert user.check_password("Melati-Putih-2026")
    assert len(mail.outbox) == 1 and "disetujui" in mail.outbox[0].body
    client.logout()
    assert "disetujui" in client.get(response["Location"]).content.decode()
    signed_in = client.post(
        reverse("accounts:login"), {"username": "sri.miroto", "password": "Melati-Putih-2026"}
    )
    assert signed_in.status_code == 302


def test_a_rejection_says_why(client, make_user, django_capture_on_commit_callbacks):
    response = _apply(client)
    application = Application.objects.get()
    client.force_login(make_user("tkpk", Role.VERIFIER, "33.74"))
    url = reverse("accounts:application-detail", args=[application.pk])
    without_reason = client.post(url, {"decision": "reject"})
    assert "Tulis alasan penolakan" in without_reason.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"decision": "reject", "reason": "Surat tugas tidak ditandatangani lurah."}
        )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert not User.objects.filter(username="sri.miroto").exists()
    assert "tidak ditandatangani" in mail.outbox[0].body
    client.logout()
    assert "tidak ditandatangani" in client.get(response["Location"]).content.decode()


def test_only_the_secretariat_of_the_region_decides(client, make_user):
    _apply(client)
    application = Application.objects.get()
    url = reverse("accounts:application-detail", args=[application.pk])
    for user in (
        make_user("tkpk-bandung", Role.VERIFIER, "32.73"),
        make_user("dinsos", Role.DINSOS_OFFICER, "33.74"),
    ):
        client.force_login(user)
        response = client.post(url, {"decision": "approve", "expires_on": "2030-01-01"})
        assert response.status_code in (403, 404)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"letter": SimpleUploadedFile("surat.pdf", b"GIF89a", "application/pdf")},
            "harus berkas PDF",
        ),
        ({"nip": "12345"}, "18 angka"),
        ({"region_code": "33.99"}, "tidak dikenal"),
        ({"region_code": "33.74"}, "Operator desa bekerja di kecamatan"),
        ({"password2": "Lain-Sekali-2026"}, "tidak sama"),
        ({"password1": "12345678901", "password2": "12345678901"}, "seluruhnya terdiri dari angka"),
        ({"role": Role.AGENCY_OFFICER}, "memilih OPD"),
        ({"role": Role.ADMIN}, "Masukkan pilihan yang valid"),
    ],
)
def test_a_bad_application_says_what_to_fix(client, overrides, message):
    response = _apply(client, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_the_secretariat_renews_and_closes_accounts(client, make_user):
    secretariat = make_user("tkpk", Role.VERIFIER, "33.74")
    operator = make_user("operator", Role.VILLAGE_OPERATOR, "33.74.01.1001")
    operator.expires_on = timezone.localdate() - dt.timedelta(days=2)
    operator.save()
    client.force_login(secretariat)
    url = reverse("accounts:user-detail", args=[operator.pk])
    until = timezone.localdate() + dt.timedelta(days=365)
    client.post(url, {"action": "renew", "expires_on": until.isoformat()})
    operator.refresh_from_db()
    assert operator.expires_on == until and not operator.has_expired
    client.post(url, {"action": "deactivate", "reason": "pindah tugas ke Kecamatan Tugu"})
    operator.refresh_from_db()
    assert not operator.is_active
    reasons = ChangeLog.objects.filter(object_id=str(operator.pk)).values_list("after", flat=True)
    assert any(after.get("alasan") == "pindah tugas ke Kecamatan Tugu" for after in reasons)
    # An account outside the secretariat's region is not theirs to touch.
    bandung = make_user("operator-bandung", Role.VILLAGE_OPERATOR, "32.73.01.1001")
    response = client.post(
        reverse("accounts:user-detail", args=[bandung.pk]), {"action": "deactivate", "reason": "x"}
    )
    assert response.status_code == 404
    bandung.refresh_from_db()
    assert bandung.is_active
