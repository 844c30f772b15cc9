"""From clusters of source records to golden persons and families (pure Polars; the writes
are in services).

Survivorship: for every field, the value of the most trusted record that has one, trust
being the source's precedence (field verification > census > DTKS > P3KE), then recency.
A person lives in the household of their most trusted record that names one, so a newer
source that shows a new KK moves them.
"""

import polars as pl
from splink.clustering import cluster_pairwise_predictions_at_threshold

from padu.registry.models import ASSET_FIELDS, HOUSING_FIELDS, PROGRAM_FIELDS, Family, Person
from padu.registry.names import name_key
from padu.sources.models import KEY_COLUMNS

from .engine import splink_frame

#: Golden fields, each read from the source field of the same name.
PERSON_FIELDS = (
    "nik",
    "full_name",
    "sex",
    "birth_date",
    "birth_place",
    "relationship",
    "mother_name",
    "marital_status",
    "education",
    "school_participation",
    "occupation",
    "work_status",
    "disability",
    "chronic_illness",
    "health_insurance",
    "is_pregnant",
    "lifecycle",
)
#: The golden person's columns: the survived fields, and the name's search key from the
#: surviving name.
PERSON_COLUMNS = (*PERSON_FIELDS, "name_key")
FAMILY_FIELDS = (
    "kk_number",
    "village_id",
    "address",
    "rt",
    "rw",
    "latitude",
    "longitude",
    *HOUSING_FIELDS,
    *ASSET_FIELDS,
    *PROGRAM_FIELDS,
    "expenditure_per_capita",
    "lifecycle",
    "verification_status",
    "verified_on",
)


def _dtype(model, name: str) -> pl.DataType:
    field = model._meta.get_field(name)
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return pl.Boolean
    if kind in {"FloatField"}:
        return pl.Float64
    if "Integer" in kind:
        return pl.Int64
    if kind == "DateField":
        return pl.Date
    return pl.String


#: Family fields read from a source value of another name (a person has a lifecycle too).
FAMILY_SOURCE_NAMES = {"lifecycle": "family_lifecycle"}
_GOLDEN_NAMES = {source: golden for golden, source in FAMILY_SOURCE_NAMES.items()}

#: The normalised values survivorship reads from each record's ``values``.
VALUE_FIELDS = tuple(
    name
    for name in (*PERSON_FIELDS, *(FAMILY_SOURCE_NAMES.get(n, n) for n in FAMILY_FIELDS))
    if name not in KEY_COLUMNS
)


def survivorship_inputs(records: pl.DataFrame) -> pl.DataFrame:
    """Records (from features.read_current_records with VALUE_FIELDS) with every value in
    its registry type and blanks as nulls."""
    typed = []
    for source in VALUE_FIELDS:
        model = Person if source in PERSON_FIELDS else Family
        dtype = _dtype(model, _GOLDEN_NAMES.get(source, source))
        value = pl.col(source)
        if dtype == pl.Boolean:
            value = value.replace_strict({"true": True, "false": False}, default=None)
        elif dtype == pl.Date:
            value = value.str.to_date(strict=False)
        elif dtype != pl.String:
            value = value.cast(pl.Float64, strict=False).cast(dtype, strict=False)
        typed.append(value.alias(source))
    blank = [
        pl.when(pl.col(c).cast(pl.String).str.len_chars() > 0).then(pl.col(c)).alias(c)
        for c in ("nik", "kk_number", "family_record_id", "full_name", "sex", "rt", "rw")
    ]
    return (
        records.with_columns(typed)
        .with_columns(blank)
        .with_columns(pl.col("birth_date").cast(pl.Date, strict=False))
    )


def _survive(frame: pl.DataFrame, group: str, fields: tuple[str, ...]) -> pl.DataFrame:
    """One row per group: each field from its most trusted record that has a value, and
    the record it came from (``origin_<field>``)."""
    ranked = frame.sort(
        [group, "precedence", "batch_id", "unique_id"], descending=[False, True, True, False]
    )
    aggregations = []
    for name in fields:
        present = pl.col(name).is_not_null()
        aggregations.append(pl.col(name).filter(present).first())
        aggregations.append(pl.col("unique_id").filter(present).first().alias(f"origin_{name}"))
    return ranked.group_by(group, maintain_order=True).agg(aggregations)


