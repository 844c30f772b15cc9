"""The data custodian reads who looked at personal data, the unusual flagged."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from padu.accounts.audit import HEAVY_FLOOR
from padu.accounts.choices import AccessKind, Role
from padu.accounts.models import AccessLog

pytestmark = pytest.mark.django_db

WIB = zoneinfo.ZoneInfo("Asia/Jakarta")


def _looks(user, when: dt.datetime, n: int, *, object_id="1"):
    rows = AccessLog.objects.bulk_create(
        AccessLog(user=user, kind=AccessKind.VIEW, object_type="family", object_id=object_id)
        for _ in range(n)
    )
    AccessLog.objects.filter(pk__in=[r.pk for r in rows]).update(accessed_at=when)


def test_the_custodian_reads_by_user_family_and_period_with_the_unusual_flagged(client, make_user):
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    operator = make_user("operator", Role.VILLAGE_OPERATOR, "33.74.01.1001")
    bandung = make_user("operator-bandung", Role.VILLAGE_OPERATOR, "32.73.01.1001")
    today = timezone.localdate()
    for days_ago in range(1, 11):  # a usual day: a dozen families, in office hours
        day = today - dt.timedelta(days=days_ago)
        _looks(operator, dt.datetime.combine(day, dt.time(10), WIB), 12)
    _looks(operator, dt.datetime.combine(today, dt.time(9), WIB), HEAVY_FLOOR + 50, object_id="7")
    _looks(operator, dt.datetime.combine(today, dt.time(23, 15), WIB), 1, object_id="8")
    _looks(bandung, dt.datetime.combine(today, dt.time(3), WIB), 1, object_id="9")
    client.force_login(custodian)
    url = reverse("accounts:access-log")

    page = client.get(url).content.decode()
    assert "operator-bandung" not in page  # another region's users are not this custodian's
    assert "di luar jam kerja" in page

    unusual = client.get(url, {"unusual": "on"})
    rows = [entry for entry, _flags in unusual.context["rows"]]
    assert rows and all(e.accessed_at.date() >= today - dt.timedelta(days=1) for e in rows)
    flags = {flag for _entry, found in unusual.context["rows"] for flag in found}
    assert "di luar jam kerja" in flags
    assert any(f"{HEAVY_FLOOR + 51} akses hari itu, biasanya 12" == flag for flag in flags)

    by_family = client.get(url, {"family": "8"})
    assert [e.object_id for e, _f in by_family.context["rows"]] == ["8"]
    earlier = today - dt.timedelta(days=3)
    period = client.get(url, {"since": earlier, "until": earlier, "user": "operator"})
    assert len(period.context["rows"]) == 12


def test_a_listed_family_is_found_in_the_pages_that_showed_it(client, make_user):
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    operator = make_user("operator", Role.VILLAGE_OPERATOR, "33.74.01.1001")
    AccessLog.objects.create(
        user=operator, kind=AccessKind.LIST, object_type="family", object_id="*",
        detail="tugas verivali id=3,17,170",
    )  # fmt: skip
    client.force_login(custodian)
    url = reverse("accounts:access-log")
    assert len(client.get(url, {"family": "17"}).context["rows"]) == 1
    assert len(client.get(url, {"family": "1"}).context["rows"]) == 0


def test_others_cannot_read_the_log(client, make_user):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    assert client.get(reverse("accounts:access-log")).status_code == 403


def test_times_are_shown_on_the_clock_of_the_user_s_office(client, make_user):
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    _looks(custodian, dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC), 1)
    client.force_login(custodian)
    assert "02-03-2026 08:00:00" in client.get(reverse("accounts:access-log")).content.decode()
    custodian.time_zone = "Asia/Jayapura"  # WIT
    custodian.save()
    assert "02-03-2026 10:00:00" in client.get(reverse("accounts:access-log")).content.decode()


def test_a_page_of_the_family_list_is_found_by_the_families_it_showed(client, make_user, families):
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    client.get("/registri/keluarga/", {"q": "Budi"})
    client.force_login(custodian)
    found = client.get(reverse("accounts:access-log"), {"family": families["a"].pk})
    (entry,) = [e for e, _flags in found.context["rows"] if e.user.username == "dinsos"]
    assert entry.kind == AccessKind.LIST and "Budi" in entry.detail
    other = client.get(reverse("accounts:access-log"), {"family": families["b"].pk})
    assert not [e for e, _flags in other.context["rows"] if e.user.username == "dinsos"]


def test_a_user_chooses_the_zone_of_their_office(client, make_user):
    user = make_user("operator", Role.VILLAGE_OPERATOR, "33.74.01.1001")
    client.force_login(user)
    client.post(reverse("accounts:account"), {"time_zone": "Asia/Makassar"})
    user.refresh_from_db()
    assert user.time_zone == "Asia/Makassar"
    assert (
        client.post(reverse("accounts:account"), {"time_zone": "Europe/Paris"}).status_code == 200
    )
    user.refresh_from_db()
    assert user.time_zone == "Asia/Makassar"
