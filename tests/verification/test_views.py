"""Verivali pages: who may open what, by URL, and how many queries a list costs."""

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from padu.accounts.choices import Role
from padu.regions.models import Region
from padu.verification import services
from padu.verification.models import Assignment
from tests.conftest import VILLAGE_A, VILLAGE_B, make_family

from .test_services import photo_with_exif

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_with_visit(families, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    operator_a = make_user("operator_a", Role.VILLAGE_OPERATOR, VILLAGE_A)
    operator_b = make_user("operator_b", Role.VILLAGE_OPERATOR, VILLAGE_B)
    round_ = services.create_round(
        name="Putaran",
        region=Region.objects.get(code="33.74"),
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 12, 31),
        actor=dinsos,
    )
    for family, operator in ((families["a"], operator_a), (families["b"], operator_b)):
        services.assign_village(round_, family.village, operator, actor=dinsos)
    theirs = Assignment.objects.get(family=families["b"])
    visit = services.submit_visit(
        theirs,
        actor=operator_b,
        report=services.FieldReport(
            client_key=uuid.uuid4(),
            visited_on=dt.date(2026, 11, 20),
            photos=(photo_with_exif(),),
        ),
        outcome="layak",
        family_changes={},
        member_changes={},
        seen=services.family_snapshot(families["b"]),
    )
    return {"round": round_, "theirs": theirs, "visit": visit, "dinsos": dinsos}


def test_an_operator_cannot_open_another_village_by_url(
    client, round_with_visit, django_user_model
):
    client.force_login(django_user_model.objects.get(username="operator_a"))
    theirs, visit = round_with_visit["theirs"], round_with_visit["visit"]
    assert client.get(reverse("verification:visit-form", args=[theirs.pk])).status_code == 404
    posted = client.post(
        reverse("verification:visit-form", args=[theirs.pk]),
        {"outcome": "layak", "visited_on": "2026-11-20", "client_key": str(uuid.uuid4())},
    )
    assert posted.status_code == 404
    assert client.get(reverse("verification:visit-detail", args=[visit.pk])).status_code == 404
    photo = visit.photos.get()
    assert client.get(reverse("verification:photo", args=[photo.pk])).status_code == 404
    page = client.get(reverse("verification:tasks"))
    assert page.status_code == 200 and "Siti Aminah" not in page.content.decode()
    # Approving is Dinsos' work, and the round pages are theirs too.
    decide = client.post(reverse("verification:decide", args=[visit.pk]), {"action": "approve"})
    assert decide.status_code == 403
    round_page = reverse("verification:round-detail", args=[round_with_visit["round"].pk])
    assert client.get(round_page).status_code == 403


def test_a_leader_sees_coverage_but_no_visit(client, round_with_visit, make_user):
    leader = make_user("pimpinan", Role.LEADER, "33.74")
    client.force_login(leader)
    page = client.get(reverse("verification:coverage"), {"wilayah": "33.74"})
    assert page.status_code == 200
    assert page.context["total"].visited == 1 and page.context["total"].in_scope == 2
    visit = round_with_visit["visit"]
    assert client.get(reverse("verification:visit-detail", args=[visit.pk])).status_code == 403
    # A region outside the leader's own is not shown: their own region is.
    other = client.get(reverse("verification:coverage"), {"wilayah": "32.73"})
    assert other.context["region"].code == "33.74"


def test_the_task_list_costs_the_same_queries_for_five_families_or_fifty(client, make_user):
    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    operator = make_user("operator", Role.VILLAGE_OPERATOR, VILLAGE_A)
    client.force_login(operator)

    def queries_for(count: int, start: int) -> int:
        for i in range(start, start + count):
            make_family(
                VILLAGE_A, kk=f"33740101011{i:05d}", head=f"Kepala {i}", nik=f"33740117058{i:05d}"
            )
        round_ = services.create_round(
            name=f"Putaran {start}",
            region=Region.objects.get(code=VILLAGE_A),
            starts_on=dt.date(2026, 11, 1),
            ends_on=dt.date(2026, 12, 31),
            actor=dinsos,
        )
        services.assign_village(round_, round_.region, operator, actor=dinsos)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("verification:tasks")).status_code == 200
        return len(queries)

    assert queries_for(5, 0) == queries_for(45, 100)


