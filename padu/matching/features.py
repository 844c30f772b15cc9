"""What the linkage model compares, derived from current source records with Polars.

One row per source record. Names arrive with their match key from import (titles dropped,
Muhammad variants and old spellings folded); here they are split into tokens, and the
generic tokens that half of Indonesia shares (Siti, Nur, Muhammad, Wayan, Made …) are set
apart so that "Siti Aminah" and "Siti Rahayu" are not taken for one person.
"""

import polars as pl

from padu.core.bulk import read_batches
from padu.registry.identity import nik_date_part
from padu.sources.choices import LINKED_ONLY_KINDS

#: Name tokens too common to tell people apart on their own, in match-key form (the key
#: folds doubled letters and old spellings: Muhammad is "muhamad"): Arabic-Islamic compounds,
#: Javanese birth-order and honorific words, Balinese birth order and caste titles.
GENERIC_TOKENS = [
    "muhamad", "siti", "nur", "nurul", "abdul", "ahmad", "sri", "dewi", "putu", "wayan",
    "made", "nyoman", "ketut", "kadek", "komang", "gede", "ni", "luh", "i", "gusti", "ayu",
    "agung", "anak", "ida", "bagus", "al", "binti", "bin", "dwi", "tri", "eka", "puji", "dan",
]  # fmt: skip

#: Short forms and spelling habits of given names, in match-key form (after the import's
#: folding of old spellings), mapped to the name they stand for.
NICKNAMES = {
    "trisno": "sutrisno",
    "lastri": "sulastri",
    "topik": "taufik",
    "taufik": "taufik",
    "amad": "ahmad",
    "akmad": "ahmad",
    "patimah": "fatimah",
    "selamet": "slamet",
    "yusup": "yusuf",
    "rohmat": "rahmat",
    "saiful": "syaiful",
    "syaifulah": "syaiful",
    "purwati": "purwanti",
    "stefanus": "stefanus",
    "stevanus": "stefanus",
    "yohanis": "yohanes",
    "johanes": "yohanes",
    "kristina": "kristina",
    "cristina": "kristina",
    "julianto": "yulianto",
}


def read_current_records(
    value_fields: tuple[str, ...] = ("mother_name",), *, record_ids: list[int] | None = None
) -> pl.DataFrame:
    """Current source records (all, or those of ``record_ids``) with their trust and the
    named normalised values (as text; the caller casts them)."""
    only = ""
    if record_ids is not None:
        only = f"AND r.id IN ({','.join(str(int(i)) for i in record_ids) or 'NULL'})"
    linked_only = ", ".join(f"'{kind}'" for kind in LINKED_ONLY_KINDS)
    sql = f"""
        SELECT r.id AS unique_id, d.name AS source_dataset, d.kind AS source_kind,
               r.dataset_id, d.precedence,
               r.batch_id, r.record_id, r.row_number, r.nik, r.kk_number, r.family_record_id,
               r.full_name, r.name_key, r.sex, r.birth_date, r.village_id, r.rt, r.rw
        FROM sources_sourcerecord r
        JOIN sources_importbatch b ON b.id = r.batch_id
        JOIN sources_sourcedataset d ON d.id = r.dataset_id
        WHERE r.superseded_by_id IS NULL AND b.status = 'completed'
          AND d.kind NOT IN ({linked_only}) {only}
        ORDER BY r.id
    """
    from padu.sources.models import ImportBatch, ValueRows

    batches = ImportBatch.objects.in_bulk()
    names = list(value_fields)
    parts = []
    for chunk in read_batches(sql):
        for (batch_id,), rows in chunk.group_by("batch_id", maintain_order=True):
            rows = rows.with_columns(pl.col("row_number").cast(pl.Int64))
            # The values of these rows only (the batch's blocks that hold them), as text:
            # blocks keep each value in its own type.
            values = ValueRows.rows(batches[batch_id], rows["row_number"].to_list(), names)
            values = values.with_columns(pl.col(names).cast(pl.String))
            parts.append(
                rows.join(
                    values, left_on="row_number", right_on="_row", how="left", maintain_order="left"
                ).drop("row_number")
            )
    if not parts:
        return pl.DataFrame()
    # In id order, so that a run over the same records is the same run. Read in that order,
    # the rows of one import batch stay together, so this sort is rarely needed (and it
    # would double the memory of a million rows).
    records = pl.concat(parts, how="vertical_relaxed")
    if not records["unique_id"].is_sorted():
        records = records.sort("unique_id")
    if records.schema["birth_date"] == pl.String:  # SQLite through ADBC gives dates as text
        records = records.with_columns(pl.col("birth_date").str.to_date(strict=False))
    return records


