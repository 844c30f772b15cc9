"""The checks of an import: each a mask over a chunk's frame and a message a person can act
on, naming the row, the column and the value. Errors reject the row, warnings keep it.

Every check takes the frame it looks at; the few that also repair a value (coordinates
given the wrong way round) return the repaired frame."""

import polars as pl

from padu.registry.models import LATITUDE_RANGE, LONGITUDE_RANGE

from . import normalise as n
from .choices import Severity
from .families import FOUND
from .mapping import ColumnPlan

ISSUE_SCHEMA = {
    "row_number": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "severity": pl.String,
    "code": pl.String,
    "message": pl.String,
}


def fmt(template: str, *values: pl.Expr) -> pl.Expr:
    """Like pl.format, with empty text for nulls. (pl.format panics on filtered frames in
    Polars 2.1; concat_str does not.)"""
    pieces = template.split("{}")
    if len(pieces) != len(values) + 1:
        raise ValueError("template placeholders and values differ in number")
    parts: list[pl.Expr] = []
    for piece, value in zip(pieces, [*values, None], strict=True):
        parts.append(pl.lit(piece))
        if value is not None:
            parts.append(value.cast(pl.String).fill_null(""))
    return pl.concat_str(parts)


class Issues:
    """The issue rows of one chunk, gathered check by check."""

    def __init__(self):
        self.parts: list[pl.DataFrame] = []

    def add(
        self,
        frame: pl.DataFrame,
        mask: pl.Expr,
        *,
        column: str,
        value: pl.Expr,
        severity: Severity,
        code: str,
        message: pl.Expr | str,
    ) -> None:
        message_expr = pl.lit(message) if isinstance(message, str) else message
        part = (
            frame.lazy()
            .filter(mask)
            .select(
                pl.col("_row").alias("row_number"),
                pl.lit(column).alias("column"),
                value.cast(pl.String).str.slice(0, 200).alias("value"),
                pl.lit(severity.value).alias("severity"),
                pl.lit(code).alias("code"),
                message_expr.str.slice(0, 400).alias("message"),
            )
            .collect()
        )
        if part.height:
            self.parts.append(part)

    def collect(self) -> pl.DataFrame:
        if not self.parts:
            return pl.DataFrame(schema=ISSUE_SCHEMA)
        return pl.concat(self.parts).cast(ISSUE_SCHEMA).sort("row_number")


def repeated_rows(frame: pl.DataFrame, issues: Issues) -> None:
    issues.add(
        frame,
        pl.col("_duplicate"),
        column="",
        value=pl.lit(""),
        severity=Severity.SKIPPED,
        code="duplicate_row",
        message=fmt("Baris kembar dengan baris {}; dilewati.", pl.col("_first_row")),
    )


def not_data_rows(
    frame: pl.DataFrame,
    issues: Issues,
    *,
    columns: list[str],
    header: list[str],
    notes_from: int | None,
) -> pl.DataFrame:
    """``frame`` without the rows that hold no person, each skipped with a note: a row that
    numbers the columns ("1 2 3 …", "(1) (2) …", "-1- -2- …"), the header written again (at
    the top of each printed page), a family's opening row (BIP's "No. KK : …", whose values
    its people already carry), and the notes under the data ("###", "Catatan:")."""
    numbering, repeated = _numbering_and_header_rows(frame, columns, header)
    reasons = [
        ("numbering_row", pl.col("_row").is_in(numbering), "Baris penomoran kolom; dilewati."),
        ("header_row", pl.col("_row").is_in(repeated), "Judul kolom diulang; dilewati."),
        (
            "family_row",
            pl.col("_family_row"),
            "Baris pembuka keluarga: No KK dan alamatnya dibawa ke anggota di bawahnya; dilewati.",
        ),
    ]
    if notes_from is not None:
        reasons.append(
            ("note_row", pl.col("_row") >= notes_from, "Catatan di bawah data; dilewati.")
        )
    skipped = pl.lit(False)
    for code, mask, message in reasons:
        mask = mask.fill_null(False) & ~skipped
        issues.add(
            frame,
            mask,
            column="",
            value=pl.lit(""),
            severity=Severity.SKIPPED,
            code=code,
            message=message,
        )
        skipped = skipped | mask
    return frame.filter(~skipped)


