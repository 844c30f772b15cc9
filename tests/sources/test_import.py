"""Every row accounted for: good files go in, bad files say why, nothing half-done."""

import threading

import polars as pl
import pytest
import xlsxwriter

from padu.accounts.choices import Role
from padu.sources.choices import BatchStatus, Severity
from padu.sources.mapping import Mapping, mapping_from_dict
from padu.sources.models import ImportBatch, RawRows, SourceRecord, ValueRows
from padu.sources.reporting import rejected_rows, write_rejected
from padu.sources.services import batches as services
from padu.sources.services import find_dataset, import_file, request_cancel

pytestmark = pytest.mark.django_db

HEADER = "ID;NIK;NO KK;NAMA;JENIS KELAMIN;TGL LAHIR;KODE DESA;RT;RW;ALAMAT"
GOOD = [
    "A1;3374011705800001;3374010101100001;Budi Santoso;L;17/08/1980;3374011001;1;2;Jl. Melati 1",
    "A2;3374015708820002;3374010101100001;Siti Aminah;P;17-08-1982;3374011001;1;2;Jl. Melati 1",
    "A3;;3374010101100001;Dewi Lestari;P;2010-01-05;3374011001;1;2;Jl. Melati 1",
]


def write(tmp_path, name, lines, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def records():
    return SourceRecord.objects.current()


def test_a_clean_file_goes_in_with_every_field(tmp_path, dataset):
    batch = import_file(write(tmp_path, "dtks.csv", [HEADER, *GOOD]), dataset=dataset, actor=None)
    assert (batch.status, batch.rows_read, batch.rows_accepted, batch.rows_rejected) == (
        BatchStatus.COMPLETED,
        3,
        3,
        0,
    )
    budi = records().get(record_id="A1")
    assert (budi.nik, budi.kk_number, budi.full_name, budi.sex) == (
        "3374011705800001",
        "3374010101100001",
        "Budi Santoso",
        "L",
    )
    assert (str(budi.birth_date), budi.village_id, budi.rt, budi.rw) == (
        "1980-08-17",
        "33.74.01.1001",
        "001",
        "002",
    )
    assert budi.raw_row["NAMA"] == "Budi Santoso" and budi.fields["address"] == "Jl. Melati 1"
    assert records().get(record_id="A3").nik == ""


def test_semicolons_windows_1252_and_title_rows(tmp_path, dataset):
    lines = [
        "DATA DTKS KOTA SEMARANG;;;",
        "Per Maret 2025",
        "",
        HEADER,
        "A1;3374011705800001;3374010101100001;Budi Sétiawan;L;17/08/1980;3374011001;1;2;Jl. Melati 1",
    ]
    batch = import_file(write(tmp_path, "dtks.csv", lines, "cp1252"), dataset=dataset, actor=None)
    assert batch.status == BatchStatus.COMPLETED
    assert records().get().full_name == "Budi Sétiawan"


def test_excel_damaged_nik_is_warned_and_never_guessed(tmp_path, dataset):
    damaged = GOOD[0].replace("3374011705800001", "3.37401E+15")
    batch = import_file(write(tmp_path, "dtks.csv", [HEADER, damaged]), dataset=dataset, actor=None)
    assert (batch.rows_accepted, batch.rows_warned) == (1, 1)
    record = records().get()
    assert (record.nik, record.nik_status) == ("", "excel_scientific")
    issue = batch.issues.get()
    assert (issue.row_number, issue.column, issue.value, issue.severity) == (
        2,
        "NIK",
        "3.37401E+15",
        Severity.WARNING,
    )
    assert "Excel" in issue.message


def test_bad_rows_are_rejected_with_file_row_column_and_advice_good_rows_kept(tmp_path, dataset):
    lines = [
        HEADER,
        *GOOD,
        "A4;3374011705800004;;;L;17/08/1980;3374011001;1;2;x",  # no name
        "A5;3374011705800005;;Joko;L;17/08/1980;9999999999;1;2;x",  # unknown village
        "A6;3374011705800006;;Ani;P;31/02/1980;3374011001",
    ]  # cut short
    batch = import_file(write(tmp_path, "dtks.csv", lines), dataset=dataset, actor=None)
    assert (batch.rows_accepted, batch.rows_rejected) == (3, 3)
    errors = {i.row_number: i for i in batch.issues.filter(severity=Severity.ERROR)}
    assert set(errors) == {5, 6, 7}
    assert "Nama kosong" in errors[5].message
    assert errors[6].column == "KODE DESA" and "kode desa" in errors[6].message
    assert "terpotong" in errors[7].message
    # Rejected rows come from the database's copy of the rows, not the stored file.
    batch.file.delete()
    out = tmp_path / "ditolak.csv"
    assert write_rejected(batch, out) == 3
    rejected = pl.read_csv(out, separator=",", infer_schema_length=0)
    assert rejected["ID"].to_list() == ["A4", "A5", "A6"]
    assert "Nama kosong" in rejected["PESAN PADU"][0]


def test_rejected_rows_corrected_and_imported_again_as_a_follow_up(tmp_path, dataset):
    lines = [HEADER, GOOD[0], "A4;3374011705800004;;;L;17/08/1980;3374011001;1;2;x"]
    first = import_file(write(tmp_path, "dtks.csv", lines), dataset=dataset, actor=None)
    out = tmp_path / "ditolak.csv"
    write_rejected(first, out)
    fixed = (
        pl.read_csv(out, infer_schema_length=0)
        .with_columns(NAMA=pl.lit("Agus Salim"))
        .drop("PESAN PADU")
    )
    fixed.write_csv(tmp_path / "perbaikan.csv")
    second = import_file(
        tmp_path / "perbaikan.csv", dataset=dataset, actor=None, follow_up_of=first
    )
    assert (second.rows_accepted, second.follow_up_of) == (1, first)
    assert set(records().values_list("record_id", flat=True)) == {"A1", "A4"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kosong.csv", b"", "File kosong"),
        ("spasi.csv", b"  \n\n", "File kosong"),
        ("excel.csv", b"PK\x03\x04\x14\x00\x06\x00binary", "bukan teks CSV"),
        ("gambar.csv", bytes(range(256)) * 4, "bukan teks CSV"),
        ("judul.csv", (HEADER + "\n").encode(), "hanya berisi judul"),
        ("acak.csv", b"lorem;ipsum\ndolor;sit\n", "judul kolom tidak ditemukan"),
        ("rusak.xls", b"\xd0\xcf\x11\xe0junk", "tidak dapat dibuka"),
        ("rusak.xlsx", b"PK\x03\x04not really a workbook", "tidak dapat dibuka"),
    ],
)
def test_unreadable_files_get_a_message_and_leave_nothing(
    tmp_path, dataset, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content)
    batch = import_file(path, dataset=dataset, actor=None)
    assert batch.status == BatchStatus.FAILED
    assert message in batch.message
    assert "Traceback" not in batch.message
    assert not SourceRecord.objects.exists() and not batch.issues.exists()


