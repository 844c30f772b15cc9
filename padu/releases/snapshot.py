"""The registry as of one moment, as the tables of a release (Polars frames).

Every table carries its rows' region path (province, regency, district, village, RW, RT),
so that a figure at any level is one GROUP BY, as DHIS2's org-unit structure table allows.
All tables are read in one transaction (REPEATABLE READ on PostgreSQL; SQLite's read
transaction is a snapshot already), so they agree with each other.
"""

import datetime as dt
from dataclasses import dataclass

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from padu.core.progress import ProgressCallback, no_progress
from padu.regions.codes import normalize_code
from padu.registry import choices as c
from padu.registry.ages import age_in_years
from padu.registry.models import ASSET_FIELDS, HOUSING_FIELDS, PROGRAM_FIELDS
from padu.welfare.criteria import CRITERIA
from padu.welfare.household import member_aggregates, read_frame
from padu.welfare.services import lines_for, newest_models

#: Bumped whenever a table gains, loses or changes a column; readers check it.
SCHEMA_VERSION = 1

REGION_PATH = ["province", "regency", "district", "village", "rw", "rt"]

#: Programs whose flags arrive in the source exports: code, label, the family's field.
FLAG_PROGRAMS = {
    "receives_pkh": ("PKH", "Program Keluarga Harapan"),
    "receives_bpnt": ("BPNT", "BPNT/Sembako"),
    "receives_pbi_jk": ("PBI-JK", "PBI Jaminan Kesehatan"),
    "receives_pip": ("PIP", "Program Indonesia Pintar"),
    "receives_blt_dd": ("BLT-DD", "BLT Dana Desa"),
}
assert set(FLAG_PROGRAMS) == set(PROGRAM_FIELDS)


@dataclass
class Snapshot:
    """The tables of one release and the moment and runs they come from."""

    as_of: dt.datetime
    tables: dict[str, pl.DataFrame]
    welfare_models: list[dict]
    linkage_run: int | None


def take_snapshot(
    region: str | None, *, year: int, progress: ProgressCallback = no_progress
) -> Snapshot:
    """Read the registry (within ``region``, when given) as a release's tables."""
    where = _within(region)
    steps = 7
    outermost = not connection.in_atomic_block
    # Progress is written by other transactions: none is reported inside this one (on
    # PostgreSQL it is read-only, and the page would not see it before the end anyway).
    progress(0, steps, "Membaca registri pada satu saat")
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        as_of = timezone.now()
        models = list(newest_models(within=region).values("id", "regency_id", "version", "year"))
        families = _families(where, [m["id"] for m in models])
        persons = _persons(where)
        needs = _needs(where, [m["id"] for m in models])
        referrals = _referrals(where)
        visits = _visits(where)
        linkage_run = _latest_linkage_run()
    progress(5, steps, "Menyusun tabel")
    today = timezone.localdate(as_of)
    families, persons = _with_members(families, persons, today)
    families = _with_lines(families, year)
    region_of_family = families.select("family_id", *REGION_PATH)
    persons = persons.join(
        families.select("family_id", *REGION_PATH, "status", "desil"), on="family_id", how="left"
    )
    tables = {
        "families": families,
        "persons": persons,
        "needs": needs.join(region_of_family, on="family_id", how="inner"),
        "referrals": referrals.join(region_of_family, on="family_id", how="inner"),
        "programs": _flag_memberships(families),
        "visits": with_region_path(visits, "village_id"),
    }
    progress(6, steps, "Tabel siap")
    return Snapshot(
        as_of=as_of,
        tables={name: _ordered(frame) for name, frame in tables.items()},
        welfare_models=[
            {"id": m["id"], "regency": m["regency_id"], "version": m["version"], "year": m["year"]}
            for m in models
        ],
        linkage_run=linkage_run,
    )


def with_region_path(frame: pl.DataFrame, village_column: str) -> pl.DataFrame:
    """``frame`` with the region path of its village column (RW and RT kept when there)."""
    village = pl.col(village_column)
    frame = frame.with_columns(
        province=village.str.slice(0, 2),
        regency=village.str.slice(0, 5),
        district=village.str.slice(0, 8),
        village=village,
    )
    for level in ("rw", "rt"):
        if level not in frame.columns:
            frame = frame.with_columns(pl.lit("", pl.String).alias(level))
    if village_column != "village":
        frame = frame.drop(village_column)
    return frame


def _within(region: str | None) -> str:
    if not region:
        return "f.village_id IS NOT NULL"
    code = normalize_code(region)
    if code is None:  # only digits and dots reach the SQL
        raise ValueError(f"Kode wilayah tidak valid: {region!r}")
    return f"f.village_id LIKE '{code}%'"


