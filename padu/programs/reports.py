"""The check report: one row per beneficiary row, as the list wrote it, what Padu linked
it to, then a ya/tidak column per check and the reasons (the command line's --out and
the cycle page's download)."""

import polars as pl

from padu.registry.identity import masked_columns

from .choices import Check, LinkStatus, Membership
from .models import CHECK_FIELDS


def _yes_no(column: str) -> pl.Expr:
    return (
        pl.when(pl.col(column).is_null())
        .then(pl.lit(""))
        .when(pl.col(column))
        .then(pl.lit("ya"))
        .otherwise(pl.lit("tidak"))
    )


#: The report's NIK and No KK columns, masked for a reader whose role sees them masked.
IDENTIFIER_COLUMNS = ["nik_tertulis", "no_kk_tertulis", "nik_terpadu", "no_kk_terpadu"]


def check_report(beneficiaries, *, reveal: bool) -> pl.DataFrame:
    """The report of a queryset of beneficiaries (already restricted to the reader), with
    NIK and No KK whole when ``reveal`` (the reader's role needs the numbers)."""
    fields = [
        "cycle__program__code",
        "cycle__name",
        "row_number",
        "written_nik",
        "written_kk",
        "written_name",
        "link_status",
        "link_probability",
        "person_id",
        "family_id",
        "facts",
        "membership",
        "amount",
        "reasons",
        *CHECK_FIELDS.values(),
    ]
    rows = list(beneficiaries.order_by("cycle_id", "row_number", "pk").values_list(*fields))
    column = (
        dict(zip(fields, map(list, zip(*rows, strict=True)), strict=True))
        if rows
        else {name: [] for name in fields}
    )
    facts = [f or {} for f in column["facts"]]
    reasons = [r or {} for r in column["reasons"]]
    link_labels = {s.value: str(s.label) for s in LinkStatus}
    membership_labels = {s.value: str(s.label) for s in Membership}
    out = pl.DataFrame(
        {
            "program": pl.Series(column["cycle__program__code"], dtype=pl.String),
            "siklus": pl.Series(column["cycle__name"], dtype=pl.String),
            "baris": pl.Series(column["row_number"], dtype=pl.Int64),
            "nik_tertulis": pl.Series(column["written_nik"], dtype=pl.String),
            "no_kk_tertulis": pl.Series(column["written_kk"], dtype=pl.String),
            "nama_tertulis": pl.Series(column["written_name"], dtype=pl.String),
            "tautan": pl.Series([link_labels[v] for v in column["link_status"]], dtype=pl.String),
            "peluang_cocok": pl.Series(column["link_probability"], dtype=pl.Float64),
            "id_orang": pl.Series(column["person_id"], dtype=pl.Int64),
            "nama_terpadu": pl.Series([f.get("nama") for f in facts], dtype=pl.String),
            "nik_terpadu": pl.Series([f.get("nik") for f in facts], dtype=pl.String),
            "id_keluarga": pl.Series(column["family_id"], dtype=pl.Int64),
            "no_kk_terpadu": pl.Series([f.get("no_kk") for f in facts], dtype=pl.String),
            "keanggotaan": pl.Series(
                [membership_labels[v] for v in column["membership"]], dtype=pl.String
            ),
            "nilai": pl.Series(column["amount"], dtype=pl.Int64),
            **{
                check.value: pl.Series(column[field], dtype=pl.Boolean)
                for check, field in CHECK_FIELDS.items()
            },
            **{
                f"alasan_{check.value}": pl.Series(
                    [r.get(check.value, "") for r in reasons], dtype=pl.String
                )
                for check in Check
            },
        }
    )
    out = out.with_columns(_yes_no(check.value).alias(check.value) for check in Check)
    return out if reveal else masked_columns(out, IDENTIFIER_COLUMNS)