def _workbook(path, sheets):
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_xlsx_with_cover_sheet_title_rows_merged_header_and_numeric_nik(tmp_path, dataset):
    rows = [
        ["DAFTAR PENERIMA", None, None, None, None, None],
        [None, None, None, None, None, None],
        ["ID", "IDENTITAS", None, "NAMA", "ALAMAT", None],
        [None, "NIK", "NO KK", None, "RT", "RW"],
        ["B1", 3374011705800001, "3374010101100001", "Budi", "1", "2"],
        ["B2", "3374015708820002", "3374010101100001", "Siti", "1", "2"],
    ]
    path = _workbook(
        tmp_path / "opd.xlsx", {"Petunjuk": [["Isi data di sheet berikut"]], "Data": rows}
    )
    batch = import_file(
        path, dataset=dataset, actor=None, mapping=Mapping(defaults={"regency": "33.74"})
    )
    # No village at all: every row is rejected with the reason, none half-imported.
    assert (
        batch.rows_rejected == 2 and "Desa/kelurahan tidak dikenali" in batch.issues.first().message
    )
    rows[2].append("KELURAHAN")
    rows[3].append(None)
    for row in rows[4:]:
        row.append("Miroto")
    path = _workbook(
        tmp_path / "opd2.xlsx", {"Petunjuk": [["Isi data di sheet berikut"]], "Data": rows}
    )
    batch = import_file(
        path, dataset=dataset, actor=None, mapping=Mapping(defaults={"regency": "33.74"})
    )
    assert batch.status == BatchStatus.COMPLETED and batch.rows_accepted == 2
    budi = records().get(record_id="B1")
    assert (budi.nik, budi.rt, budi.rw, budi.village_id) == (
        "3374011705800001",
        "001",
        "002",
        "33.74.01.1001",
    )


