"""Who a program is for, written as data: conditions as a need rule writes them
({"field", "op", "value"}), all of which must hold. A condition looks at the family (its
fields, its members' aggregates, its classification: padu.welfare.needs.FIELDS), at the
needs the classification raised for it, or at the person the list names (age, sex,
disability). Each is read back as a sentence, and judged with the family's own value."""

import polars as pl

from padu.registry.models import Person
from padu.welfare import needs

#: Conditions on the person a row names (for a family program: the recipient, else the head).
PERSON_FIELDS = {
    "age": "umur penerima",
    "sex": "jenis kelamin penerima",
    "disability": "disabilitas penerima",
}
#: The needs raised for the family (rule codes), for "has one of these needs".
NEEDS_FIELD = {"needs": "kebutuhan keluarga"}
FIELDS = {**needs.FIELDS, **NEEDS_FIELD, **PERSON_FIELDS}
OPERATORS = {
    **needs.OPERATORS,
    "has": lambda col, v: col.list.eval(pl.element().is_in([str(x) for x in v])).list.any(),
}
OPERATOR_WORDS = {**needs.OPERATOR_WORDS, "has": "termasuk salah satu dari"}


def check_criteria(conditions) -> list[str]:
    """What is wrong with a program's criteria, in words for the officer who wrote them
    (no criteria at all is allowed: a program for everyone in its areas)."""
    if not isinstance(conditions, list):
        return ["Kriteria harus daftar berisi {field, op, value}."]
    problems = []
    for i, condition in enumerate(conditions, start=1):
        if not isinstance(condition, dict):
            problems.append(f"Syarat {i}: harus berbentuk {{field, op, value}}.")
            continue
        field, op = condition.get("field"), condition.get("op")
        if field not in FIELDS:
            problems.append(
                f"Syarat {i}: kolom {field!r} tidak dikenal; pilih salah satu: " + ", ".join(FIELDS)
            )
        if op not in OPERATORS:
            problems.append(
                f"Syarat {i}: operator {op!r} tidak dikenal; pilih: " + ", ".join(OPERATORS)
            )
        if op in ("in", "has") and not isinstance(condition.get("value"), list):
            problems.append(f"Syarat {i}: operator {op!r} butuh daftar nilai.")
        if (field == "needs") != (op == "has"):
            problems.append(f"Syarat {i}: kebutuhan keluarga diperiksa dengan operator 'has'.")
    return problems


def _person_labels(field: str) -> dict[str, str]:
    """code → label in a sentence of a person field with choices (sex, disability)."""
    return {
        code: needs.in_sentence(str(label))
        for code, label in Person._meta.get_field(field).flatchoices
    }


def _person_label(field: str, value) -> str:
    if field == "age":
        return str(value)
    return _person_labels(field).get(value, str(value))


def value_label(field: str, value) -> str:
    if field in PERSON_FIELDS and value not in (None, ""):
        return _person_label(field, value)
    if field == "needs":
        return ", ".join(value) if value else "tidak ada"
    return needs.value_label(field, value)


def describe(condition: dict) -> str:
    """A condition as a sentence: "desil paling banyak 4", "umur penerima paling sedikit 60"."""
    field, op, value = condition["field"], condition["op"], condition["value"]
    if field in needs.FIELDS:
        return needs.describe(condition)
    values = value if isinstance(value, list) else [value]
    words = [value_label(field, v) if field != "needs" else str(v) for v in values]
    return f"{FIELDS[field]} {OPERATOR_WORDS[op]} {needs.listed(words)}"


def _shown(field: str, column: pl.Expr) -> pl.Expr:
    """A column's values as the reason shows them."""
    if field == "needs":
        return (
            pl.when(column.list.len() > 0)
            .then(column.list.join(", "))
            .otherwise(pl.lit("tidak ada"))
        )
    if field in PERSON_FIELDS:
        if field == "age":
            return column.cast(pl.String).fill_null("—")
        return column.cast(pl.String).replace(_person_labels(field)).fill_null("—")
    return needs.value_label_expr(field, column)


def judge(rows: pl.DataFrame, conditions: list[dict]) -> pl.DataFrame:
    """``rows`` (with ``id`` and the FIELDS the conditions name) → id, on_target and the
    reason: each condition with the row's own value, failed ones first. A row with no
    value for a condition does not meet it."""
    if not conditions:
        return rows.select(
            "id",
            on_target=pl.lit(True),
            on_target_reason=pl.lit("program tanpa kriteria: semua keluarga di wilayahnya"),
        )
    checks = [
        OPERATORS[cond["op"]](pl.col(cond["field"]), cond["value"]).fill_null(False)
        for cond in conditions
    ]

    def said(cond: dict) -> pl.Expr:
        return (
            pl.lit(describe(cond) + " (di sini: ")
            + _shown(cond["field"], pl.col(cond["field"]))
            + pl.lit(")")
        )

    unmet = pl.concat_str(
        [pl.when(~check).then(said(cond)) for cond, check in zip(conditions, checks, strict=True)],
        separator="; ",
        ignore_nulls=True,
    )
    met = pl.concat_str(
        [pl.when(check).then(said(cond)) for cond, check in zip(conditions, checks, strict=True)],
        separator="; ",
        ignore_nulls=True,
    )
    on_target = pl.all_horizontal(checks)
    return rows.select(
        "id",
        on_target=on_target,
        on_target_reason=pl.when(on_target)
        .then(pl.lit("memenuhi: ") + met)
        .otherwise(pl.lit("tidak memenuhi: ") + unmet),
    )