#: A cell of a numbering row: "1", "(1)", "-1-", "[1]", "KOLOM 1", or the label "KOLOM".
_COLUMN_NUMBER = r"^\s*(?i:(?:no\.?\s*)?kolom|(?:kolom\s*)?[\(\[-]?\s*\d{1,3}\s*[\)\]-]?)\s*$"


def _numbering_and_header_rows(
    frame: pl.DataFrame, columns: list[str], header: list[str]
) -> tuple[list[int], list[int]]:
    """The rows that number the columns and those that repeat the header. Only rows whose
    first two cells could be either are looked at closely: a person's row has a name."""

    def could_be(index: int) -> pl.Expr:
        cell = pl.col(columns[index]).str.strip_chars()
        title = header[index].strip().lower() if index < len(header) else ""
        return cell.str.contains(_COLUMN_NUMBER) | (cell.str.to_lowercase() == title)

    lead = [could_be(i).fill_null(False) for i in range(min(2, len(columns)))]
    candidates = frame.filter(pl.all_horizontal(lead)) if lead else frame.clear()
    if candidates.height == 0:
        return [], []
    cells = [n.clean_text(pl.col(c)) for c in columns]
    filled = pl.sum_horizontal(*[cell.is_not_null() for cell in cells])
    numbers = pl.concat_list(
        [cell.str.extract(r"^(?i:kolom\s*)?[\(\[-]?\s*(\d{1,3})\s*[\)\]-]?$", 1) for cell in cells]
    ).list.drop_nulls()
    # BDT 2015 writes "KOLOM" in the first column of its numbering row.
    labels = pl.sum_horizontal(
        *[cell.str.contains(r"^(?i:(no\.?\s*)?kolom)$").fill_null(False) for cell in cells]
    )
    as_header = pl.sum_horizontal(
        *[
            (cell.str.to_lowercase() == title.strip().lower()).fill_null(False)
            for cell, title in zip(cells, header, strict=False)
        ]
    )
    facts = candidates.select(
        "_row", _filled=filled, _numbers=numbers, _labels=labels, _as_header=as_header
    )
    consecutive = (
        pl.col("_numbers")
        .list.eval(pl.element().cast(pl.Int64).diff().drop_nulls() == 1)
        .list.all()
    )
    numbered = (
        (pl.col("_filled") >= 3)
        & (pl.col("_numbers").list.len() + pl.col("_labels") == pl.col("_filled"))
        & (pl.col("_labels") <= 1)
        & consecutive
    )
    repeated = (pl.col("_filled") >= 3) & (pl.col("_as_header") == pl.col("_filled"))
    return (
        facts.filter(numbered)["_row"].to_list(),
        facts.filter(repeated & ~numbered)["_row"].to_list(),
    )


def short_rows(frame: pl.DataFrame, issues: Issues, rows: list[int], width: int) -> None:
    if not rows:
        return
    issues.add(
        frame,
        pl.col("_row").is_in(rows),
        column="",
        value=pl.lit(""),
        severity=Severity.ERROR,
        code="short_row",
        message=f"Baris terpotong: kurang dari {width} kolom. Periksa pemisah dan tanda kutip.",
    )


_ID_MESSAGES = {
    "excel_scientific": "{} rusak oleh Excel ({}): digit aslinya hilang dan tidak ditebak. "
    "Ambil ulang dari sumber; simpan kolomnya sebagai Teks.",
    "too_short": "{} {} kurang dari 16 digit (nol di depan atau satu digit hilang); dikosongkan.",
    "too_long": "{} {} lebih dari 16 digit; dikosongkan.",
    "not_digits": "{} {} berisi huruf atau tanda; dikosongkan.",
}


