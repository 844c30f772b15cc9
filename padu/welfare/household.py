"""A household's observable characteristics, one row per active golden family: its own
fields and what its members add up to (size, children, schooling, work, health)."""

import datetime as dt

import polars as pl

from padu.core.bulk import read_batches
from padu.regions.codes import normalize_code
from padu.registry import choices as c
from padu.registry.ages import age_in_years
from padu.registry.models import ASSET_FIELDS, HOUSING_FIELDS, PROGRAM_FIELDS

FAMILY_FIELDS = [
    *HOUSING_FIELDS,
    *ASSET_FIELDS,
    *PROGRAM_FIELDS,
    "expenditure_per_capita",
    "verification_status",
]
BOOLEAN_FIELDS = [*(n for n in ASSET_FIELDS if n != "livestock_units"), *PROGRAM_FIELDS]

WORKING = [
    c.WorkStatus.SELF_EMPLOYED, c.WorkStatus.EMPLOYER, c.WorkStatus.EMPLOYEE,
    c.WorkStatus.CASUAL, c.WorkStatus.FAMILY_WORKER,
]  # fmt: skip
EDUCATION_LEVEL = {choice.value: i for i, choice in enumerate(c.Education)}


def read_households(region: str | None = None, *, as_of: dt.date | None = None) -> pl.DataFrame:
    """Active families (within ``region``, a region code, when given) with their members'
    aggregates, in family id order."""
    as_of = as_of or dt.date.today()
    where = "f.lifecycle = 'aktif' AND f.village_id IS NOT NULL"
    if region:
        where += f" AND f.village_id LIKE '{_code(region)}%'"
    columns = ", ".join(f"f.{name}" for name in FAMILY_FIELDS)
    families = read_frame(
        f"SELECT f.id AS family_id, f.village_id, {columns} FROM registry_family f "
        f"WHERE {where} ORDER BY f.id"
    )
    if families.height == 0:
        return families
    persons = read_frame(
        "SELECT p.family_id, p.relationship, p.sex, p.birth_date, p.education, "
        "p.school_participation, p.work_status, p.disability, p.chronic_illness, "
        "p.health_insurance, p.is_pregnant FROM registry_person p "
        f"JOIN registry_family f ON f.id = p.family_id WHERE p.lifecycle = 'aktif' AND {where}"
    )
    members = member_aggregates(persons, as_of)
    households = (
        families.with_columns(
            [pl.col(name).cast(pl.Boolean) for name in BOOLEAN_FIELDS],
            regency=pl.col("village_id").str.slice(0, 5),
            district=pl.col("village_id").str.slice(0, 8),
        )
        .join(members, on="family_id", how="inner")
        .with_columns(area_per_person=pl.col("floor_area_m2") / pl.col("size"))
    )
    return households


def _code(region: str) -> str:
    """The dotted region code (digits and dots only, so safe to put in SQL)."""
    code = normalize_code(region)
    if code is None:
        raise ValueError(f"Kode wilayah tidak valid: {region!r}")
    return code


def read_frame(sql: str) -> pl.DataFrame:
    """A query's rows as one frame (empty, without columns, when there are none)."""
    parts = list(read_batches(sql))
    return pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame()


def heads(persons: pl.DataFrame) -> pl.DataFrame:
    """Each family's head: the member recorded as head, else the oldest (``persons`` with
    family_id, relationship and age)."""
    return (
        persons.sort(
            ["family_id", pl.col("relationship") == c.Relationship.HEAD, "age"],
            descending=[False, True, True],
        )
        .group_by("family_id", maintain_order=True)
        .first()
    )


def member_aggregates(persons: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """Per family: size and what its members add up to, and its head (the member recorded
    as head, else the oldest)."""
    birth = pl.col("birth_date")
    if persons.schema["birth_date"] == pl.String:
        birth = birth.str.to_date(strict=False)
    persons = persons.with_columns(
        age=age_in_years(birth, as_of),
        is_pregnant=pl.col("is_pregnant").cast(pl.Boolean),
        education_level=pl.col("education").replace_strict(
            EDUCATION_LEVEL, default=None, return_dtype=pl.Int8
        ),
    )
    head_rows = heads(persons)
    counts = persons.group_by("family_id").agg(
        size=pl.len(),
        children=(pl.col("age") < 15).sum(),
        elderly=(pl.col("age") >= 60).sum(),
        working_age=pl.col("age").is_between(15, 64).sum(),
        school_age_out_of_school=(
            pl.col("age").is_between(7, 18)
            & pl.col("school_participation").is_in(
                [c.SchoolParticipation.NEVER, c.SchoolParticipation.LEFT]
            )
        ).sum(),
        members_uninsured=(pl.col("health_insurance") == c.HealthInsurance.NONE).sum(),
        members_disabled=(
            pl.col("disability").is_not_null()
            & (pl.col("disability") != "")
            & (pl.col("disability") != c.Disability.NONE)
        ).sum(),
        members_chronic=(
            pl.col("chronic_illness").is_not_null()
            & (pl.col("chronic_illness") != "")
            & (pl.col("chronic_illness") != c.ChronicIllness.NONE)
        ).sum(),
        members_pregnant=pl.col("is_pregnant").fill_null(False).sum(),
        earners=pl.col("work_status").is_in(WORKING).sum(),
        formal_workers=pl.col("work_status")
        .is_in([c.WorkStatus.EMPLOYEE, c.WorkStatus.EMPLOYER])
        .sum(),
        adult_education_mean=pl.col("education_level").filter(pl.col("age") >= 18).mean(),
        adult_education_max=pl.col("education_level").filter(pl.col("age") >= 18).max(),
        members_pbi=(pl.col("health_insurance") == c.HealthInsurance.PBI_JK).sum(),
        members_paid_insurance=pl.col("health_insurance")
        .is_in(
            [c.HealthInsurance.BPJS_SELF, c.HealthInsurance.BPJS_EMPLOYER, c.HealthInsurance.OTHER]
        )
        .sum(),
    )
    return counts.join(
        head_rows.select(
            "family_id",
            head_female=pl.col("sex") == c.Sex.FEMALE,
            head_age=pl.col("age"),
            head_education=pl.col("education"),
            head_education_level=pl.col("education_level"),
            head_work_status=pl.col("work_status"),
        ),
        on="family_id",
    )
