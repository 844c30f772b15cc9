"""Classification started from the web: in the background, one at a time, with progress,
cancellable, within the user's regencies."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from padu.accounts.choices import Role
from padu.core.choices import RunStatus
from padu.welfare.models import ClassificationRun, FamilyWelfare, WelfareModel
from padu.welfare.services import classify, execute_classification
from padu.welfare.tasks import run_classification

pytestmark = pytest.mark.django_db


def test_a_classification_started_on_the_page_runs_in_the_background(
    matched_city, client, make_user
):
    client.force_login(make_user("walidata", Role.DATA_CUSTODIAN, "33.74"))
    page = client.get(reverse("welfare:run-list")).content.decode()
    assert 'value="33.74"' in page and "Semua kabupaten/kota" not in page  # its own city

    client.post(reverse("welfare:run-list"), {"region": "33.74", "refit": "on", "year": 2025})
    run = ClassificationRun.objects.get()
    assert (run.status, run.region_id, run.refit) == (RunStatus.QUEUED, "33.74", True)
    page = client.get(reverse("welfare:run-list")).content.decode()
    assert 'hx-trigger="every 2s"' in page  # progress is polled
    client.post(reverse("welfare:run-list"), {"region": "33.74", "year": 2025})
    assert ClassificationRun.objects.count() == 1  # one run at a time

    # Queued for the worker (tests/matching/test_views.py runs the worker itself, which
    # needs a transactional database); here the queued task is run in place.
    queued = DBTaskResult.objects.get(task_path="padu.welfare.tasks.run_classification")
    assert queued.args_kwargs["args"] == [run.pk]
    run_classification.call(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED, run.message
    assert run.families == FamilyWelfare.objects.count() > 0
    assert sum(run.by_status.values()) == run.families
    assert run.progress_done == run.progress_total
    status = client.get(reverse("welfare:run-status", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"
    page = client.get(reverse("welfare:run-list")).content.decode()
    assert f"{run.families:,}" in page
    assert "· 2025<" in page  # a year, not the number 2,025
    family = FamilyWelfare.objects.first().family
    family_page = client.get(reverse("registry:family-detail", args=[family.pk])).content.decode()
    assert "Garis 2025" in family_page and "2,025" not in family_page


def test_a_region_outside_the_users_scope_is_refused(matched_city, client, make_user):
    client.force_login(make_user("walidata", Role.DATA_CUSTODIAN, "32.73"))  # Kota Bandung
    response = client.post(reverse("welfare:run-list"), {"region": "33.74", "year": 2025})
    assert response.status_code == 400
    assert not ClassificationRun.objects.exists()


def test_only_data_custodians_start_classification(matched_city, client, make_user):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    assert client.get(reverse("welfare:run-list")).status_code == 403
    assert client.post(reverse("welfare:run-list"), {"region": "33.74"}).status_code == 403
    assert not ClassificationRun.objects.exists()


def test_a_cancelled_run_leaves_the_earlier_results(matched_city, client, make_user):
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    client.force_login(custodian)
    city = custodian.region
    first = execute_classification(
        ClassificationRun.objects.create(started_by=custodian, region=city, year=2025)
    )
    assert first.status == RunStatus.COMPLETED
    before = FamilyWelfare.objects.count()

    # Cancelled while running: the worker stops before the next regency/city.
    run = ClassificationRun.objects.create(started_by=custodian, region=city, year=2025)
    client.post(reverse("welfare:run-cancel", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED  # it had not started: it never will
    assert execute_classification(run).status == RunStatus.CANCELLED

    running = ClassificationRun.objects.create(
        started_by=custodian, region=city, year=2025, cancel_requested=True
    )
    running = execute_classification(running)
    assert running.status == RunStatus.CANCELLED and "Jalankan lagi" in running.message
    assert WelfareModel.objects.count() == 1  # no half-written model version
    assert FamilyWelfare.objects.count() == before


def test_the_run_list_pages_through_older_runs(client, make_user):
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    client.force_login(custodian)
    ClassificationRun.objects.bulk_create(
        ClassificationRun(
            started_by=custodian, region=custodian.region, year=2025, status=RunStatus.COMPLETED
        )
        for _ in range(21)
    )
    first = client.get(reverse("welfare:run-list")).content.decode()
    assert "Halaman 1 dari 2" in first and "?page=2" in first
    assert (
        "Halaman 2 dari 2" in client.get(reverse("welfare:run-list") + "?page=2").content.decode()
    )


def test_the_page_shows_the_results_in_force_whoever_classified(matched_city, client, make_user):
    classify(actor=None)  # as padu classify and the demo do, without a run
    client.force_login(make_user("walidata", Role.DATA_CUSTODIAN, "33.74"))

    def current() -> str:
        page = client.get(reverse("welfare:run-list")).content.decode()
        if 'id="current-models"' not in page:
            return ""
        return page[
            page.index('id="current-models"') : page.index("</table>", page.index("current-models"))
        ]

    assert "Kota Semarang" in current() and "versi 1" in current()
    classify(actor=None)
    assert "versi 2" in current() and "versi 1" not in current()

    client.force_login(make_user("bandung", Role.DATA_CUSTODIAN, "32.73"))
    assert current() == ""  # another city's custodian sees none of Semarang's


def test_the_page_shows_the_poor_and_the_desils_of_the_results_in_force(
    matched_city, client, make_user
):
    from padu.welfare.models import FamilyWelfare

    classify(actor=None)
    client.force_login(make_user("walidata", Role.DATA_CUSTODIAN, "33.74"))
    page = client.get(reverse("welfare:run-list")).content.decode()
    glance = page[
        page.index('id="at-a-glance"') : page.index("</table>", page.index("at-a-glance"))
    ]
    assert "Semarang Tengah" in glance and "Miskin ekstrem" in glance and "Desil 10" in glance
    extreme = FamilyWelfare.objects.filter(status="ekstrem", family__lifecycle="aktif").count()
    total_row = glance[glance.index("Jumlah") :]
    shown = f"{extreme:,}".replace(",", ".")
    assert f'status=ekstrem">{shown}</a> /' in total_row
    # Each figure opens the families behind it.
    client.get(reverse("registry:family-list"), {"status": "ekstrem", "hitung": 1})  # the total
    listed = client.get(reverse("registry:family-list"), {"status": "ekstrem"})
    assert listed.context["paginator"].count == extreme