def id_numbers(
    frame: pl.DataFrame, issues: Issues, *, name: str, label: str, status: pl.Expr, cell, column
) -> None:
    """A NIK or No KK that could not be read (Excel damage, missing or extra digits)."""
    for code, message in _ID_MESSAGES.items():
        issues.add(
            frame,
            status == code,
            column=column,
            value=cell,
            severity=Severity.WARNING,
            code=f"{name}_{code}",
            message=fmt(message, pl.lit(label), cell),
        )


def unreadable(
    frame: pl.DataFrame,
    issues: Issues,
    *,
    name: str,
    what: str,
    flag: str,
    cell,
    column,
    code_list: str | None = None,
) -> None:
    """A value was there but could not be read: it is emptied, the row kept, and the message
    says where its meaning should come from. ``code_list``: for a coded field, whose list
    its codes were read with ("" when none: a bare number then has no meaning at all)."""
    if not frame.get_column(flag).any():  # the usual case, and the cheap test
        return
    bad = pl.col(flag)
    if code_list:
        issues.add(
            frame,
            bad,
            column=column,
            value=cell,
            severity=Severity.WARNING,
            code=f"{name}_unreadable",
            message=fmt(
                f"Kode {{}} tidak ada dalam daftar kode {code_list} untuk kolom ini; "
                "dikosongkan, bukan ditebak. Tambahkan artinya di pemetaan (values:).",
                cell,
            ),
        )
        return
    if code_list is not None:
        number = n.clean_text(cell).str.contains(r"^\d+$").fill_null(False)
        issues.add(
            frame,
            bad & number,
            column=column,
            value=cell,
            severity=Severity.WARNING,
            code=f"{name}_code_without_list",
            message=fmt(
                "Nilai {} adalah kode angka, tetapi tata letak file ini tidak dikenali, jadi "
                "artinya tidak diketahui; dikosongkan. Pilih tata letaknya (preset:) atau tulis "
                "arti kodenya di pemetaan (values:).",
                cell,
            ),
        )
        bad = bad & ~number
    issues.add(
        frame,
        bad,
        column=column,
        value=cell,
        severity=Severity.WARNING,
        code=f"{name}_unreadable",
        message=fmt(
            f"{what.capitalize()} {{}} tidak dikenali; dikosongkan. "
            "Perbaiki di sumber atau tulis ejaannya di pemetaan (values:).",
            cell,
        ),
    )


def formula_cells(frame: pl.DataFrame, issues: Issues, columns: list[str], header: list[str]):
    """Formula-looking cells are kept as text, and flagged, in every column that has any.
    (An anchored first-character test first: the full test is slow and rarely needed.)"""
    maybe = frame.select(pl.col(c).str.contains(r"^\s*[=+\-@]\s*\S").any() for c in columns).row(0)
    suspects = [c for c, hit in zip(columns, maybe, strict=True) if hit]
    if not suspects:
        return
    found = frame.select(n.looks_like_formula(pl.col(c)).any().alias(c) for c in suspects).row(0)
    for column, hit in zip(suspects, found, strict=True):
        if not hit:
            continue
        issues.add(
            frame,
            n.looks_like_formula(pl.col(column)).fill_null(False),
            column=header[columns.index(column)],
            value=pl.col(column),
            severity=Severity.WARNING,
            code="formula_text",
            message="Sel diawali = + - @: disimpan sebagai teks, tidak dijalankan.",
        )


def missing_names(frame: pl.DataFrame, issues: Issues, column: str) -> None:
    issues.add(
        frame,
        pl.col("full_name").is_null(),
        column=column,
        value=pl.lit(""),
        severity=Severity.ERROR,
        code="name_missing",
        message="Nama kosong: baris tanpa nama tidak dapat diterima. Isi nama lalu impor ulang.",
    )


def families_not_found(
    frame: pl.DataFrame, issues: Issues, *, column: str, value, family_file: str
) -> None:
    """Members whose family the separate family file does not hold."""
    if FOUND not in frame.columns:
        return
    issues.add(
        frame,
        ~pl.col(FOUND),
        column=column,
        value=value,
        severity=Severity.WARNING,
        code="family_not_in_family_file",
        message=f"Keluarga ini tidak ada di file keluarga {family_file}; "
        "kolom keluarganya kosong. Periksa ID KELUARGA / NO KK di kedua file.",
    )