#: What survivorship ranks a group's records by (besides the group itself).
_RANKING = ("unique_id", "precedence", "batch_id")


def golden_persons(records: pl.DataFrame, clusters: pl.DataFrame) -> pl.DataFrame:
    """One row per cluster (``cluster_id``) with its surviving fields."""
    # Only the columns needed: a join copies every column of a million-row frame.
    needed = records.select(*_RANKING, *PERSON_FIELDS)
    survived = _survive(needed.join(clusters, on="unique_id"), "cluster_id", PERSON_FIELDS)
    return survived.with_columns(
        name_key=name_key(pl.col("full_name")), origin_name_key=pl.col("origin_full_name")
    )


def households(records: pl.DataFrame, clusters: pl.DataFrame, db_api) -> pl.DataFrame:
    """cluster_id -> household_id: people whose most trusted household records share a KK,
    or a family id within one source, live together."""

    keyed = (
        records.select(*_RANKING, "dataset_id", "kk_number", "family_record_id")
        .join(clusters, on="unique_id")
        .with_columns(
            kk=pl.when(pl.col("kk_number").is_not_null()).then(pl.lit("kk:") + pl.col("kk_number")),
            family=pl.when(pl.col("family_record_id").is_not_null()).then(
                pl.format("fam:{}:{}", "dataset_id", "family_record_id")
            ),
        )
        .filter(pl.col("kk").is_not_null() | pl.col("family").is_not_null())
        .sort(["cluster_id", "precedence", "batch_id"], descending=[False, True, True])
        .group_by("cluster_id", maintain_order=True)
        .first()
        .with_columns(key=pl.coalesce("kk", "family"))
    )
    edges = keyed.filter(pl.col("kk").is_not_null() & pl.col("family").is_not_null()).select(
        pl.col("kk").alias("key_l"), pl.col("family").alias("key_r")
    )
    nodes = (
        pl.concat(
            [keyed.select(pl.col("kk").alias("key")), keyed.select(pl.col("family").alias("key"))]
        )
        .drop_nulls()
        .unique()
    )
    components = cluster_pairwise_predictions_at_threshold(
        nodes.to_arrow(), edges.to_arrow(), db_api, node_id_column_name="key"
    )
    component = splink_frame(components).select("key", pl.col("cluster_id").alias("household_id"))
    return (
        keyed.select("cluster_id", "key")
        .join(component, on="key")
        .select("cluster_id", "household_id")
    )


def golden_families(
    records: pl.DataFrame, clusters: pl.DataFrame, homes: pl.DataFrame
) -> pl.DataFrame:
    """One row per household with its surviving fields, the head's records first."""
    sources = [FAMILY_SOURCE_NAMES.get(name, name) for name in FAMILY_FIELDS]
    members = (
        records.select(*_RANKING, "relationship", *sources)
        .join(clusters, on="unique_id")
        .join(homes, on="cluster_id")
    )
    # The head's word on the household counts first, then trust and recency as usual.
    members = members.with_columns(
        *(pl.col(source).alias(golden) for golden, source in FAMILY_SOURCE_NAMES.items()),
        precedence=pl.col("precedence")
        + pl.when(pl.col("relationship") == "kepala").then(1000).otherwise(0),
    )
    return _survive(members, "household_id", FAMILY_FIELDS)


def keep_ids(
    groups: pl.DataFrame, group: str, previous: pl.DataFrame, previous_id: str
) -> pl.DataFrame:
    """Stable ids: each new group keeps the id most of its records had before, each old id
    going to one group only (the one holding most of its records). ``groups`` maps
    (dataset_id, record_id) to ``group``; ``previous`` maps them to ``previous_id``.
    Returns group -> previous_id (null for groups that need a new id)."""
    votes = (
        groups.join(previous, on=["dataset_id", "record_id"])
        .group_by(group, previous_id)
        .len()
        .sort(["len", group], descending=[True, False])
    )
    # Each old id goes to the group with most of its records …
    claims = votes.unique(previous_id, keep="first", maintain_order=True)
    # … and each group takes its strongest claim.
    chosen = claims.unique(group, keep="first", maintain_order=True).select(group, previous_id)
    return groups.select(group).unique().join(chosen, on=group, how="left")
