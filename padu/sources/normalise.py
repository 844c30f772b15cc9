"""Column-wise normalisers: messy text in, registry values out, with the cells that failed.

Each normaliser takes a text column expression and returns the normalised expression; the
``problems`` helpers return a boolean expression marking the cells that deserve a message.
They run as Polars expressions over whole columns, never row by row in Python; the
identity-number rules mirror ``padu.registry.identity`` (a property test keeps them equal).
"""

import polars as pl
from django.utils import translation

from padu.registry.identity import FLOAT_EXACT_LIMIT
from padu.registry.names import (  # noqa: F401  (the normalisers of names live with registry)
    clean_text,
    empty_to_null,
    name_display,
    name_key,
    name_parts,
    name_title,
    steps,
)

from .canonical import Field, Kind, code_key

EXCEL_EPOCH = pl.date(1899, 12, 30)
MONTHS = {
    "januari": "01",
    "jan": "01",
    "january": "01",
    "februari": "02",
    "pebruari": "02",
    "feb": "02",
    "february": "02",
    "maret": "03",
    "mar": "03",
    "march": "03",
    "april": "04",
    "apr": "04",
    "mei": "05",
    "may": "05",
    "juni": "06",
    "jun": "06",
    "june": "06",
    "juli": "07",
    "jul": "07",
    "july": "07",
    "agustus": "08",
    "agu": "08",
    "agt": "08",
    "ags": "08",
    "aug": "08",
    "august": "08",
    "september": "09",
    "sep": "09",
    "sept": "09",
    "oktober": "10",
    "okt": "10",
    "oct": "10",
    "october": "10",
    "november": "11",
    "nov": "11",
    "nopember": "11",
    "desember": "12",
    "des": "12",
    "dec": "12",
    "december": "12",
}
# Identity numbers ------------------------------------------------------------------------


def id_reading(expr: pl.Expr) -> pl.Expr:
    """{digits, status} for a NIK or No KK cell: the column-wise twin of
    ``padu.registry.identity.read_id_number`` (a property test keeps the two identical)."""
    raw, text, float_whole = pl.field("raw"), pl.field("text"), pl.field("float_whole")
    digits, length, status = pl.field("digits"), pl.field("length"), pl.field("status")
    return steps(
        # Python's strip() also removes the separators \x1c-\x1f; Polars' does not.
        raw=expr.cast(pl.String).str.replace_all(r"^[\s\x1c-\x1f]+|[\s\x1c-\x1f]+$", ""),
        text=raw.str.strip_chars_start("'`"),
        float_whole=text.str.extract(r"^([0-9]+)[.,]0+$", 1),
        digits=pl.coalesce(float_whole, text).str.replace_all(r"[\s.\-']", ""),
        length=digits.str.len_chars(),
        status=pl.when(raw.is_null() | raw.is_in(["", "-", "0"]))
        .then(pl.lit("empty"))
        .when(raw.str.contains(r"^[0-9][.,][0-9]*[eE]\+?[0-9]+$"))
        .then(pl.lit("excel_scientific"))
        .when(float_whole.cast(pl.UInt64, strict=False) >= FLOAT_EXACT_LIMIT)
        .then(pl.lit("excel_scientific"))
        .when(~digits.str.contains(r"^[0-9]+$"))
        .then(pl.lit("not_digits"))
        .when(length < 16)
        .then(pl.lit("too_short"))
        .when(length > 16)
        .then(pl.lit("too_long"))
        .otherwise(pl.lit("ok")),
        reading=pl.struct(digits=pl.when(status == "ok").then(digits), status=status),
    )


# Dates -----------------------------------------------------------------------------------


#: The written forms of a date, tried in order (``months``: month names as numbers).
_DATE_FORMS = [
    ("text", "%Y-%m-%d"),
    ("text", "%d/%m/%Y"),
    ("text", "%d-%m-%Y"),
    ("text", "%d.%m.%Y"),
    ("months", "%d %m %Y"),
    ("text", "%Y/%m/%d"),
    ("text", "%m/%d/%Y"),  # US order, reached only when day-first is impossible
    ("text", "%d/%m/%y"),
    ("text", "%d-%m-%y"),
]