def test_a_workbook_without_data_sheet_names_its_sheets(tmp_path, dataset):
    path = _workbook(
        tmp_path / "salah.xlsx", {"Sampul": [["Laporan"]], "Catatan": [["tidak ada data"]]}
    )
    batch = import_file(path, dataset=dataset, actor=None)
    assert batch.status == BatchStatus.FAILED and "Sampul, Catatan" in batch.message


def test_village_names_without_codes_are_placed_within_the_regency(tmp_path, dataset):
    lines = [
        "ID,NAMA,KECAMATAN,DESA/KELURAHAN,KABUPATEN/KOTA",
        "1,Budi,SEMARANG TENGAH,MIROTO,KOTA SEMARANG",
        "2,Siti,Semarang Tengah,Mirotto,Kota Semarang",  # misspelt
        "3,Joko,Semarang Tengah,Atlantis,Kota Semarang",
    ]
    batch = import_file(write(tmp_path, "p3ke.csv", lines), dataset=dataset, actor=None)
    assert batch.rows_accepted == 2 and batch.rows_rejected == 1
    assert set(records().values_list("village_id", flat=True)) == {"33.74.01.1001"}
    loose = batch.issues.get(code="village_name_loose")
    assert loose.row_number == 3 and "Miroto" in loose.message


def test_same_file_twice_adds_nothing(tmp_path, dataset):
    path = write(tmp_path, "dtks.csv", [HEADER, *GOOD])
    import_file(path, dataset=dataset, actor=None)
    again = import_file(path, dataset=dataset, actor=None)
    assert again.status == BatchStatus.DUPLICATE and "sudah diimpor" in again.message
    assert SourceRecord.objects.count() == 3


def test_a_new_export_updates_records_by_id(tmp_path, dataset):
    import_file(write(tmp_path, "maret.csv", [HEADER, *GOOD]), dataset=dataset, actor=None)
    changed = GOOD[0].replace("Budi Santoso", "Budi Santosa")
    newer = [HEADER, changed, GOOD[1], GOOD[2].replace("A3", "A9")]
    batch = import_file(write(tmp_path, "april.csv", newer), dataset=dataset, actor=None)
    assert (batch.records_created, batch.records_updated) == (1, 2)
    assert records().count() == 4  # A3 stays current until a source says otherwise
    assert records().get(record_id="A1").full_name == "Budi Santosa"
    assert SourceRecord.objects.filter(record_id="A1").count() == 2  # history kept


def test_the_same_file_with_a_corrected_mapping_replaces_its_batch(tmp_path, dataset):
    # An export coding the relationship with bare numbers: read without its code list, the
    # codes are warned and left empty; read again with the list, it replaces that batch.
    lines = [HEADER + ";HUB KRT", GOOD[0] + ";1", GOOD[1] + ";2", GOOD[2] + ";3"]
    path = write(tmp_path, "dtks.csv", lines)
    first = import_file(path, dataset=dataset, actor=None)
    assert (first.rows_accepted, first.rows_warned) == (3, 3)
    same = import_file(path, dataset=dataset, actor=None)
    assert same.status == BatchStatus.DUPLICATE  # same file, same mapping: nothing new
    codes = {"values": {"relationship": {"1": "kepala", "2": "pasangan", "3": "anak"}}}
    again = import_file(path, dataset=dataset, actor=None, mapping=mapping_from_dict(codes))
    assert again.status == BatchStatus.COMPLETED and again.replaces == first
    assert f"Menggantikan batch #{first.pk}: 3 rekaman" in again.message
    assert not records().filter(batch=first).exists()  # the old reading is history
    assert SourceRecord.objects.filter(batch=first).count() == 3  # and kept
    relationships = records().select_related("batch")
    assert sorted(r.fields["relationship"] for r in relationships) == ["anak", "kepala", "pasangan"]


