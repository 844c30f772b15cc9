"""Exports that keep families and members in two files, joined by family id or No KK.

The family file's columns are added to every member row, so the rest of the import sees one
row per person with its family columns repeated, the shape most exports already have.
"""

import polars as pl

from . import normalise as n
from .mapping import Mapping, plan_columns
from .reading import RawTable, UnreadableFile

#: How a member finds its family, in order of preference.
JOIN_KEYS = ("family_record_id", "kk_number")
FAMILY_KEY = "_family_key"
FOUND = "_family_found"


def join_family_file(members: RawTable, families: RawTable, mapping: Mapping) -> RawTable:
    member_plan = plan_columns(members.header, mapping)
    family_plan = plan_columns(families.header, mapping)
    key = next(
        (k for k in JOIN_KEYS if k in member_plan.field_columns and k in family_plan.field_columns),
        None,
    )
    if key is None:
        raise UnreadableFile(
            f"File anggota {members.file_name} dan file keluarga {families.file_name} tidak punya "
            "kolom penghubung yang sama: keduanya perlu ID KELUARGA atau NO KK."
        )
    # Family fields the member file lacks come from the family file.
    brought = [
        (index, families.header[index])
        for field, index in family_plan.field_columns.items()
        if field not in member_plan.field_columns
    ]
    width = len(members.header)
    family_frame = (
        families.frame.select(
            _key(pl.col(f"c{family_plan.field_columns[key]}"), key).alias(FAMILY_KEY),
            *[pl.col(f"c{index}").alias(f"c{width + i}") for i, (index, _) in enumerate(brought)],
        )
        .filter(pl.col(FAMILY_KEY).is_not_null())
        .unique(FAMILY_KEY, keep="first", maintain_order=True)
        .with_columns(pl.lit(True).alias(FOUND))
    )
    member_key = _key(pl.col(f"c{member_plan.field_columns[key]}"), key)
    cells = (
        members.cells.with_columns(member_key.alias(FAMILY_KEY))
        .join(family_frame.lazy(), on=FAMILY_KEY, how="left", maintain_order="left")
        .with_columns(pl.col(FOUND).fill_null(False))
        .drop(FAMILY_KEY)
    )
    return RawTable(
        members.file_name,
        [*members.header, *[title for _, title in brought]],
        cells,
        members.header_row,
        encoding=members.encoding,
        separator=members.separator,
        sheet=members.sheet,
        short_rows=members.short_rows,
        family_file=families.file_name,
        parts=(members, families),
    )


def _key(cell: pl.Expr, key: str) -> pl.Expr:
    if key == "kk_number":
        return n.id_reading(cell).struct.field("digits")
    return n.clean_text(cell)
