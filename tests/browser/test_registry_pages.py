import re

import pytest
from playwright.sync_api import expect

from padu.accounts.choices import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill("rahasia-123")
    page.get_by_role("button", name="Masuk").click()


def test_dinsos_officer_logs_in_searches_and_opens_a_family(page, live_server, families, make_user):
    make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    log_in(page, live_server, "dinsos")
    expect(page.get_by_role("heading", name="Keluarga")).to_be_visible()
    expect(page.get_by_text("Budi Santoso")).to_be_visible()
    expect(page.get_by_text("Siti Aminah")).to_be_visible()
    expect(page.get_by_text("Asep Saepudin")).to_have_count(0)  # another city

    page.get_by_placeholder("Nama, NIK, No KK atau alamat").fill("siti")
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_text("Budi Santoso")).to_have_count(0)
    page.get_by_role("link", name="Siti Aminah").click()
    expect(page).to_have_url(re.compile(r"/registri/keluarga/\d+/$"))
    expect(page.get_by_role("heading", name=re.compile("Anggota keluarga"))).to_be_visible()
    expect(page.get_by_text("3374025705800002")).to_be_visible()


def test_anonymous_visitor_is_sent_to_login(page, live_server, families):
    page.goto(f"{live_server.url}/registri/keluarga/")
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    expect(page.get_by_text("Budi Santoso")).to_have_count(0)


def test_wrong_password_is_refused(page, live_server, make_user):
    make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    page.goto(f"{live_server.url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill("dinsos")
    page.get_by_label("Kata sandi").fill("salah")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Nama pengguna atau kata sandi salah")).to_be_visible()