def parse_date(expr: pl.Expr) -> pl.Expr:
    """Dates as offices write them: 17/08/1985, 17-08-1985, 1985-08-17, 17 Agustus 1985, Excel
    serials, 17/08/85; day first, as Indonesia writes it, unless the day cannot be first."""
    text = pl.field("text")
    words = text.str.replace_all(r"[,.]", " ").str.replace_all(r"\s+", " ")
    named = {
        "text": clean_text(expr)
        .str.to_lowercase()
        # A time after the date ("1985-08-17 00:00:00", "8/1/1982 00:00:00") says nothing.
        .str.replace(r"^(.*\d)[ t]\d{1,2}[:.]\d{2}([:.]\d{2})?(\.\d+)?(\s?[ap]m)?$", "$1"),
        "months": words.str.replace_many(
            [f" {m} " for m in MONTHS], [f" {n} " for n in MONTHS.values()]
        ),
        "serial": text.str.extract(r"^(\d{3,5})(?:\.0+)?$", 1).cast(pl.Int64, strict=False),
    }
    for i, (source, form) in enumerate(_DATE_FORMS):
        named[f"form{i}"] = pl.field(source).str.to_date(form, strict=False)

    def in_range(parsed: pl.Expr) -> pl.Expr:
        # chrono reads "85" as the year 85 under %Y; such years fall through to %y.
        return pl.when(parsed.dt.year().is_between(1880, 2100)).then(parsed)

    serial = pl.field("serial")
    named["date"] = pl.coalesce(
        *[in_range(pl.field(f"form{i}")) for i in range(len(_DATE_FORMS))],
        pl.when(serial.is_between(367, 80_000)).then(EXCEL_EPOCH + pl.duration(days=serial)),
    )
    return steps(**named)


# Codes and choices -----------------------------------------------------------------------


def value_key(expr: pl.Expr) -> pl.Expr:
    return clean_text(expr).str.to_uppercase().str.replace_all(r"[^A-Z0-9>]", "")


def choice_lookup(field: Field) -> dict[str, str]:
    """Every spelling of a choice: its code, its label (in both languages), its synonyms."""
    lookup: dict[str, str] = {}
    for value, label in field.choices.choices:
        lookup[code_key(value)] = value
        for language in ("id", "en"):
            with translation.override(language):
                lookup.setdefault(code_key(str(label)), value)
    lookup.update(field.synonyms)
    return lookup


#: Sex and yes/no as every export writes them; a coded number ("2" for a woman, or for
#: "no") is read only through its layout's code list. 1 and 0 stay: they are how a
#: spreadsheet writes true and false, not a code.
_SEX = {
    "L": "L",
    "LK": "L",
    "LAKILAKI": "L",
    "LAKI": "L",
    "PRIA": "L",
    "M": "L",
    "MALE": "L",
    "P": "P",
    "PR": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "F": "P",
    "FEMALE": "P",
    "W": "P",
}
_FLAG = {
    "Y": True,
    "YA": True,
    "1": True,
    "TRUE": True,
    "ADA": True,
    "V": True,
    "YES": True,
    "PUNYA": True,
    "T": False,
    "TIDAK": False,
    "0": False,
    "FALSE": False,
    "N": False,
    "NO": False,
    "TIDAKADA": False,
    "TDK": False,
}


def meanings_not_known(spec: Field, codes: dict) -> tuple[list[str], list[str]]:
    """The meanings a code list gives that ``spec`` cannot hold, and those it can: a list
    is checked when it is loaded, so a wrong one never reaches an import."""
    if spec.kind is Kind.SEX:
        known = sorted(set(_SEX.values()))
        wrong = [str(v) for v in codes.values() if str(v) not in known]
    elif spec.kind is Kind.FLAG:
        known = ["ya", "tidak"]
        wrong = [str(v) for v in codes.values() if code_key(v) not in _FLAG]
    else:
        known = list(spec.choices.values) if spec.choices else []
        wrong = [str(v) for v in codes.values() if str(v) not in known]
    return sorted(set(wrong)), known