def test_a_withdrawn_batch_gives_back_what_it_had_replaced(tmp_path, dataset, make_user):
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    january = import_file(
        write(tmp_path, "jan.csv", [HEADER, *GOOD]), dataset=dataset, actor=custodian
    )
    february = [
        HEADER,
        GOOD[0].replace("Budi Santoso", "Budi Santosa"),
        GOOD[2].replace("A3", "A4"),
    ]
    wrong = import_file(write(tmp_path, "feb.csv", february), dataset=dataset, actor=custodian)
    assert records().get(record_id="A1").full_name == "Budi Santosa"
    with pytest.raises(ValueError, match="alasan"):
        services.withdraw_batch(wrong, actor=custodian, reason=" ")
    assert services.withdraw_batch(wrong, actor=custodian, reason="salah bulan") == 2
    wrong.refresh_from_db()
    assert (wrong.status, wrong.withdrawn_by, wrong.withdrawal_reason) == (
        BatchStatus.WITHDRAWN,
        custodian,
        "salah bulan",
    )
    assert set(records().values_list("record_id", "batch")) == {
        ("A1", january.pk),
        ("A2", january.pk),
        ("A3", january.pk),
    }
    assert SourceRecord.objects.filter(batch=wrong).count() == 2  # history stays
    with pytest.raises(ValueError, match="selesai"):
        services.withdraw_batch(wrong, actor=custodian, reason="lagi")


def test_withdrawing_a_middle_batch_keeps_the_newest_version(tmp_path, dataset, make_user):
    custodian = make_user("walidata", Role.DATA_CUSTODIAN, "33.74")
    names = ["Budi Santoso", "Budi Santosa", "Budi Susanto"]
    batches = [
        import_file(
            write(tmp_path, f"{i}.csv", [HEADER, GOOD[0].replace("Budi Santoso", name)]),
            dataset=dataset,
            actor=custodian,
        )
        for i, name in enumerate(names)
    ]
    services.withdraw_batch(batches[1], actor=custodian, reason="salah")
    assert list(records().values_list("full_name", flat=True)) == ["Budi Susanto"]
    oldest = SourceRecord.objects.get(batch=batches[0])
    assert oldest.superseded_by == batches[2]


def test_exact_duplicate_rows_are_skipped_reused_ids_rejected(tmp_path, dataset):
    lines = [HEADER, GOOD[0], GOOD[0], GOOD[1], GOOD[1].replace("Siti Aminah", "Siti Lain")]
    batch = import_file(write(tmp_path, "dtks.csv", lines), dataset=dataset, actor=None)
    assert (batch.rows_accepted, batch.rows_duplicate, batch.rows_rejected) == (2, 1, 1)
    duplicate = batch.issues.get(code="duplicate_row")
    assert duplicate.row_number == 3 and "baris 2" in duplicate.message
    assert duplicate.severity == Severity.SKIPPED  # not "accepted with a warning"
    reused = batch.issues.get(code="record_id_reused")
    assert reused.row_number == 5 and "baris 4" in reused.message


def test_formula_cells_are_kept_as_text_and_defused_on_export(tmp_path, dataset):
    lines = [
        HEADER,
        GOOD[0].replace("Jl. Melati 1", '=HYPERLINK("http://x")'),
        "A4;;;;L;;3374011001;1;2;@SUM(A1)",
    ]
    batch = import_file(write(tmp_path, "dtks.csv", lines), dataset=dataset, actor=None)
    assert records().get().fields["address"] == '=HYPERLINK("http://x")'
    assert batch.issues.filter(code="formula_text").count() == 2
    out = tmp_path / "ditolak.csv"
    write_rejected(batch, out)
    assert pl.read_csv(out, infer_schema_length=0)["ALAMAT"].to_list() == ["'@SUM(A1)"]


def test_formulas_and_placeholders_in_every_column_never_crash(tmp_path, dataset):
    """A lone "-" is these exports' "nothing"; a formula in each of many columns is flagged
    in each (the check once named every column alike and failed on the second)."""
    columns = HEADER.split(";")
    placeholders = "A5;-;-;Tono;-;-;3374011001;-;-;-"
    formulas = ";".join(["A6", *(f"=X{i}()" for i in range(1, len(columns)))])
    lines = [HEADER, GOOD[0], placeholders, formulas]
    batch = import_file(write(tmp_path, "dtks.csv", lines), dataset=dataset, actor=None)
    assert batch.status == BatchStatus.COMPLETED, batch.message
    tono = records().get(record_id="A5")
    assert (tono.nik, tono.kk_number, tono.sex, tono.rt) == ("", "", "", "")
    flagged = batch.issues.filter(code="formula_text", row_number=4)
    assert flagged.count() == len(columns) - 1
    assert not batch.issues.filter(code="formula_text", row_number=3).exists()


