"""Needs from rules that an admin edits: each rule is a list of conditions on a family's
data, and the agency that must act. A condition is {"field", "op", "value"}."""

from functools import cache

import polars as pl
from django.core.exceptions import FieldDoesNotExist

from padu.core.history import shown_value
from padu.registry import choices as c
from padu.registry.models import Family

from .models import FamilyWelfare

#: What a condition may look at: the family's fields and its members' aggregates
#: (padu.welfare.household), its classification, and the BPS criteria count.
FIELDS = {
    "status": "status kemiskinan",
    "desil": "desil",
    "criteria_met": "jumlah kriteria BPS terpenuhi",
    "size": "jumlah anggota",
    "area_per_person": "luas lantai per orang (m²)",
    "floor_material": "lantai",
    "wall_material": "dinding",
    "roof_material": "atap",
    "toilet_facility": "jamban",
    "drinking_water": "air minum",
    "lighting": "penerangan",
    "electricity_capacity": "daya listrik",
    "cooking_fuel": "bahan bakar memasak",
    "house_tenure": "status rumah",
    "school_age_out_of_school": "anak 7–18 tahun tidak sekolah",
    "members_uninsured": "anggota tanpa jaminan kesehatan",
    "members_disabled": "anggota dengan disabilitas",
    "members_chronic": "anggota dengan penyakit kronis",
    "members_pregnant": "anggota sedang hamil",
    "earners": "anggota yang bekerja",
    "working_age": "anggota usia 15–64",
    "elderly": "anggota usia 60 ke atas",
    "receives_pkh": "menerima PKH",
    "receives_bpnt": "menerima BPNT/Sembako",
    "receives_pbi_jk": "menerima PBI JK",
    "receives_pip": "menerima PIP",
}
OPERATORS = {
    "in": lambda col, v: col.cast(pl.String).is_in([str(x) for x in v]),
    "eq": lambda col, v: col == v,
    "ne": lambda col, v: col != v,
    "lt": lambda col, v: col < v,
    "le": lambda col, v: col <= v,
    "gt": lambda col, v: col > v,
    "ge": lambda col, v: col >= v,
}
#: Each operator as the words of a sentence ("lantai adalah tanah atau bambu").
OPERATOR_WORDS = {
    "in": "adalah",
    "eq": "adalah",
    "ne": "bukan",
    "lt": "kurang dari",
    "le": "paling banyak",
    "gt": "lebih dari",
    "ge": "paling sedikit",
}


@cache
def model_field(field: str):
    """The model field a condition looks at (a family's or its result's), or None for a
    count of members."""
    for model in (Family, FamilyWelfare):
        try:
            return model._meta.get_field(field)
        except FieldDoesNotExist:
            continue
    return None


def field_labels(field: str) -> dict[str, str] | None:
    """code → label of a field whose values are codes (a rule stores codes); None for a
    number, a flag or a count."""
    found = model_field(field)
    if found is None or not found.choices:
        return None
    return {code: str(label) for code, label in found.flatchoices}


def check_conditions(conditions) -> list[str]:
    """What is wrong with a rule's conditions, in words for the admin who wrote them."""
    if not isinstance(conditions, list) or not conditions:
        return ["Syarat harus daftar berisi sedikitnya satu {field, op, value}."]
    problems = []
    for i, condition in enumerate(conditions, start=1):
        if not isinstance(condition, dict):
            problems.append(f"Syarat {i}: harus berbentuk {{field, op, value}}.")
            continue
        if condition.get("field") not in FIELDS:
            problems.append(
                f"Syarat {i}: kolom {condition.get('field')!r} tidak dikenal; pilih salah satu: "
                + ", ".join(FIELDS)
            )
        if condition.get("op") not in OPERATORS:
            problems.append(
                f"Syarat {i}: operator {condition.get('op')!r} tidak dikenal; pilih: "
                + ", ".join(OPERATORS)
            )
        if condition.get("op") == "in" and not isinstance(condition.get("value"), list):
            problems.append(f"Syarat {i}: operator 'in' butuh daftar nilai.")
    return problems


