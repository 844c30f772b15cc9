"""A referral is moved along only by the agency it is addressed to."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from padu.accounts.choices import Role
from padu.organisations.models import Agency
from padu.programs.models import Referral
from padu.programs.services import update_referral
from padu.welfare.models import NeedRule
from tests.conftest import VILLAGE_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(families):
    rule = NeedRule.objects.get(code="jaminan-kesehatan")  # Dinkes' need
    return Referral.objects.create(
        family=families["a"], rule=rule, agency=rule.agency, reason="tanpa jaminan kesehatan"
    )


@pytest.mark.parametrize(
    "role, region, agency",
    [
        (Role.VILLAGE_OPERATOR, VILLAGE_A, None),
        (Role.DATA_CUSTODIAN, "33.74", None),
        (Role.DINSOS_OFFICER, "33.74", None),
        (Role.VERIFIER, "33.74", None),
        (Role.AGENCY_OFFICER, "33.74", "perkim"),
    ],
)
def test_a_role_that_sees_a_referral_of_another_agency_cannot_move_it(
    client, make_user, referral, role, region, agency
):
    user = make_user(f"u-{role}", role, region, agency=Agency.objects.filter(code=agency).first())
    client.force_login(user)
    url = reverse("programs:referral-detail", args=[referral.pk])
    response = client.post(url, {"status": "diterima", "version": referral.version})
    referral.refresh_from_db()
    assert referral.status == "baru"
    assert response.status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        update_referral(referral, actor=user, status="selesai")
    referral.refresh_from_db()
    assert referral.status == "baru"


def test_the_agency_addressed_moves_its_referral(client, make_user, referral):
    officer = make_user(
        "dinkes", Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="dinkes")
    )
    client.force_login(officer)
    url = reverse("programs:referral-detail", args=[referral.pk])
    assert "referral-update" in client.get(url).content.decode()
    response = client.post(url, {"status": "diterima", "version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.officer) == ("diterima", officer)


def test_a_role_that_may_not_move_it_is_not_offered_the_form(client, make_user, referral):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    page = client.get(reverse("programs:referral-detail", args=[referral.pk]))
    assert page.status_code == 200
    assert "referral-update" not in page.content.decode()


@pytest.mark.parametrize(
    "query, message",
    [
        ({"umur": "1000000000"}, "Dirujuk sedikitnya"),
        ({"desil": "²"}, "Desil sampai"),
        ({"desil": "11"}, "Desil sampai"),
        ({"wilayah": "Semarang"}, "cocok dengan beberapa wilayah"),
        ({"wilayah": "Atlantis"}, "Tidak ada wilayah bernama Atlantis"),
        ({"status": "hilang"}, "Status"),
    ],
)
def test_a_malformed_filter_is_explained_not_a_server_error(
    client, make_user, referral, query, message
):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    page = client.get(reverse("programs:referral-list"), query)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert page.context["paginator"].count == 0
    excel = client.get(reverse("programs:referral-list"), {**query, "format": "xlsx"})
    assert excel.status_code == 200 and "xlsx" not in excel.get("Content-Disposition", "")


def test_notes_are_stamped_in_local_time_and_a_referral_sent_back_is_no_longer_accepted(
    make_user, referral, settings
):
    import datetime as dt

    from django.utils import timezone

    officer = make_user(
        "dinkes", Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="dinkes")
    )
    referral = update_referral(referral, actor=officer, status="diterima", notes="didata")
    assert referral.accepted_at is not None
    local = timezone.localtime(referral.updated_at)
    assert (
        f"{local:%d-%m-%Y} " in referral.notes and " WIB " in referral.notes
    )  # the office's clock
    assert local.utcoffset() == dt.timedelta(hours=7)
    referral = update_referral(referral, actor=officer, status="baru", notes="keliru")
    assert referral.accepted_at is None and referral.closed_at is None


def _dinkes_officer(make_user, username="dinkes"):
    return make_user(
        username, Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="dinkes")
    )


def test_an_agency_officer_opens_a_family_only_through_an_open_referral_of_theirs(
    client, make_user, families, referral
):
    from padu.accounts.models import AccessLog

    family_url = reverse("registry:family-detail", args=[families["a"].pk])
    other_family_url = reverse("registry:family-detail", args=[families["b"].pk])
    client.force_login(_dinkes_officer(make_user))
    referral_page = client.get(reverse("programs:referral-detail", args=[referral.pk]))
    assert family_url in referral_page.content.decode()  # a link to the family
    assert client.get(family_url).status_code == 200
    assert AccessLog.objects.filter(
        object_type="family", object_id=str(families["a"].pk), detail__contains="rujukan"
    ).exists()
    assert client.get(other_family_url).status_code == 404  # never referred to Dinkes

    client.force_login(
        make_user("perkim", Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="perkim"))
    )
    assert client.get(family_url).status_code == 404  # referred to another agency

    client.force_login(_dinkes_officer(make_user, "dinkes2"))
    update_referral(referral, actor=_dinkes_officer(make_user, "dinkes3"), status="selesai")
    assert client.get(family_url).status_code == 404  # the referral is closed


def test_a_referral_names_the_members_concerned_and_exports_a_row_for_each(
    client, make_user, families, referral
):
    import io

    import polars as pl

    from padu.registry import choices as c

    family = families["a"]
    members = list(family.members.order_by("pk"))
    for person in members:
        person.health_insurance = c.HealthInsurance.NONE
        person.nik = person.nik or "3374010101100099"
        person.save()
    client.force_login(_dinkes_officer(make_user))
    page = client.get(reverse("programs:referral-detail", args=[referral.pk])).content.decode()
    assert "Budi Santoso" in page and "3374011705800001" in page
    assert "tanpa jaminan kesehatan" in page
    assert "46 tahun" in page or "45 tahun" in page or "47 tahun" in page

    excel = client.get(reverse("programs:referral-list"), {"format": "xlsx"})
    assert excel["Cache-Control"].startswith("private") or "no-store" in excel["Cache-Control"]
    sheet = pl.read_excel(io.BytesIO(excel.content))
    assert sheet.height == len(members)  # a row per member concerned
    assert set(sheet["NAMA"]) == {p.full_name for p in members}
    assert sheet.schema["DIRUJUK"] in (pl.Datetime, pl.Datetime("us"), pl.Datetime("ms"))


def test_the_need_filter_offers_only_the_agency_s_own_needs(client, make_user, referral):
    client.force_login(_dinkes_officer(make_user))
    page = client.get(reverse("programs:referral-list"))
    offered = page.context["filter"].form.fields["kebutuhan"].queryset
    assert offered.exists()
    assert set(offered.values_list("agency__code", flat=True)) == {"dinkes"}


def test_a_region_is_found_by_its_name(client, make_user, referral):
    from padu.regions.models import Region

    village = Region.objects.get(code=VILLAGE_A)
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    page = client.get(reverse("programs:referral-list"), {"wilayah": village.name.lower()})
    assert page.context["filter"].form.cleaned_data["wilayah"] == VILLAGE_A
    assert page.context["paginator"].count == 1
    assert f'<option value="{VILLAGE_A}">' in page.content.decode()  # the picker suggests it


def test_a_finished_referral_is_recorded_as_an_intervention_of_the_agencys_program(
    client, make_user, referral
):
    from padu.programs.models import Beneficiary, Program
    from padu.programs.services import create_program
    from padu.regions.models import Region

    dinkes = Agency.objects.get(code="dinkes")
    program = create_program(
        actor=None, agency=dinkes, region=Region.objects.get(code="33.74"), code="pbi-daerah",
        name="PBI daerah", sector="kesehatan", year=2026, funding_level="apbd_kab",
        benefit_kind="layanan", benefit_amount=42_000, status="aktif",
    )  # fmt: skip
    officer = make_user("dinkes", Role.AGENCY_OFFICER, "33.74", agency=dinkes)
    client.force_login(officer)
    url = reverse("programs:referral-detail", args=[referral.pk])
    assert "pbi-daerah" in client.get(url).content.decode()
    response = client.post(
        url, {"status": "selesai", "version": referral.version, "program": "pbi-daerah"}
    )
    assert response.status_code == 302
    (benefit,) = Beneficiary.objects.filter(family=referral.family)
    assert benefit.cycle.program == program and benefit.cycle.name.startswith("Intervensi rujukan")
    assert benefit.membership == "terdaftar" and benefit.link_status == "dipastikan"
    assert benefit.amount == 42_000 and benefit.period == f"rujukan #{referral.pk}"
    assert "Intervensi tercatat" in client.get(url).content.decode()
    assert Program.objects.get(code="pbi-daerah").cycles.count() == 1
