"""The data custodian's import pages, through the test client and the real task queue."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from padu.accounts.choices import AccessKind, Role
from padu.accounts.models import AccessLog
from padu.sources.choices import BatchStatus
from padu.sources.models import ImportBatch, SourceRecord

pytestmark = pytest.mark.django_db

HEADER = "ID;NIK;NO KK;NAMA;JENIS KELAMIN;TGL LAHIR;KODE DESA;RT;RW;CATATAN"
ROWS = [
    "A1;3374011705800001;3374010101100001;Budi Santoso;L;17/08/1980;3374011001;1;2;x",
    "A2;3.37402E+15;3374010101100001;Siti Aminah;P;17-08-1982;3374011001;1;2;x",
    "A3;3374010501100003;3374010101100001;;P;2010-01-05;3374011001;1;2;x",
]


def csv_upload(name="dtks.csv", rows=ROWS):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "\n".join([HEADER, *rows]).encode("utf-8")
    return SimpleUploadedFile(name, body, content_type="text/csv")


@pytest.fixture
def custodian(client, make_user, dataset):
    user = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    client.force_login(user)
    return user


def upload(client, dataset, **extra):
    return client.post(
        reverse("sources:upload"), {"dataset": dataset.pk, "file": csv_upload(), **extra}
    )


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, verbosity=0)


@pytest.fixture
def worker_db(transactional_db):
    """The worker closes its database connections between tasks, which would end a test
    wrapped in one transaction: tests that run it commit for real (and load their city)."""
    from padu.regions.services import load_regions

    load_regions(only=("33.74",))


def test_upload_shows_a_preview_and_stores_nothing_yet(client, custodian, dataset):
    response = upload(client, dataset)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("sources:batch-detail", args=[batch.pk])
    assert batch.status == BatchStatus.DRAFT

    page = client.get(response.url).content.decode()
    assert "Pratinjau" in page
    assert "CATATAN" in page and "tidak dikenal" in page  # the unknown column is listed
    assert "rusak oleh Excel" in page  # first problems: the damaged NIK …
    assert "Nama kosong" in page  # … and the row without a name
    assert SourceRecord.objects.count() == 0


def test_commit_runs_in_the_background_and_the_report_follows(
    worker_db, client, custodian, dataset
):
    batch_url = upload(client, dataset).url
    batch = ImportBatch.objects.get()
    client.post(reverse("sources:batch-commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED
    assert 'hx-trigger="every 2s"' in client.get(batch_url).content.decode()

    run_worker()
    batch.refresh_from_db()
    assert (batch.status, batch.rows_accepted, batch.rows_rejected) == (
        BatchStatus.COMPLETED,
        2,
        1,
    )
    status = client.get(reverse("sources:batch-status", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"  # the polling page reloads into the report
    report = client.get(batch_url).content.decode()
    assert 'id="rows-accepted">2<' in report
    assert "Nama kosong" in report
    assert 'id="next-step"' in report and reverse("matching:run-list") in report  # what now

    rejected = client.get(reverse("sources:rejected-csv", args=[batch.pk]))
    text = rejected.content.decode("utf-8-sig")
    assert "PESAN PADU" in text.splitlines()[0] and "A3" in text and "A1" not in text
    assert AccessLog.objects.filter(kind=AccessKind.EXPORT, object_type="import_batch").exists()


def test_a_bad_file_is_explained_in_the_preview_and_cannot_be_committed(client, custodian, dataset):
    from django.core.files.uploadedfile import SimpleUploadedFile

    binary = SimpleUploadedFile("data.csv", b"PK\x03\x04\x00\x00binary", content_type="text/csv")
    response = client.post(reverse("sources:upload"), {"dataset": dataset.pk, "file": binary})
    page = client.get(response.url).content.decode()
    assert "bukan teks CSV" in page
    assert 'id="commit"' not in page


def test_a_file_that_is_no_table_is_refused_at_upload(client, custodian, dataset):
    response = client.post(
        reverse("sources:upload"), {"dataset": dataset.pk, "file": csv_upload("data.pdf")}
    )
    assert response.status_code == 200
    assert "bukan CSV atau Excel" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_mapping_file_settles_an_unknown_column(client, custodian, dataset):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload(client, dataset)
    batch = ImportBatch.objects.get()
    mapping = SimpleUploadedFile("m.yaml", b"columns:\n  CATATAN: address\n")
    client.post(reverse("sources:batch-mapping", args=[batch.pk]), {"mapping_file": mapping})
    batch.refresh_from_db()
    assert batch.mapping["columns"] == {"CATATAN": "address"}
    page = client.get(reverse("sources:batch-detail", args=[batch.pk])).content.decode()
    assert "tidak dikenal" not in page

    broken = SimpleUploadedFile("m.yaml", b"columns:\n  CATATAN: alamat_rumah\n")
    response = client.post(
        reverse("sources:batch-mapping", args=[batch.pk]), {"mapping_file": broken}, follow=True
    )
    assert "bidang tidak dikenal: alamat_rumah" in response.content.decode()


def test_cancelling_a_draft_imports_nothing(worker_db, client, custodian, dataset):
    upload(client, dataset)
    batch = ImportBatch.objects.get()
    client.post(reverse("sources:batch-cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED
    run_worker()
    assert SourceRecord.objects.count() == 0


def test_only_data_custodians_reach_the_import_pages(client, make_user, dataset):
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    assert client.get(reverse("sources:batch-list")).status_code == 403
    assert upload(client, dataset).status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_batch_list_costs_the_same_queries_for_many_batches(
    client, custodian, dataset, django_assert_max_num_queries
):
    for _ in range(30):
        ImportBatch.objects.create(
            dataset=dataset, file_name="x.csv", file_sha256="0" * 64, region=custodian.region
        )
    with django_assert_max_num_queries(6):
        response = client.get(reverse("sources:batch-list"))
    assert response.content.decode().count("x.csv") == 25


def test_the_report_counts_problems_by_kind_and_lists_the_rows_of_one_kind(
    tmp_path, client, custodian, dataset, django_assert_max_num_queries
):
    from padu.sources.services import import_file

    damaged = [
        f"D{i};3.3740{i}E+15;3374010101100001;Warga {i};L;17/08/1980;3374011001;1;2;x"
        for i in range(1, 6)
    ]
    path = tmp_path / "dtks.csv"
    path.write_text("\n".join([HEADER, *ROWS, *damaged]), encoding="utf-8")
    batch = import_file(path, dataset=dataset, actor=custodian)
    url = reverse("sources:batch-detail", args=[batch.pk])

    with django_assert_max_num_queries(10):  # two for the kinds, however many
        page = client.get(url).content.decode()
    kinds = page[page.index('id="issue-kinds"') : page.index("</table>", page.index("issue-kinds"))]
    # Six damaged NIKs (A2 and D1-D5) make one line of six; the nameless row another.
    assert "<td>6</td>" in kinds and "rusak oleh Excel" in kinds
    assert "<td>1</td>" in kinds and "Nama kosong" in kinds

    one_kind = client.get(url, {"jenis": "nik_excel_scientific"}).content.decode()
    listed = one_kind[one_kind.index('id="issues"') :]
    assert listed.count("rusak oleh Excel") == 6 and "Nama kosong" not in listed
    unknown = client.get(url, {"jenis": "no-such-kind"}).content.decode()
    assert "Nama kosong" in unknown[unknown.index('id="issues"') :]  # an unknown kind: all rows


def test_the_command_line_summary_counts_problems_by_kind(tmp_path, custodian, dataset):
    from padu.sources.reporting import batch_summary
    from padu.sources.services import import_file

    damaged = [
        f"D{i};3.3740{i}E+15;3374010101100001;Warga {i};L;17/08/1980;3374011001;1;2;x"
        for i in range(1, 4)
    ]
    path = tmp_path / "dtks.csv"
    path.write_text("\n".join([HEADER, *damaged]), encoding="utf-8")
    summary = "\n".join(
        batch_summary(import_file(path, dataset=dataset, actor=custodian), issues=1)
    )
    assert "masalah menurut jenis" in summary
    assert "3 × peringatan (baris diterima) NIK (nik_excel_scientific)" in summary
    assert "dan 2 masalah lain" in summary


def test_the_upload_page_chooses_no_source_for_the_user(client, custodian, dataset):
    page = client.get(reverse("sources:upload")).content.decode()
    assert '<option value="" selected>— pilih sumber —</option>' in page
    assert "OpenSID, format impor penduduk" in page  # the layouts it knows are listed
    response = client.post(reverse("sources:upload"), {"file": csv_upload()})
    assert response.status_code == 200 and not ImportBatch.objects.exists()


def test_a_one_village_file_is_given_its_village_on_the_page(client, custodian, dataset):
    rows = [";".join(row.split(";")[:6]) for row in ROWS]
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "\n".join([";".join(HEADER.split(";")[:6]), *rows]).encode()
    client.post(
        reverse("sources:upload"),
        {"dataset": dataset.pk, "file": SimpleUploadedFile("desa.csv", body), "village": "x"},
    )
    assert not ImportBatch.objects.exists()  # a village code that is none is refused
    client.post(
        reverse("sources:upload"),
        {"dataset": dataset.pk, "file": SimpleUploadedFile("desa.csv", body)},
    )
    batch = ImportBatch.objects.get()
    page = client.get(reverse("sources:batch-detail", args=[batch.pk])).content.decode()
    assert 'id="village"' in page and "satu desa" in page
    client.post(reverse("sources:batch-village", args=[batch.pk]), {"village": "3374011002"})
    batch.refresh_from_db()
    assert batch.mapping["defaults"] == {"village": "33.74.01.1002"}
    page = client.get(reverse("sources:batch-detail", args=[batch.pk])).content.decode()
    assert "tidak dikenali" not in page  # every row is placed now


def test_a_completed_batch_is_withdrawn_with_a_reason(client, custodian, dataset, tmp_path):
    from padu.sources.services import import_file

    path = tmp_path / "dtks.csv"
    path.write_text("\n".join([HEADER, ROWS[0]]))
    batch = import_file(path, dataset=dataset, actor=custodian)
    url = reverse("sources:batch-detail", args=[batch.pk])
    assert 'id="withdraw"' in client.get(url).content.decode()
    client.post(reverse("sources:batch-withdraw", args=[batch.pk]), {"reason": ""})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COMPLETED  # no reason, no withdrawal
    response = client.post(
        reverse("sources:batch-withdraw", args=[batch.pk]), {"reason": "bulan salah"}, follow=True
    )
    batch.refresh_from_db()
    assert batch.status == BatchStatus.WITHDRAWN
    page = response.content.decode()
    assert "Batch ditarik: 1 rekaman" in page and "bulan salah" in page
    assert 'id="withdraw"' not in page
    assert not SourceRecord.objects.current().exists()


def test_sources_are_added_and_reordered_on_their_page(client, custodian, dataset):
    from padu.sources.models import SourceDataset

    url = reverse("sources:dataset-list")
    page = client.get(url).content.decode()
    assert 'id="datasets"' in page and "DTKS" in page
    client.post(url, {"name": "Daftar BLT Kota", "kind": "agency_list"})
    added = SourceDataset.objects.get(name="Daftar BLT Kota")
    assert added.precedence < SourceDataset.objects.get(name="P3KE").precedence
    response = client.post(url, {"name": "dtks", "kind": "dtks"})
    assert "sudah ada" in response.content.decode()

    def order():
        return list(
            SourceDataset.objects.order_by("-precedence", "name").values_list("name", flat=True)
        )

    before = order()
    client.post(reverse("sources:dataset-move", args=[added.pk]), {"arah": "naik"})
    after = order()
    assert after.index("Daftar BLT Kota") == before.index("Daftar BLT Kota") - 1