def value_label(field: str, value) -> str:
    """A stored value as a person reads it: a code by its label, yes/no, 7,2 for 7.2."""
    found = model_field(field)
    if found is not None:
        return in_sentence(shown_value(found, value))
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def in_sentence(label: str) -> str:
    """A label inside a sentence: "Tanah" → "tanah", but "MCK umum" and "PLN" as they are."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def listed(words: list[str]) -> str:
    """Words as a sentence lists them: "a", "a atau b", "a, b atau c"."""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " atau " + words[-1]


def describe(condition: dict) -> str:
    """A condition as a sentence: "lantai adalah tanah atau bambu", "menerima PKH: tidak"."""
    field, op, value = condition["field"], condition["op"], condition["value"]
    if isinstance(value, bool) and op in ("eq", "ne"):
        return f"{FIELDS[field]}: {value_label(field, value if op == 'eq' else not value)}"
    values = value if isinstance(value, list) else [value]
    return f"{FIELDS[field]} {OPERATOR_WORDS[op]} {listed([value_label(field, v) for v in values])}"


def value_label_expr(field: str, column: pl.Expr) -> pl.Expr:
    """``value_label`` for a whole column."""
    labels = field_labels(field)
    if labels is not None:
        shown = column.cast(pl.String).replace(
            {code: in_sentence(label) for code, label in labels.items()}
        )
    else:
        shown = (
            pl.when(column.cast(pl.Boolean)).then(pl.lit("ya")).otherwise(pl.lit("tidak"))
            if field.startswith("receives_")
            else column.round(1)
            .cast(pl.String)
            .str.replace(r"\.0$", "")
            .str.replace(".", ",", literal=True)
            if field == "area_per_person"
            else column.cast(pl.String)
        )
    return shown.fill_null("—")


def evaluate(families: pl.DataFrame, rules) -> pl.DataFrame:
    """family_id, rule_id, reason: one row per need raised. ``families`` carries FIELDS."""
    raised = []
    for rule in rules:
        checks = [
            OPERATORS[cond["op"]](pl.col(cond["field"]), cond["value"]).fill_null(False)
            for cond in rule.conditions
        ]
        hit = pl.any_horizontal(checks) if rule.match == "any" else pl.all_horizontal(checks)
        # The reason names each condition that held, with the family's own value.
        reason = pl.concat_str(
            [
                pl.when(check).then(
                    pl.lit(describe(cond) + " (di keluarga ini: ")
                    + value_label_expr(cond["field"], pl.col(cond["field"]))
                    + pl.lit(")")
                )
                for cond, check in zip(rule.conditions, checks, strict=True)
            ],
            separator="; ",
            ignore_nulls=True,
        )
        raised.append(
            families.filter(hit).select(
                "family_id", rule_id=pl.lit(rule.pk, pl.Int64), reason=reason.str.slice(0, 500)
            )
        )
    if not raised:
        return pl.DataFrame(
            schema={"family_id": pl.Int64, "rule_id": pl.Int64, "reason": pl.String}
        )
    return pl.concat(raised)


def _any(field: str, values) -> dict:
    return {"field": field, "op": "in", "value": [str(v) for v in values]}


#: The rules a new installation starts with: (code, dimension, label, agency code, match,
#: conditions). An admin edits them afterwards; they are never overwritten.
STANDARD_RULES = [
    ("pangan-ekstrem", "pangan", "Bantuan pangan bagi keluarga miskin ekstrem", "dinsos", "any",
     [_any("status", ["ekstrem"])]),
    ("rumah-tidak-layak", "rumah", "Rumah tidak layak huni (RTLH)", "perkim", "any",
     [_any("floor_material", [c.FloorMaterial.EARTH, c.FloorMaterial.BAMBOO]),
      _any("wall_material", [c.WallMaterial.BAMBOO, c.WallMaterial.WOVEN_BAMBOO, c.WallMaterial.LOG]),
      _any("roof_material", [c.RoofMaterial.THATCH, c.RoofMaterial.BAMBOO]),
      {"field": "area_per_person", "op": "lt", "value": 7.2}]),
    ("sanitasi", "air_sanitasi", "Jamban sehat", "perkim", "any",
     [_any("toilet_facility", [c.ToiletFacility.NONE, c.ToiletFacility.PUBLIC])]),
    ("air-minum", "air_sanitasi", "Air minum layak", "perkim", "any",
     [_any("drinking_water", [c.DrinkingWater.UNPROTECTED_WELL, c.DrinkingWater.UNPROTECTED_SPRING,
                              c.DrinkingWater.SURFACE, c.DrinkingWater.RAIN])]),
    ("listrik", "listrik", "Sambungan listrik PLN", "perkim", "any",
     [_any("lighting", [c.Lighting.NONE, c.Lighting.NON_PLN, c.Lighting.PLN_UNMETERED])]),
    ("anak-tidak-sekolah", "pendidikan", "Anak usia sekolah tidak bersekolah", "disdikbud", "any",
     [{"field": "school_age_out_of_school", "op": "gt", "value": 0}]),
    ("jaminan-kesehatan", "kesehatan", "Anggota tanpa jaminan kesehatan (usulan PBI JK)", "dinkes",
     "any", [{"field": "members_uninsured", "op": "gt", "value": 0}]),
    ("layanan-kesehatan", "kesehatan", "Disabilitas, penyakit kronis atau kehamilan", "dinkes", "any",
     [{"field": "members_disabled", "op": "gt", "value": 0},
      {"field": "members_chronic", "op": "gt", "value": 0},
      {"field": "members_pregnant", "op": "gt", "value": 0}]),
    ("tanpa-penghasilan", "pekerjaan", "Tidak ada anggota yang bekerja", "disnaker", "all",
     [{"field": "earners", "op": "eq", "value": 0}, {"field": "working_age", "op": "gt", "value": 0}]),
    ("belum-bansos", "bansos", "Miskin tetapi belum menerima PKH atau BPNT", "dinsos", "all",
     [_any("status", ["ekstrem", "miskin"]),
      {"field": "receives_pkh", "op": "eq", "value": False},
      {"field": "receives_bpnt", "op": "eq", "value": False}]),
]  # fmt: skip
