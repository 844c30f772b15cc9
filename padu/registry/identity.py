"""NIK and No KK: reading them out of messy cells, validating and explaining them.

A NIK is PP KK CC DDMMYY SSSS: the province, regency and district where it was first issued,
the birth date with 40 added to the day for women, and a serial. A No KK is PP KK CC DDMMYY
SSSS too, the date being the card's issue date. Structure checks cannot prove a number is
registered at Dukcapil; they catch numbers that cannot be right, and Excel's damage.

lokal-id's parse_nik checks a NIK's structure and is used for that; reading what a
spreadsheet did to one (3.374E+15, a lost leading zero, 3374011705800001.0) and saying so
is written here, because no library reads Excel's damage.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl
from lokal.nik import parse_nik
from lokal.wilayah import wilayah_name

FLOAT_EXACT_LIMIT = 2**53  # above this a float has lost the last digit of a 16-digit number
_SCIENTIFIC = re.compile(r"^[0-9][.,][0-9]*[eE]\+?[0-9]+$")
_FLOAT_TEXT = re.compile(r"^([0-9]+)[.,]0+$")
_SEPARATORS = re.compile(r"[\s.\-']")


class IdStatus(StrEnum):
    OK = "ok"
    EMPTY = "empty"
    EXCEL_SCIENTIFIC = "excel_scientific"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    NOT_DIGITS = "not_digits"


@dataclass(frozen=True, slots=True)
class IdReading:
    """What a cell holding a NIK or No KK really contains."""

    raw: str
    status: IdStatus
    digits: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is IdStatus.OK

    @property
    def damaged(self) -> bool:
        """Digits were lost (Excel's 3.374E+15 or a dropped digit): never repair by guessing."""
        return self.status in {IdStatus.EXCEL_SCIENTIFIC, IdStatus.TOO_SHORT}

    def message(self, label: str = "NIK") -> str:
        return _READING_MESSAGES[self.status].format(label=label, raw=self.raw)


_READING_MESSAGES = {
    IdStatus.OK: "{label} terbaca.",
    IdStatus.EMPTY: "{label} kosong.",
    IdStatus.EXCEL_SCIENTIFIC: (
        "{label} rusak oleh Excel ({raw!r}): angka aslinya sudah hilang. Ambil ulang dari sumber "
        "dan simpan kolom {label} sebagai Teks sebelum mengekspor."
    ),
    IdStatus.TOO_SHORT: (
        "{label} {raw!r} kurang dari 16 digit (angka 0 di depan atau satu digit hilang). "
        "Periksa di dokumen asli; Padu tidak menebak digit yang hilang."
    ),
    IdStatus.TOO_LONG: "{label} {raw!r} lebih dari 16 digit. Periksa di dokumen asli.",
    IdStatus.NOT_DIGITS: "{label} {raw!r} mengandung huruf atau tanda selain angka.",
}


def read_id_number(value: object) -> IdReading:
    """Read a 16-digit identity number from whatever a spreadsheet cell holds."""
    if value is None:
        return IdReading("", IdStatus.EMPTY)
    if isinstance(value, float):
        if value != value:  # NaN
            return IdReading("", IdStatus.EMPTY)
        if value.is_integer() and abs(value) < FLOAT_EXACT_LIMIT:
            value = int(value)
        else:
            return IdReading(repr(value), IdStatus.EXCEL_SCIENTIFIC)
    raw = str(value).strip()
    if not raw or raw in {"-", "0"}:
        return IdReading(raw, IdStatus.EMPTY)
    if _SCIENTIFIC.match(raw):
        return IdReading(raw, IdStatus.EXCEL_SCIENTIFIC)
    text = raw.lstrip("'`")  # Excel's "store as text" apostrophe
    float_text = _FLOAT_TEXT.match(text)
    if float_text:
        whole = float_text.group(1)
        if int(whole) >= FLOAT_EXACT_LIMIT:
            return IdReading(raw, IdStatus.EXCEL_SCIENTIFIC)
        text = whole
    digits = _SEPARATORS.sub("", text)
    if not digits.isdigit() or not digits.isascii():
        return IdReading(raw, IdStatus.NOT_DIGITS)
    if len(digits) < 16:
        return IdReading(raw, IdStatus.TOO_SHORT, digits)
    if len(digits) > 16:
        return IdReading(raw, IdStatus.TOO_LONG, digits)
    return IdReading(raw, IdStatus.OK, digits)


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    message: str


@dataclass(slots=True)
class IdExplanation:
    """A structured reading of a NIK or No KK with errors (cannot be right) and warnings."""

    reading: IdReading
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    province_code: str | None = None
    regency_code: str | None = None
    district_code: str | None = None
    district_name: str | None = None
    encoded_date: dt.date | None = None
    sex: str | None = None
    serial: str | None = None

    @property
    def valid(self) -> bool:
        return self.reading.ok and not self.errors

    @property
    def number(self) -> str | None:
        return self.reading.digits if self.reading.ok else None


def _region_findings(out: IdExplanation, digits: str, label: str) -> None:
    out.province_code = digits[:2]
    out.regency_code = f"{digits[:2]}.{digits[2:4]}"
    out.district_code = f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}"
    if wilayah_name(out.province_code) is None:
        out.errors.append(
            Finding("province", f"Kode provinsi {out.province_code} di {label} tidak dikenal.")
        )
        return
    out.district_name = wilayah_name(out.district_code)
    if out.district_name is None:
        # Codes change after a regency splits (pemekaran); the number keeps its old code.
        out.warnings.append(
            Finding(
                "district_unknown",
                f"Kode kecamatan {out.district_code} di {label} tidak ada di data Kemendagri "
                "terbaru (mungkin kode lama sebelum pemekaran).",
            )
        )