def test_dinsos_approves_what_the_village_meeting_agreed_in_one_go(
    client, round_with_visit, django_user_model
):
    from .test_services import agreed

    operator_b = django_user_model.objects.get(username="operator_b")
    agreed([round_with_visit["visit"]], operator_b)
    client.force_login(round_with_visit["dinsos"])
    url = reverse("verification:round-detail", args=[round_with_visit["round"].pk])
    page = client.get(url)
    assert "Setujui 1 kunjungan yang disepakati musdes" in page.content.decode()
    response = client.post(url, {"action": "approve-agreed"}, follow=True)
    assert "1 kunjungan disetujui; 0 ditahan" in response.content.decode()
    theirs = round_with_visit["theirs"]
    theirs.refresh_from_db()
    assert theirs.state == "disetujui" and theirs.family.verification_status == "layak"


def test_a_visit_is_shown_with_its_context_before_approval(client, families, round_with_visit):
    """Before → after in words, the head and the members, and the points on a map."""
    from padu.verification.models import Visit

    family = families["b"]
    head = family.members.get(relationship="kepala")
    visit = round_with_visit["visit"]
    Visit.objects.filter(pk=visit.pk).update(  # what the form recorded
        latitude=-6.9655,
        longitude=110.4252,
        gps_accuracy_m=8,
        family_changes={"floor_material": "tanah", "address": "Jl. Kakap Raya 12"},
        member_changes={str(head.pk): {"full_name": "Siti Aminah Rahayu"}},
    )
    client.force_login(round_with_visit["dinsos"])
    page = client.get(reverse("verification:visit-detail", args=[visit.pk]))
    html = page.content.decode()
    changes = html.split('id="changes"')[1].split("</table>")[0]
    assert "Jenis lantai terluas</td><td>—</td><td><b>Tanah</b>" in changes
    assert "Alamat</td><td>Jl. Melati No. 1</td><td><b>Jl. Kakap Raya 12</b>" in changes
    assert (
        "Siti Aminah: nama lengkap</td><td>Siti Aminah</td><td><b>Siti Aminah Rahayu</b>" in changes
    )
    assert "floor_material" not in html and "tanah<" not in changes  # labels, not codes
    assert "Siti Aminah · KK 3374020101100002" in html  # the head of the family
    assert 'id="visit-members"' in html and "Siti Aminah Anak 1" in html
    points = page.context["visit_map"]["points"]
    assert {"lat": -6.9655, "lng": 110.4252, "label": "titik kunjungan", "kind": "visit",
            "accuracy": 8} in points  # fmt: skip
    assert Visit.objects.filter(pk=visit.pk).exists()


def test_a_round_page_filters_its_villages_and_links_its_visits(client, families, round_with_visit):
    client.force_login(round_with_visit["dinsos"])
    url = reverse("verification:round-detail", args=[round_with_visit["round"].pk])
    everything = client.get(url)
    assert {row["village_id"] for row in everything.context["villages"]} == {VILLAGE_A, VILLAGE_B}
    district_b = client.get(url, {"kecamatan": VILLAGE_B[:8]})
    assert [row["village_id"] for row in district_b.context["villages"]] == [VILLAGE_B]
    assert len(district_b.context["waiting"]) == 1
    district_a = client.get(url, {"kecamatan": VILLAGE_A[:8]})
    assert len(district_a.context["waiting"]) == 0
    done = client.get(url, {"tahap": "selesai"})
    assert done.context["villages"] == []
    html = everything.content.decode()
    family_url = reverse("registry:family-detail", args=[families["b"].pk])
    assert f'<a href="{family_url}">Siti Aminah</a>' in html


def test_an_operator_s_visited_task_links_to_its_visit(client, round_with_visit, django_user_model):
    client.force_login(django_user_model.objects.get(username="operator_b"))
    page = client.get(reverse("verification:tasks")).content.decode()
    visit_url = reverse("verification:visit-detail", args=[round_with_visit["visit"].pk])
    assert f'href="{visit_url}"' in page


def test_a_family_changed_by_field_records_of_no_visit_opens(client, families, make_user):
    """Field records that no visit wrote (the demo's synthetic departures) have no visit to
    link to; the family page shows their values without one (it failed with a 500)."""
    from padu.synth.programs import record_departures

    family = families["a"]
    record_departures([], [family.pk])
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    response = client.get(reverse("registry:family-detail", args=[family.pk]))
    assert response.status_code == 200