def nik_against_row(frame: pl.DataFrame, issues: Issues, column: str) -> None:
    """The NIK carries the birth date (day + 40 for women): it should agree with the row."""
    if "nik" not in frame.columns:
        return
    nik = pl.col("nik")
    day = nik.str.slice(6, 2).cast(pl.Int64, strict=False)
    born = pl.col("birth_date") if "birth_date" in frame.columns else pl.lit(None, pl.Date)
    sex = pl.col("sex") if "sex" in frame.columns else pl.lit(None, pl.String)
    nik_sex = pl.when(day > 40).then(pl.lit("P")).otherwise(pl.lit("L"))
    encoded = fmt(
        "{}{}{}", (day % 40).cast(pl.String).str.zfill(2), nik.str.slice(8, 2), nik.str.slice(10, 2)
    )
    written = born.dt.strftime("%d%m%y")
    issues.add(
        frame,
        nik.is_not_null() & sex.is_not_null() & (nik_sex != sex),
        column=column,
        value=nik,
        severity=Severity.WARNING,
        code="nik_sex_mismatch",
        message="Jenis kelamin tidak cocok dengan NIK (tanggal +40 untuk perempuan). Periksa keduanya.",
    )
    issues.add(
        frame,
        nik.is_not_null() & born.is_not_null() & (encoded != written),
        column=column,
        value=nik,
        severity=Severity.WARNING,
        code="nik_birth_date_mismatch",
        message=fmt(
            "Tanggal lahir {} tidak cocok dengan tanggal di NIK. Periksa keduanya.",
            born.dt.strftime("%d-%m-%Y"),
        ),
    )


def coordinates(frame: pl.DataFrame, issues: Issues) -> pl.DataFrame:
    """Latitude and longitude given the wrong way round are swapped back; a position outside
    Indonesia is emptied. Returns the repaired frame."""
    if "_f_latitude" not in frame.columns or "_f_longitude" not in frame.columns:
        return frame
    lat, lon = pl.col("_f_latitude"), pl.col("_f_longitude")
    swapped = lat.is_between(*LONGITUDE_RANGE) & lon.is_between(*LATITUDE_RANGE)
    frame = frame.with_columns(
        _f_latitude=pl.when(swapped).then(lon).otherwise(lat),
        _f_longitude=pl.when(swapped).then(lat).otherwise(lon),
    )
    issues.add(
        frame,
        swapped,
        column="LATITUDE/LONGITUDE",
        value=fmt("{}, {}", lon, lat),
        severity=Severity.WARNING,
        code="coordinates_swapped",
        message="Lintang dan bujur tertukar; sudah dibalik.",
    )
    outside = (lat.is_not_null() | lon.is_not_null()) & ~(
        lat.is_between(*LATITUDE_RANGE) & lon.is_between(*LONGITUDE_RANGE)
    )
    issues.add(
        frame,
        outside,
        column="LATITUDE/LONGITUDE",
        value=fmt("{}, {}", lat, lon),
        severity=Severity.WARNING,
        code="coordinates_outside",
        message="Koordinat di luar Indonesia; dikosongkan.",
    )
    return frame.with_columns(
        _f_latitude=pl.when(outside).then(None).otherwise(lat),
        _f_longitude=pl.when(outside).then(None).otherwise(lon),
    )


def reused_record_ids(
    frame: pl.DataFrame, issues: Issues, plan: ColumnPlan, header: list[str]
) -> None:
    """Two different rows that claim the same record id: the later one is rejected."""
    column = header[plan.field_columns["record_id"]] if "record_id" in plan.field_columns else "ID"
    issues.add(
        frame,
        pl.col("_id_reused"),
        column=column,
        value=pl.col("_record_id"),
        severity=Severity.ERROR,
        code="record_id_reused",
        message=fmt(
            "ID {} sudah dipakai baris {} dengan isi berbeda. Beri ID unik.",
            pl.col("_record_id"),
            pl.col("_id_first_row"),
        ),
    )
