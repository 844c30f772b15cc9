"""From a raw table to accepted records and row-level issues, without touching the database
(apart from looking up regions). A chunk at a time: its rows are told apart from the rows
before them (survey), each column is read by its kind (readings), and every check is a
column expression over the chunk (checks)."""

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from . import checks
from . import normalise as n
from .canonical import FIELDS_BY_NAME, Kind
from .checks import Issues
from .choices import Severity
from .mapping import CODED_KINDS, ColumnPlan, Mapping
from .models import KEY_COLUMNS, RawRows
from .per_value import with_per_value
from .reading import RawTable
from .readings import read_field
from .survey import FileSurvey, survey


@dataclass
class Prepared:
    records: pl.DataFrame  # record_id, row_number, KEY_COLUMNS, and _f_<name> per value
    raw_rows: RawRows  # every row read, as it was (unsaved: the writer sets its batch)
    value_names: list[str]  # the order of each record's ``values``
    issues: pl.DataFrame
    plan: ColumnPlan
    rows_read: int
    rows_rejected: int
    rows_warned: int
    rows_duplicate: int
    rows_skipped: int  # rows that hold no person: column numbers, notes, family rows

    @property
    def rows_accepted(self) -> int:
        return self.records.height

    def values(self) -> pl.DataFrame:
        """The accepted rows' values, as a ValueRows block holds them: ``_row`` and one
        column per name of ``value_names``."""
        return self.records.select(
            pl.col("row_number").alias("_row"),
            *[pl.col(f"_f_{n}").alias(n) for n in self.value_names],
        )


def prepare_chunks(
    table: RawTable,
    mapping: Mapping,
    rows: int,
    within: str | None = None,
    *,
    place_optional: bool = False,
) -> tuple[FileSurvey, Iterator[Prepared]]:
    """The file's survey, and its rows prepared ``rows`` at a time (memory stays bounded).
    ``within``: the importer's region; rows placed outside it are rejected (see survey)."""
    facts = survey(table, mapping, within, place_optional=place_optional)
    return facts, (prepare_chunk(chunk, table, facts) for chunk in table.chunks(rows))


def prepare(table: RawTable, mapping: Mapping, within: str | None = None) -> Prepared:
    """All of a (small) file at once: previews and tests."""
    return prepare_chunk(table.frame, table, survey(table, mapping, within))


def prepare_chunk(frame: pl.DataFrame, table: RawTable, facts: FileSurvey) -> Prepared:
    plan, header = facts.plan, facts.header
    # The streaming reader hands a chunk over in pieces, which every column operation
    # below would pay for one by one.
    frame = frame.rechunk()
    rows_read = frame.height
    # Encoded at once: the chunk's cells are views into what the file reader holds, and
    # keeping them until the writer gets to them kept that alive too (4 GB for 1 M rows).
    raw_rows = RawRows.encode(frame.select("_row", *table.columns))
    issues = Issues()
    frame = _without_empty_words(frame, table.columns, plan.layout)
    frame = facts.households.fill(frame)
    frame = checks.not_data_rows(
        frame, issues, columns=table.columns, header=table.header, notes_from=facts.notes_from
    )
    rows_skipped = rows_read - frame.height
    frame = facts.facts_of(frame)
    checks.repeated_rows(frame, issues)
    checks.short_rows(frame, issues, table.short_rows, len(header))
    frame = _read_fields(frame, plan, header, facts, issues)
    checks.formula_cells(frame, issues, table.columns, header)

    def title(field: str, otherwise: str) -> str:
        return header[plan.field_columns[field]] if field in plan.field_columns else otherwise

    checks.missing_names(frame, issues, title("full_name", "NAMA"))
    family_key = "family_record_id" if "family_record_id" in plan.field_columns else "kk_number"
    checks.families_not_found(
        frame,
        issues,
        column=title(family_key, "NO KK"),
        value=pl.col(f"c{plan.field_columns[family_key]}")
        if family_key in plan.field_columns
        else pl.lit(None, pl.String),
        family_file=table.family_file,
    )
    checks.nik_against_row(frame, issues, title("nik", "NIK"))
    frame = checks.coordinates(frame, issues)
    frame = facts.places.place(frame, issues, plan, header, facts.normalised)
    checks.reused_record_ids(frame, issues, plan, header)
    return _prepared(frame, issues.collect(), raw_rows, plan, rows_read, rows_skipped)