def _century(yy: int, hint: dt.date | None, today: dt.date) -> int:
    if hint is not None and hint.year % 100 == yy:
        return hint.year - yy
    return 2000 if 2000 + yy <= today.year else 1900


def explain_nik(
    value: object,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    today: dt.date | None = None,
) -> IdExplanation:
    """Validate a NIK and check it against the birth date and sex recorded beside it."""
    today = today or dt.date.today()
    out = IdExplanation(read_id_number(value))
    if not out.reading.ok:
        out.errors.append(Finding(out.reading.status.value, out.reading.message("NIK")))
        return out
    digits = out.reading.digits
    structure = parse_nik(digits, lookup_wilayah=wilayah_name, reference_date=today)
    # lokal-id checks province, region and serial; the birth date is read here, where the
    # recorded birth date can settle the century.
    out.errors += [Finding(i.code, i.message) for i in structure.errors if i.code != "birth_date"]
    out.warnings += [Finding(i.code, i.message) for i in structure.warnings]
    out.province_code, out.regency_code = structure.province_code, structure.regency_code
    out.district_code, out.district_name = structure.district_code, structure.district
    out.serial = structure.serial
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    out.sex = "P" if day > 40 else "L"
    day = day - 40 if day > 40 else day
    try:
        out.encoded_date = dt.date(_century(yy, birth_date, today) + yy, month, day)
    except ValueError:
        out.errors.append(
            Finding("birth_date", f"Tanggal lahir di NIK ({digits[6:12]}) bukan tanggal yang ada.")
        )
    if out.encoded_date and out.encoded_date > today:
        out.errors.append(Finding("future", "Tanggal lahir di NIK ada di masa depan."))
    if sex and out.encoded_date and sex != out.sex:
        out.warnings.append(
            Finding(
                "sex_mismatch",
                f"NIK menunjukkan {'perempuan' if out.sex == 'P' else 'laki-laki'}, "
                f"tetapi jenis kelamin tercatat {sex}.",
            )
        )
    if birth_date and out.encoded_date and birth_date != out.encoded_date:
        swapped = (birth_date.day, birth_date.month) == (
            out.encoded_date.month,
            out.encoded_date.day,
        )
        out.warnings.append(
            Finding(
                "birth_date_swapped" if swapped else "birth_date_mismatch",
                f"Tanggal lahir di NIK {out.encoded_date:%d-%m-%Y} berbeda dengan tanggal lahir "
                f"tercatat {birth_date:%d-%m-%Y}"
                + (" (hari dan bulan tertukar)." if swapped else "."),
            )
        )
    return out


def explain_kk(value: object, *, today: dt.date | None = None) -> IdExplanation:
    """Validate a No KK: region prefix, issue date (DDMMYY) and serial."""
    today = today or dt.date.today()
    out = IdExplanation(read_id_number(value))
    if not out.reading.ok:
        out.errors.append(Finding(out.reading.status.value, out.reading.message("No KK")))
        return out
    digits = out.reading.digits
    _region_findings(out, digits, "No KK")
    day, month, yy = int(digits[6:8]), int(digits[8:10]), int(digits[10:12])
    out.serial = digits[12:]
    try:
        out.encoded_date = dt.date(_century(yy, None, today) + yy, month, day)
    except ValueError:
        out.errors.append(
            Finding("issue_date", f"Tanggal terbit di No KK ({digits[6:12]}) bukan tanggal.")
        )
    if out.serial == "0000":
        out.errors.append(Finding("serial", "Nomor urut No KK tidak boleh 0000."))
    return out


def nik_date_part(birth_date: pl.Expr, sex: pl.Expr) -> pl.Expr:
    """Digits 7–12 of the NIK of a person born on ``birth_date`` of ``sex`` (L/P): day
    (+40 for women), month, two-digit year; a column-wise ``compose_nik``'s middle."""
    day = birth_date.dt.day() + pl.when(sex == "P").then(40).otherwise(0)
    return pl.concat_str(day.cast(pl.String).str.zfill(2), birth_date.dt.strftime("%m%y"))


def compose_nik(district_code: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """The NIK for these parts (used by the synthetic generator and by tests)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{district_code.replace('.', '')}{day:02d}{birth_date:%m%y}{serial:04d}"


#: How many digits stay visible at each end of a masked NIK or No KK: the region (which
#: city) and the last four (which a person reads back on the phone), never the birth date.
MASK_KEEP = 4


def masked(number: str | None) -> str:
    """``3374011705800001`` as ``3374••••••••0001``: enough to tell records apart and check
    one against a card, not enough to use the number."""
    if not number:
        return number or ""
    if len(number) <= 2 * MASK_KEEP:
        return "•" * len(number)
    return number[:MASK_KEEP] + "•" * (len(number) - 2 * MASK_KEEP) + number[-MASK_KEEP:]


def masked_columns(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """``masked`` applied to text columns of an export, in Polars (no loop over rows)."""

    def mask(name: str) -> pl.Expr:
        value, length = pl.col(name), pl.col(name).str.len_chars()
        middle = value.str.slice(MASK_KEEP, length - 2 * MASK_KEEP).str.replace_all(".", "•")
        return (
            pl.when(length > 2 * MASK_KEEP)
            .then(pl.concat_str(value.str.head(MASK_KEEP), middle, value.str.tail(MASK_KEEP)))
            .otherwise(value.str.replace_all(".", "•"))
            .alias(name)
        )

    return frame.with_columns(mask(name) for name in columns if name in frame.columns)