def _id_list(ids: list[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def _families(where: str, model_ids: list[int]) -> pl.DataFrame:
    fields = ", ".join(
        f"f.{name}"
        for name in (*HOUSING_FIELDS, *ASSET_FIELDS, *PROGRAM_FIELDS, "expenditure_per_capita")
    )
    frame = read_frame(
        "SELECT f.id AS family_id, f.kk_number, f.village_id, f.rw, f.rt, f.address, "
        "f.latitude, f.longitude, f.lifecycle, f.merged_into_id, f.verification_status, "
        f"f.verified_on, {fields}, w.score, w.predicted_expenditure, w.observed_expenditure, "
        "w.desil, w.status, w.criteria_met, w.criteria_known, w.model_id AS welfare_model_id "
        "FROM registry_family f LEFT JOIN welfare_familywelfare w "
        f"ON w.family_id = f.id AND w.model_id IN ({_id_list(model_ids)}) "
        f"WHERE {where} ORDER BY f.id"
    )
    if frame.height == 0:
        raise ValueError("Belum ada keluarga di wilayah ini: impor, cocokkan dan nilai dulu.")
    # The newest import batch behind each family: a later one means a new export.
    batches = read_frame(
        "SELECT l.family_id, MAX(s.batch_id) AS last_batch_id FROM matching_recordlink l "
        "JOIN sources_sourcerecord s ON s.id = l.source_record_id "
        f"JOIN registry_family f ON f.id = l.family_id WHERE {where} GROUP BY l.family_id"
    ).pipe(_or_empty, last_batch_id=pl.Int64)
    frame = frame.join(batches, on="family_id", how="left")
    booleans = [n for n in (*ASSET_FIELDS, *PROGRAM_FIELDS) if n != "livestock_units"]
    frame = frame.with_columns(
        [pl.col(n).cast(pl.Boolean) for n in booleans],
        verified_on=_as_date(frame, "verified_on"),
        rw=pl.col("rw").fill_null(""),
        rt=pl.col("rt").fill_null(""),
    )
    return with_region_path(frame, "village_id")


def _persons(where: str) -> pl.DataFrame:
    frame = read_frame(
        "SELECT p.id AS person_id, p.family_id, p.nik, p.full_name, p.sex, p.birth_date, "
        "p.relationship, p.marital_status, p.education, p.school_participation, "
        "p.work_status, p.disability, p.chronic_illness, p.health_insurance, p.is_pregnant, "
        "p.lifecycle, p.merged_into_id FROM registry_person p "
        f"JOIN registry_family f ON f.id = p.family_id WHERE {where} ORDER BY p.id"
    )
    return frame.with_columns(
        birth_date=_as_date(frame, "birth_date"), is_pregnant=pl.col("is_pregnant").cast(pl.Boolean)
    )


def _needs(where: str, model_ids: list[int]) -> pl.DataFrame:
    return read_frame(
        "SELECT n.family_id, r.code AS need, r.dimension, a.code AS agency, n.reason "
        "FROM welfare_familyneed n JOIN welfare_needrule r ON r.id = n.rule_id "
        "LEFT JOIN organisations_agency a ON a.id = r.agency_id "
        f"JOIN registry_family f ON f.id = n.family_id WHERE {where} "
        f"AND n.model_id IN ({_id_list(model_ids)}) ORDER BY n.family_id, r.code"
    ).pipe(_or_empty, need=pl.String, dimension=pl.String, agency=pl.String, reason=pl.String)


def _referrals(where: str) -> pl.DataFrame:
    frame = read_frame(
        "SELECT x.id AS referral_id, x.family_id, r.code AS need, r.dimension, "
        "a.code AS agency, x.status, x.created_at, x.accepted_at, x.closed_at "
        "FROM programs_referral x JOIN welfare_needrule r ON r.id = x.rule_id "
        "JOIN organisations_agency a ON a.id = x.agency_id "
        f"JOIN registry_family f ON f.id = x.family_id WHERE {where} ORDER BY x.id"
    ).pipe(_or_empty, referral_id=pl.Int64, need=pl.String, agency=pl.String, status=pl.String)
    return frame.with_columns(
        [_as_date(frame, name) for name in ("created_at", "accepted_at", "closed_at")]
    )


def _visits(where: str) -> pl.DataFrame:
    frame = read_frame(
        "SELECT v.id AS visit_id, v.round_id, v.family_id, v.village_id, v.outcome, "
        "v.status, v.visited_on, v.decided_at FROM verification_visit v "
        f"LEFT JOIN registry_family f ON f.id = v.family_id "
        f"WHERE {where.replace('f.village_id', 'v.village_id')} ORDER BY v.id"
    ).pipe(
        _or_empty,
        visit_id=pl.Int64,
        family_id=pl.Int64,
        village_id=pl.String,
        outcome=pl.String,
        status=pl.String,
    )
    return frame.with_columns(
        visited_on=_as_date(frame, "visited_on"), decided_at=_as_date(frame, "decided_at")
    )


def _latest_linkage_run() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MAX(id) FROM matching_linkagerun WHERE status = 'completed'")
        return cursor.fetchone()[0]


def _or_empty(frame: pl.DataFrame, **schema) -> pl.DataFrame:
    """A query that found nothing gives a frame without columns: give it its columns."""
    if frame.width:
        return frame
    return pl.DataFrame(schema={"family_id": pl.Int64, **schema})


def _as_date(frame: pl.DataFrame, name: str) -> pl.Expr:
    """SQLite returns dates as text, PostgreSQL as dates: one type in the release."""
    column = pl.col(name)
    if name not in frame.columns:
        return pl.lit(None, pl.Date).alias(name)
    dtype = frame.schema[name]
    if dtype == pl.String:
        return column.str.slice(0, 10).str.to_date(strict=False).alias(name)
    if isinstance(dtype, pl.Datetime):
        return column.dt.date().alias(name)
    if dtype == pl.Null:
        return column.cast(pl.Date).alias(name)
    return column


def _with_members(
    families: pl.DataFrame, persons: pl.DataFrame, today: dt.date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Persons get their age; families what their active members add up to, and the
    household types the figures count (female-headed, an elderly person living alone)."""
    persons = persons.with_columns(age=age_in_years(pl.col("birth_date"), today))
    active = persons.filter(pl.col("lifecycle") == c.Lifecycle.ACTIVE)
    members = member_aggregates(active, today).select(
        "family_id",
        members="size",
        children=pl.col("children"),
        elderly=pl.col("elderly"),
        out_of_school="school_age_out_of_school",
        disabled="members_disabled",
        head_female="head_female",
        head_age="head_age",
        head_education="head_education",
        head_work_status="head_work_status",
    )
    families = (
        families.join(members, on="family_id", how="left")
        .with_columns(pl.col("members").fill_null(0).cast(pl.Int32))
        .with_columns(
            elderly_alone=((pl.col("members") == 1) & (pl.col("elderly") == 1)).fill_null(False),
            area_per_person=pl.col("floor_area_m2")
            / pl.when(pl.col("members") > 0).then(pl.col("members")),
        )
        .with_columns(housing_deprivations=_housing_deprivations())
    )
    return families, persons


#: The BPS criteria that are about the house, and a roof of thatch or bamboo: how many of
#: them a house has is what the vulnerable/slum index of an area counts.
HOUSING_CRITERIA = ("luas_lantai", "lantai", "dinding", "jamban", "air_minum")
POOR_ROOFS = [c.RoofMaterial.THATCH.value, c.RoofMaterial.BAMBOO.value]


def _housing_deprivations() -> pl.Expr:
    met = [k.met for k in CRITERIA if k.code in HOUSING_CRITERIA]
    roof = pl.col("roof_material").is_in(POOR_ROOFS)
    return pl.sum_horizontal(*(e.fill_null(False).cast(pl.Int8) for e in [*met, roof])).cast(
        pl.Int8
    )


def _with_lines(families: pl.DataFrame, year: int) -> pl.DataFrame:
    """Each family's per-capita expenditure (observed where the census sample has it,
    predicted by the PMT elsewhere) and the poverty and extreme lines of its village."""
    lines = lines_for(families["village"], year).rename({"village_id": "village"})
    return families.join(lines, on="village", how="left").with_columns(
        expenditure=pl.coalesce("expenditure_per_capita", "predicted_expenditure"),
        expenditure_observed=pl.col("expenditure_per_capita").is_not_null(),
    )


def _flag_memberships(families: pl.DataFrame) -> pl.DataFrame:
    """One row per family and national program its source exports flag (PKH, BPNT …)."""
    parts = [
        families.filter(pl.col(field).fill_null(False)).select(
            "family_id", pl.lit(code).alias("program"), pl.lit("flag").alias("basis"), *REGION_PATH
        )
        for field, (code, _label) in FLAG_PROGRAMS.items()
    ]
    return pl.concat(parts)


def _ordered(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows in region order: a village's rows sit together, so a Parquet reader skips the
    row groups of other villages by their min/max statistics."""
    keys = [k for k in ("regency", "village", "rw", "rt") if k in frame.columns]
    return frame.sort(keys, maintain_order=True) if keys else frame
