"""`padu import` and `padu batches`, as a data custodian runs them."""

import io

import pytest
from django.core.management import CommandError, call_command

from padu.accounts.choices import Role
from padu.accounts.models import AccessLog
from padu.sources.models import ImportBatch

pytestmark = pytest.mark.django_db

HEADER = "ID;NIK;NO KK;NAMA;JENIS KELAMIN;TGL LAHIR;KODE DESA;RT;RW"
ROWS = [
    "A1;3374011705800001;3374010101100001;Budi Santoso;L;17/08/1980;3374011001;1;2",
    "A2;3374015708820002;3374010101100001;;P;17-08-1982;3374011001;1;2",
]


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, "--quiet", stdout=out)
    return out.getvalue()


@pytest.fixture
def custodian(make_user):
    return make_user("walidata", Role.DATA_CUSTODIAN, "33.74")


def test_import_then_list_show_and_write_rejected_rows(tmp_path, dataset, custodian):
    path = tmp_path / "dtks.csv"
    path.write_text("\n".join([HEADER, *ROWS]), encoding="utf-8")
    summary = run("import", str(path), "--source", "dtks", "--user", "walidata")
    batch = ImportBatch.objects.get()
    assert batch.region == custodian.region and batch.imported_by == custodian
    assert f"Batch #{batch.pk} DTKS" in summary
    assert "diterima 1" in summary and "ditolak 1" in summary
    assert "baris 3 NAMA" in summary and "Nama kosong" in summary

    assert "dtks.csv" in run("batches", "list")
    # Its problems and rejected rows are personal data: read as an account, and logged.
    with pytest.raises(CommandError, match="--user"):
        run("batches", "show", str(batch.pk))
    assert "Nama kosong" in run("batches", "show", str(batch.pk), "--user", "walidata")
    out = tmp_path / "ditolak.csv"
    written = run("batches", "rejected", str(batch.pk), "--out", str(out), "--user", "walidata")
    assert "1 baris ditolak" in written
    assert "PESAN PADU" in out.read_text(encoding="utf-8-sig")
    assert AccessLog.objects.filter(user=custodian, object_id=str(batch.pk)).count() == 2

    again = run("import", str(path), "--source", "DTKS")
    assert "sudah diimpor" in again  # the same file adds nothing, and is not an error


def test_import_fails_loudly_when_nothing_is_accepted(tmp_path, dataset, custodian):
    path = tmp_path / "kosong.csv"
    path.write_text(HEADER + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="hanya berisi judul"):
        run("import", str(path), "--source", "DTKS")
    with pytest.raises(CommandError, match="Sumber 'BPS' tidak dikenal"):
        run("import", str(path), "--source", "BPS")
    with pytest.raises(CommandError, match="tidak ada"):
        run("batches", "show", "999", "--user", "walidata")


def test_sources_are_added_and_ordered_from_the_command_line(tmp_path, dataset):
    path = tmp_path / "pkh.csv"
    path.write_text("\n".join([HEADER, ROWS[0]]), encoding="utf-8")
    with pytest.raises(CommandError, match="padu sources add 'Daftar PKH' --kind"):
        run("import", str(path), "--source", "Daftar PKH")

    listing = run("sources", "add", "Daftar PKH", "--kind", "agency_list")
    assert "Daftar PKH" in listing and "ditambahkan" in listing
    lines = [line for line in listing.splitlines() if line[:4].strip().isdigit()]
    assert lines[-1].split()[1:3] == ["Daftar", "PKH"]  # trusted least, until told otherwise
    with pytest.raises(CommandError, match="sudah ada"):
        run("sources", "add", "daftar pkh", "--kind", "agency_list")

    listing = run("sources", "set", "Daftar PKH", "--precedence", "35")
    order = [line.split(None, 1)[1].split("  ")[0] for line in listing.splitlines() if line]
    assert order.index("Daftar PKH") == order.index("DTKS") - 1
    assert "diterima 1" in run("import", str(path), "--source", "daftar pkh")


def test_write_mapping_on_a_workbook_it_cannot_read_asks_for_sheet_and_header_row(tmp_path):
    import xlsxwriter
    import yaml

    path = tmp_path / "rekap.xlsx"
    with xlsxwriter.Workbook(path) as book:
        book.add_worksheet("Sampul").write(0, 0, "REKAP BANTUAN 2025")
        sheet = book.add_worksheet("Isi")
        rows = [["REKAP"], [], ["Urut", "Penerima", "Nomor Identitas"], ["1", "Budi", "3374"]]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    out = tmp_path / "pemetaan.yaml"
    said = run("import", str(path), "--source", "DTKS", "--write-mapping", str(out))
    assert "isi sheet dan header_row" in said
    text = out.read_text(encoding="utf-8")
    assert "sheet 'Isi':" in text and "baris 3: Urut | Penerima | Nomor Identitas" in text
    assert yaml.safe_load(text) == {"sheet": None, "header_row": None}

    out.write_text("sheet: Isi\nheader_row: 3\n", encoding="utf-8")
    columns = tmp_path / "kolom.yaml"
    run(
        "import",
        str(path),
        "--source",
        "DTKS",
        "--mapping",
        str(out),
        "--write-mapping",
        str(columns),
    )
    assert set(yaml.safe_load(columns.read_text(encoding="utf-8"))["columns"]) == {
        "Urut",
        "Penerima",
        "Nomor Identitas",
    }


def test_a_one_village_file_takes_its_village_and_a_batch_can_be_withdrawn(
    tmp_path, dataset, custodian
):
    from tests.sources import layout_files

    path = layout_files.opensid_penduduk(tmp_path)
    with pytest.raises(CommandError, match="bukan kode desa"):
        run("import", str(path), "--source", "DTKS", "--village", "33.74.01")
    summary = run(
        "import", str(path), "--source", "DTKS", "--village", "33.74.01.1001", "--user", "walidata"
    )
    assert "diterima 8" in summary
    batch = ImportBatch.objects.get()
    assert set(batch.records.values_list("village_id", flat=True)) == {"33.74.01.1001"}

    with pytest.raises(CommandError, match="--reason"):
        run("batches", "withdraw", str(batch.pk), "--user", "walidata")
    said = run("batches", "withdraw", str(batch.pk), "--reason", "salah desa", "--user", "walidata")
    assert "8 rekaman menjadi riwayat" in said
    batch.refresh_from_db()
    assert batch.status == "withdrawn" and batch.withdrawal_reason == "salah desa"
    with pytest.raises(CommandError, match="Hanya batch yang selesai"):
        run("batches", "withdraw", str(batch.pk), "--reason", "lagi", "--user", "walidata")