def test_a_failure_mid_way_leaves_the_database_as_it_was(tmp_path, dataset, monkeypatch):
    import_file(write(tmp_path, "awal.csv", [HEADER, GOOD[0]]), dataset=dataset, actor=None)
    before = list(SourceRecord.objects.values_list("pk", "record_id", "superseded_by"))
    monkeypatch.setattr(services, "CHUNK_ROWS", 1)
    calls = {"n": 0}
    original = services._stage

    def failing(batch, prepared):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(batch, prepared)

    monkeypatch.setattr(services, "_stage", failing)
    batch = import_file(write(tmp_path, "baru.csv", [HEADER, *GOOD]), dataset=dataset, actor=None)
    assert batch.status == BatchStatus.FAILED and "disk full" in batch.message
    assert list(SourceRecord.objects.values_list("pk", "record_id", "superseded_by")) == before
    assert not batch.issues.exists()


def test_cancel_leaves_the_database_as_it_was(tmp_path, dataset, monkeypatch, make_user):
    admin = make_user("root", Role.ADMIN)
    monkeypatch.setattr(services, "CHUNK_ROWS", 1)
    original = services._stage

    def cancel_after_first(batch, prepared):
        original(batch, prepared)
        request_cancel(batch, actor=admin)

    monkeypatch.setattr(services, "_stage", cancel_after_first)
    batch = import_file(write(tmp_path, "dtks.csv", [HEADER, *GOOD]), dataset=dataset, actor=None)
    assert batch.status == BatchStatus.CANCELLED
    assert not SourceRecord.objects.exists()


def test_an_interrupted_batch_is_cleaned_up(tmp_path, dataset):
    import datetime as dt

    from django.utils import timezone

    batch = services.create_batch(
        write(tmp_path, "dtks.csv", [HEADER, *GOOD]), dataset=dataset, actor=None
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, heartbeat_at=timezone.now()
    )
    assert services.clean_up_interrupted(now=timezone.now()) == 0
    assert services.clean_up_interrupted(now=timezone.now() + dt.timedelta(hours=1)) == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED


def test_mapping_file_settles_unknown_columns(tmp_path, dataset):
    lines = ["NOMOR;NAMA KRT;KODE DESA;CATATAN", "X1;Budi;3374011001;apa saja"]
    path = write(tmp_path, "opd.csv", lines)
    batch = import_file(path, dataset=dataset, actor=None)
    assert batch.status == BatchStatus.FAILED and "--write-mapping" in batch.message
    mapping = mapping_from_dict(
        {
            "header_row": 1,
            "columns": {"NOMOR": "record_id", "NAMA KRT": "full_name", "CATATAN": None},
        }
    )
    path2 = write(tmp_path, "opd2.csv", [*lines, "X2;Siti;3374011001;-"])
    batch = import_file(path2, dataset=dataset, actor=None, mapping=mapping)
    assert batch.rows_accepted == 2
    assert set(records().filter(batch=batch).values_list("record_id", flat=True)) == {"X1", "X2"}


def test_synthetic_exports_go_in_rejecting_only_what_the_generator_broke(tmp_path, db):
    from padu.synth.services import generate_region

    city = generate_region(
        region="33.74", people=3_000, seed=5, out_dir=tmp_path / "city", p3ke_format="xlsx"
    )
    truth = pl.read_csv(city.files["truth_source_rows"], infer_schema_length=0)
    for source in ("regsosek", "dtks", "p3ke"):
        batch = import_file(city.files[source], dataset=find_dataset(source), actor=None)
        assert batch.status == BatchStatus.COMPLETED, batch.message
        assert batch.rows_rejected == 0, list(batch.issues.filter(severity=Severity.ERROR)[:5])
        expected = truth.filter(pl.col("source") == source)
        assert batch.rows_accepted == expected.height
        damaged = expected["dirt"].fill_null("").str.contains("nik_excel_damaged").sum()
        assert batch.issues.filter(code="nik_excel_scientific").count() == damaged


def test_starter_mapping_lists_every_column(tmp_path):
    import yaml

    from padu.sources.mapping import plan_columns, starter_mapping
    from padu.sources.reading import read_table

    path = write(tmp_path, "opd.csv", ["NIK;NAMA;NAMA KRT;KODE DESA", "1;Budi;x;3374011001"])
    table = read_table(path)
    text = starter_mapping(
        table.header, plan_columns(table.header, Mapping()), header_row=table.header_row
    )
    body = yaml.safe_load(text)
    assert body["columns"] == {
        "NIK": "nik",
        "NAMA": "full_name",
        "NAMA KRT": None,
        "KODE DESA": "village_code",
    }
    assert body["header_row"] == 1 and text.startswith("# Pemetaan kolom Padu")


