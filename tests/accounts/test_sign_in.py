"""Signing in: lockout, expiry, the second factor, passwords and every session."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from padu.accounts.choices import Role
from padu.core.models import ChangeLog

pytestmark = pytest.mark.django_db

LOGIN = "/akun/masuk/"
PASSWORD = "rahasia-123"  # conftest's make_user


def _sign_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def _code(device: TOTPDevice) -> str:
    # The token is a number: a code with leading zeros must keep them (one in ten does).
    token = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    return f"{token:0{device.digits}d}"


def test_an_account_is_locked_after_five_wrong_passwords(client, make_user):
    make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    for _ in range(4):
        assert _sign_in(client, "dinsos", "salah-sekali").status_code == 200
    locked = _sign_in(client, "dinsos", "salah-lagi")
    assert locked.status_code == 429
    assert "Terlalu banyak percobaan masuk" in locked.content.decode()
    # The right password no longer opens it, from here or from another address.
    assert _sign_in(client, "dinsos").status_code == 429
    assert _sign_in(client, "dinsos", REMOTE_ADDR="10.0.0.9").status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_address_guessing_many_accounts_is_locked(client, make_user):
    make_user("operator", Role.VILLAGE_OPERATOR, "33.74.01.1001")
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _sign_in(client, name, "tebakan")
    assert _sign_in(client, "operator").status_code == 429


def test_a_right_password_resets_the_count(client, make_user):
    make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    for _ in range(4):
        _sign_in(client, "dinsos", "salah")
    assert _sign_in(client, "dinsos").status_code == 302
    client.logout()
    for _ in range(4):
        assert _sign_in(client, "dinsos", "salah").status_code == 200


def test_an_expired_account_cannot_sign_in_nor_keep_its_session(client, make_user):
    user = make_user("operator", Role.VILLAGE_OPERATOR, "33.74.01.1001")
    assert _sign_in(client, "operator").status_code == 302
    assert client.get("/verivali/tugas/").status_code == 200
    user.expires_on = timezone.localdate() - dt.timedelta(days=1)
    user.save()
    assert client.get("/verivali/tugas/").status_code == 302  # the open session ends
    refused = _sign_in(client, "operator")
    assert refused.status_code == 200
    assert "habis masa berlakunya" in refused.content.decode()


def test_sign_out_everywhere_ends_every_session(client, make_user, django_user_model):
    from django.test import Client

    user = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    phone = Client()
    phone.force_login(user)
    client.force_login(user)
    assert phone.get("/registri/keluarga/").status_code == 200
    client.post(reverse("accounts:sign-out-everywhere"))
    assert phone.get("/registri/keluarga/").status_code == 302
    assert client.get("/registri/keluarga/").status_code == 302
    assert ChangeLog.objects.filter(object_id=str(user.pk), after__sesi="semua diakhiri").exists()


def test_everyone_changes_their_own_password(client, make_user):
    user = make_user("pimpinan", Role.LEADER, "33.74")
    client.force_login(user)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Kembang-Sepatu-77",
            "new_password2": "Kembang-Sepatu-77",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Kembang-Sepatu-77")
    assert ChangeLog.objects.filter(object_id=str(user.pk), after__password="diubah").exists()
    short = client.post(
        reverse("accounts:password-change"),
        {"old_password": "Kembang-Sepatu-77", "new_password1": "abc123", "new_password2": "abc123"},
    )
    assert short.status_code == 200 and "terlalu pendek" in short.content.decode()


def test_a_forgotten_password_is_reset_by_email(client, make_user):
    user = make_user("operator", Role.VILLAGE_OPERATOR, "33.74.01.1001")
    user.email = "operator@example.go.id"
    user.save()
    client.post(reverse("accounts:password-reset"), {"email": "operator@example.go.id"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/akun/sandi/atur/" in line)
    form = client.get(link.split("testserver")[1], follow=True)
    assert "Kata sandi baru" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Bunga-Melati-2026", "new_password2": "Bunga-Melati-2026"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Bunga-Melati-2026")


def test_a_role_that_sees_personal_data_needs_a_one_time_code(client, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = True
    make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    _sign_in(client, "dinsos")
    # Not a page of data until the authenticator is set up and a code given.
    blocked = client.get("/registri/keluarga/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/akun/dua-langkah/")
    setup = client.get(blocked["Location"])
    assert "Pasang verifikasi dua langkah" in setup.content.decode()
    assert "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user__username="dinsos", confirmed=False)
    wrong = client.post(blocked["Location"], {"token": "000000"})
    assert "Kode salah" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # the wrong code above slowed the device down
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post(blocked["Location"], {"token": _code(device)})
    assert right.status_code == 302 and right["Location"] == "/registri/keluarga/"
    assert client.get("/registri/keluarga/").status_code == 200
    # The next sign-in asks for a code; the set-up is not offered again.
    client.logout()
    _sign_in(client, "dinsos")
    ask = client.get("/akun/dua-langkah/")
    assert "Kode verifikasi" in ask.content.decode()
    assert "<svg" not in ask.content.decode()


def test_a_leader_reading_aggregates_needs_no_second_factor(client, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = True
    make_user("pimpinan", Role.LEADER, "33.74")
    _sign_in(client, "pimpinan")
    assert client.get("/akun/saya/").status_code == 200


def test_an_account_about_to_expire_is_reminded_at_sign_in(client, make_user):
    user = make_user("operator", Role.VILLAGE_OPERATOR, "33.74.01.1001")
    user.expires_on = timezone.localdate() + dt.timedelta(days=5)
    user.save()
    page = client.post(LOGIN, {"username": "operator", "password": PASSWORD}, follow=True)
    assert "Minta sekretariat TKPK memperpanjangnya" in page.content.decode()