def _without_empty_words(frame: pl.DataFrame, columns: list[str], layout) -> pl.DataFrame:
    """Cells holding a word the layout writes for "nothing" ("Kosong") made empty."""
    if layout is None or not layout.empty:
        return frame
    words = sorted(layout.empty)
    return frame.with_columns(
        pl.when(n.value_key(pl.col(c)).is_in(words)).then(None).otherwise(pl.col(c)).alias(c)
        for c in columns
    )


def _read_fields(frame, plan: ColumnPlan, header: list[str], facts: FileSurvey, issues: Issues):
    """Each mapped column read by its kind, once per distinct value: the chunk with the
    record's columns (KEY_COLUMNS) and its other values (``_f_<name>``)."""
    values: dict[str, pl.Expr] = {}
    fallbacks: dict[str, pl.Expr] = {}
    for name, index in plan.field_columns.items():
        spec, cell, column = FIELDS_BY_NAME[name], pl.col(f"c{index}"), header[index]
        codes, listed_by = facts.codes.for_column(name, column)
        reading = read_field(spec, cell, codes)
        if reading is None:
            continue
        frame = with_per_value(frame, f"c{index}", reading.derived, facts.normalised)
        values.update(reading.values)
        for value_name, value in reading.fallbacks.items():
            fallbacks.setdefault(value_name, value)
        if reading.id_status:
            checks.id_numbers(
                frame,
                issues,
                name=name,
                label="NIK" if name == "nik" else "No KK",
                status=pl.col(reading.id_status).struct.field("status"),
                cell=cell,
                column=column,
            )
        if reading.unreadable:
            checks.unreadable(
                frame,
                issues,
                name=name,
                what="tanggal" if spec.kind is Kind.DATE else "nilai",
                flag=reading.unreadable,
                cell=cell,
                column=column,
                code_list=listed_by if spec.kind in CODED_KINDS else None,
            )
    outputs = {**fallbacks, **values}
    frame = frame.with_columns(
        **{k: v for k, v in outputs.items() if k in KEY_COLUMNS},
        **{f"_f_{k}": v for k, v in outputs.items() if k not in KEY_COLUMNS},
    )
    missing = {
        column: pl.lit(None, dtype=pl.Date if column == "birth_date" else pl.String)
        for column in KEY_COLUMNS
        if column not in frame.columns
    }
    return frame.with_columns(**missing)


def _prepared(
    frame,
    issues: pl.DataFrame,
    raw_rows: RawRows,
    plan: ColumnPlan,
    rows_read: int,
    rows_skipped: int,
):
    errors = issues.filter(pl.col("severity") == Severity.ERROR.value)["row_number"].unique()
    warned = issues.filter(pl.col("severity") == Severity.WARNING.value)["row_number"].unique()
    keep = ~pl.col("_row").is_in(errors.implode()) & ~pl.col("_duplicate")
    accepted = frame.filter(keep)
    value_columns = [c for c in accepted.columns if c.startswith("_f_")]
    # The values stay columns here (``_f_<name>``); the writer encodes them as a ValueRows
    # block, beside the preparation of the next chunk.
    records = accepted.select(
        pl.col("_record_id").alias("record_id"),
        pl.col("_row").alias("row_number"),
        *[pl.col(c) for c in KEY_COLUMNS],
        *value_columns,
    )
    return Prepared(
        records=records,
        raw_rows=raw_rows,
        value_names=[c[3:] for c in value_columns],
        issues=issues,
        plan=plan,
        rows_read=rows_read,
        rows_rejected=errors.len(),
        rows_warned=accepted.filter(pl.col("_row").is_in(warned.implode())).height,
        rows_duplicate=int(frame["_duplicate"].sum()),
        rows_skipped=rows_skipped,
    )