def sex(expr: pl.Expr, codes: dict[str, str] | None = None) -> pl.Expr:
    """L or P, from the words every export uses and the layout's codes (``codes``)."""
    lookup = {**_SEX, **(codes or {})}
    return value_key(expr).replace_strict(lookup, default=None, return_dtype=pl.String)


def flag(expr: pl.Expr, codes: dict[str, str] | None = None) -> pl.Expr:
    """Yes or no; a layout's codes name the word they stand for ("1": ya, "2": tidak)."""
    coded = {code: _FLAG[code_key(word)] for code, word in (codes or {}).items()}
    return value_key(expr).replace_strict({**_FLAG, **coded}, default=None, return_dtype=pl.Boolean)


def choice(expr: pl.Expr, field: Field, codes: dict[str, str] | None = None) -> pl.Expr:
    """The field's value from its spellings, then the layout's codes (``codes``)."""
    lookup = {**choice_lookup(field), **(codes or {})}
    return value_key(expr).replace_strict(lookup, default=None, return_dtype=pl.String)


def integer(expr: pl.Expr) -> pl.Expr:
    """Whole numbers, with Indonesian thousands dots and decimal commas: "1.250.000,00"."""
    text = pl.field("text")
    return steps(
        text=clean_text(expr).str.replace(r"(?i)^rp\.?\s*", "").str.replace(r",0+$", ""),
        number=pl.when(text.str.contains(r"^\d{1,3}(\.\d{3})+$"))
        .then(text.str.replace_all(".", "", literal=True))
        .otherwise(text)
        .str.replace(r"\.0+$", "")
        .cast(pl.Int64, strict=False),
    )


def rt_rw(expr: pl.Expr) -> pl.Expr:
    """("003", "005") from "003/005", "RT 3 RW 5", "3/5", "RT.003 RW.005"."""
    text = clean_text(expr)
    numbers = text.str.extract_groups(r"(\d+)\D+(\d+)")
    return pl.struct(
        rt=numbers.struct.field("1").cast(pl.Int64, strict=False).cast(pl.String).str.zfill(3),
        rw=numbers.struct.field("2").cast(pl.Int64, strict=False).cast(pl.String).str.zfill(3),
    )


def rt_or_rw(expr: pl.Expr) -> pl.Expr:
    number = clean_text(expr).str.extract(r"(\d+)", 1).cast(pl.Int64, strict=False)
    return pl.when(number > 0).then(number.cast(pl.String).str.zfill(3))


def coordinate(expr: pl.Expr) -> pl.Expr:
    text = pl.field("text")
    decimal_comma = (text.str.count_matches(",") == 1) & ~text.str.contains(".", literal=True)
    return steps(
        text=clean_text(expr).str.replace("−", "-", literal=True),
        number=pl.when(decimal_comma)
        .then(text.str.replace(",", ".", literal=True))
        .otherwise(text)
        .cast(pl.Float64, strict=False),
    )


def coordinate_pair(expr: pl.Expr) -> pl.Expr:
    parts = clean_text(expr).str.extract_groups(
        r"(-?\d+(?:[.,]\d+)?)\s*[,;/ ]\s*(-?\d+(?:[.,]\d+)?)"
    )
    return pl.struct(
        latitude=coordinate(parts.struct.field("1")), longitude=coordinate(parts.struct.field("2"))
    )


def looks_like_formula(expr: pl.Expr) -> pl.Expr:
    """Cells a spreadsheet would run as a formula: =, +, - or @ followed by more, other than
    plain numbers. A lone "-" (how these exports write "nothing") or "+" is no formula."""
    text = pl.field("text")
    return steps(
        text=expr.str.strip_chars(),
        formula=text.str.contains(r"^[=+\-@]\s*\S") & ~text.str.contains(r"^[+-]?\d+([.,]\d+)?$"),
    )


#: Normalisers for the kinds whose unreadable cells get a warning (see pipeline.prepare).
KIND_NORMALISERS = {
    Kind.DATE: parse_date,
    Kind.SEX: sex,
    Kind.FLAG: flag,
    Kind.INTEGER: integer,
    Kind.MONEY: integer,
}