def _tokens(column: str) -> pl.Expr:
    folded = (
        pl.col(column)
        .str.split(" ")
        .list.eval(pl.element().replace(NICKNAMES).filter(pl.element().str.len_chars() > 0))
    )
    return folded


#: No person has more records than this (three national sources, an agency's, a field
#: visit, and their duplicates): a NIK held by more is a placeholder typed for "unknown".
MOST_RECORDS_PER_NIK = 8


def plausible_nik(nik: pl.Expr) -> pl.Expr:
    """A NIK that could have been issued: a province code (11–94), a day of birth (1–31, or
    41–71 for women), a month (1–12), and not one digit repeated (0000…, 1111…)."""
    day = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    month = nik.str.slice(8, 2).cast(pl.Int32, strict=False)
    province = nik.str.slice(0, 2).cast(pl.Int32, strict=False)
    return (
        province.is_between(11, 94)
        & (day.is_between(1, 31) | day.is_between(41, 71))
        & month.is_between(1, 12)
        & ~nik.str.contains(r"^(?:0+|1+|2+|3+|4+|5+|6+|7+|8+|9+)$")
    )


def features(frame: pl.DataFrame) -> pl.DataFrame:
    """The compared columns; empty strings become nulls (Splink treats null as unknown), and
    so do NIKs no one could have been issued or that too many records share."""
    blank_to_null = [
        pl.when(pl.col(c).cast(pl.String).str.len_chars() > 0).then(pl.col(c)).alias(c)
        for c in ("nik", "kk_number", "name_key", "sex", "village_id", "rt", "rw")
    ]
    frame = frame.with_columns(blank_to_null).with_columns(
        pl.col("birth_date").cast(pl.Date, strict=False)
    )
    frame = frame.with_columns(
        nik=pl.when(
            plausible_nik(pl.col("nik")) & (pl.len().over("nik") <= MOST_RECORDS_PER_NIK)
        ).then(pl.col("nik"))
    )
    tokens = _tokens("name_key")
    core = tokens.list.eval(pl.element().filter(~pl.element().is_in(GENERIC_TOKENS)))
    mother = pl.col("mother_name").str.to_lowercase().str.replace_all(r"[^a-z ]", "")
    return frame.select(
        "unique_id",
        "source_dataset",
        "dataset_id",
        "record_id",
        "nik",
        # Whether the NIK's date part says this record's birth date and sex: a member
        # listed under the head's NIK carries a number that does not.
        (pl.col("nik").str.slice(6, 6) == nik_date_part(pl.col("birth_date"), pl.col("sex")))
        .fill_null(True)  # a record without a birth date contradicts nothing
        .alias("nik_fits"),
        tokens.list.join(" ").alias("name_key"),
        tokens.list.first().alias("first_token"),
        core.list.sort().list.join(" ").replace("", None).alias("core_key"),
        core.alias("core_tokens"),
        pl.col("birth_date").dt.strftime("%Y-%m-%d").alias("birth_date"),
        # Day and month swapped, when both could be a month (17/08 cannot).
        pl.when(pl.col("birth_date").dt.day() <= 12)
        .then(pl.col("birth_date").dt.strftime("%Y-%d-%m"))
        .alias("birth_date_swapped"),
        pl.col("birth_date").dt.year().alias("birth_year"),
        pl.col("birth_date").dt.strftime("%m-%d").alias("birth_month_day"),
        "sex",
        "kk_number",
        "village_id",
        pl.when(pl.col("rt").is_not_null() & pl.col("rw").is_not_null())
        .then(pl.concat_str("rt", "rw", separator="/"))
        .alias("rt_rw"),
        pl.col("village_id").str.slice(0, 8).alias("district"),
        pl.when(mother.str.len_chars() > 0).then(mother).alias("mother_key"),
    )