def test_an_unknown_field_in_a_mapping_is_refused():
    from padu.sources.mapping import MappingError

    with pytest.raises(MappingError, match="bidang tidak dikenal: nama_lengkap"):
        mapping_from_dict({"columns": {"NAMA": "nama_lengkap"}})


def test_chunks_see_the_whole_file(tmp_path, dataset, monkeypatch):
    """Repeated rows and reused ids are found across chunk borders, and a file read two rows
    at a time ends exactly as one read at once, down to every normalised value."""
    lines = [
        HEADER,
        *GOOD,
        GOOD[0],  # an exact repeat of row 2, three chunks later
        "A2;3374015708820099;3374010101100001;Sri Wahyuni;P;01-01-1990;3374011001;1;2;Jl. Mawar",
        "A9;;;;;;;;;",  # no name: rejected
        ";3374010202100001;3374010202100001;Tanpa Id;L;1990-01-01;3374011001;3;4;Jl. Kenanga",
    ]

    def run(name, chunk_rows):
        monkeypatch.setattr(services, "CHUNK_ROWS", chunk_rows)
        batch = import_file(
            write(tmp_path, name, lines), dataset=find_dataset(name[:4]), actor=None
        )
        issues = sorted(batch.issues.values_list("row_number", "code"))
        raw = RawRows.rows(batch).rows()
        normalised = sorted(
            batch.records.values_list(
                "record_id", "row_number", "nik", "kk_number", "full_name", "name_key",
                "birth_date", "village_id", "rt", "rw",
            )
        )  # fmt: skip
        values = ValueRows.rows(batch).rows()
        return (
            (
                batch.rows_read,
                batch.rows_accepted,
                batch.rows_rejected,
                batch.rows_duplicate,
                batch.rows_warned,
            ),
            issues,
            raw,
            normalised,
            values,
        )

    whole = run("DTKS.csv", 1000)
    chunked = run("P3KE.csv", 2)
    assert whole == chunked
    counts, issues, raw, normalised, values = chunked
    assert len(normalised) == len(values) == counts[1]
    # Every row read is kept as it was, the rejected and the repeated ones too.
    assert [row[0] for row in raw] == list(range(2, 9))
    assert raw[5][1:4] == ("A9", None, None) and raw[3] == (5, *GOOD[0].split(";"))
    assert RawRows.objects.filter(batch__dataset__name="P3KE").count() == 4
    assert counts[:4] == (7, 4, 2, 1)
    assert (5, "duplicate_row") in issues and (6, "record_id_reused") in issues
    assert SourceRecord.objects.filter(batch__dataset__name="P3KE", record_id="7").exists()


def test_members_and_families_in_two_files_are_joined_by_family_id(tmp_path, dataset):
    families = write(
        tmp_path,
        "keluarga.csv",
        [
            "ID KELUARGA;NO KK;KODE DESA;RT;RW;ALAMAT;JENIS LANTAI",
            "K1;3374010101100001;3374011001;1;2;Jl. Melati 1;Tanah",
            "K2;3374010101100002;3374011001;3;4;Jl. Mawar 2;Keramik",
        ],
    )
    members = write(
        tmp_path,
        "anggota.csv",
        [
            "ID ART;ID KELUARGA;NIK;NAMA;JENIS KELAMIN;TGL LAHIR",
            "A1;K1;3374011705800001;Budi Santoso;L;17/08/1980",
            "A2;K2;3374015708820002;Siti Aminah;P;17-08-1982",
            "A3;K9;3374010501100003;Dewi Lestari;P;2010-01-05",  # no such family
        ],
    )
    batch = import_file(members, dataset=dataset, actor=None, family_path=families)
    assert (batch.rows_accepted, batch.rows_rejected) == (2, 1)
    siti = records().select_related("batch").get(record_id="A2")
    assert (siti.village_id, siti.rt, siti.rw, siti.kk_number) == (
        "33.74.01.1001",
        "003",
        "004",
        "3374010101100002",
    )
    assert siti.fields["floor_material"] == "keramik" and siti.raw_row["ALAMAT"] == "Jl. Mawar 2"
    missing = batch.issues.get(code="family_not_in_family_file")
    assert missing.row_number == 4 and "keluarga.csv" in missing.message
    # Without a family, the row has no village: rejected, with a message saying why.
    assert batch.issues.filter(row_number=4, code="village_unknown").exists()

    rejected = rejected_rows(batch)
    assert rejected.columns[-1] == "PESAN PADU" and rejected["ID ART"].to_list() == ["A3"]


def test_two_files_without_a_shared_key_are_refused(tmp_path, dataset):
    families = write(tmp_path, "k.csv", ["NO KK;KODE DESA;ALAMAT", "3374010101100001;3374011001;x"])
    members = write(tmp_path, "a.csv", ["ID ART;NIK;NAMA", "A1;3374011705800001;Budi"])
    batch = import_file(members, dataset=dataset, actor=None, family_path=families)
    assert batch.status == BatchStatus.FAILED
    assert "kolom penghubung" in batch.message and not records().exists()


@pytest.mark.django_db(transaction=True)
def test_the_background_writer_fails_cleanly(tmp_path, monkeypatch):
    """Outside a transaction chunks are written by a second thread; its failure still leaves
    the database as it was."""
    from padu.regions.services import load_regions

    load_regions(only=("33.74",))
    dataset = find_dataset("DTKS")
    monkeypatch.setattr(services, "CHUNK_ROWS", 1)
    writers = []
    original = services._stage

    def failing(batch, prepared):
        writers.append(threading.current_thread().name)
        if len(writers) == 2:
            raise RuntimeError("disk full")
        return original(batch, prepared)

    monkeypatch.setattr(services, "_stage", failing)
    batch = import_file(write(tmp_path, "dtks.csv", [HEADER, *GOOD]), dataset=dataset, actor=None)
    assert batch.status == BatchStatus.FAILED and "disk full" in batch.message
    assert writers[0].startswith("import-")  # written beside the importing thread
    assert not SourceRecord.objects.exists() and not batch.issues.exists()


@pytest.mark.django_db(transaction=True)
def test_the_background_writer_writes_what_an_inline_import_writes(tmp_path):
    """Outside a transaction records go through the fastest loader (binary COPY on
    PostgreSQL); inside one, through the caller's connection. Both store the same values."""
    from django.db import transaction

    from padu.regions.services import load_regions

    load_regions(only=("33.74",))
    lines = [HEADER, *GOOD]

    def stored(batch):
        return sorted(
            batch.records.values_list(
                "record_id", "row_number", "nik", "nik_status", "full_name", "name_key",
                "sex", "birth_date", "village_id", "rt", "rw",
            )
        ) + ValueRows.rows(batch).rows()  # fmt: skip

    with transaction.atomic():
        inline = import_file(
            write(tmp_path, "dtks.csv", lines), dataset=find_dataset("DTKS"), actor=None
        )
    background = import_file(
        write(tmp_path, "p3ke.csv", lines), dataset=find_dataset("P3KE"), actor=None
    )
    assert inline.status == background.status == BatchStatus.COMPLETED
    assert stored(background) == stored(inline)
    assert stored(background)[0][1:4] == (2, "3374011705800001", "ok")


def test_an_app_that_fails_after_a_published_import_is_logged_and_never_undoes_it(
    tmp_path, dataset, caplog
):
    from padu.sources.signals import batch_published

    told = []

    def fails(sender, *, batch, **kwargs):
        raise RuntimeError("the app above is broken")

    def listens(sender, *, batch, **kwargs):
        told.append(batch.pk)
        return 0

    batch_published.connect(fails, dispatch_uid="test-fails")
    batch_published.connect(listens, dispatch_uid="test-listens")
    try:
        batch = import_file(write(tmp_path, "a.csv", [HEADER, *GOOD]), dataset=dataset, actor=None)
    finally:
        batch_published.disconnect(dispatch_uid="test-fails")
        batch_published.disconnect(dispatch_uid="test-listens")
    assert batch.status == BatchStatus.COMPLETED and records().count() == 3
    assert told == [batch.pk]  # the other receivers still hear of it
    (logged,) = [r for r in caplog.records if "after batch" in r.getMessage()]
    assert "fails" in logged.getMessage() and logged.exc_info[1].args == (
        "the app above is broken",
    )
