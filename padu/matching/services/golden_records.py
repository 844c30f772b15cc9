"""Writing golden persons and families from the survivorship frames: new ones in bulk,
changed ones updated, everyone keeping their id where their records stay together."""

from dataclasses import dataclass

import polars as pl
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from padu.core.bulk import bulk_insert, id_chunks
from padu.core.choices import ChangeAction
from padu.core.history import jsonable, record_bulk_change, record_change
from padu.registry.choices import Lifecycle
from padu.registry.models import Family, Person
from padu.sources.choices import SourceKind

from ..engine import duckdb_api
from ..features import read_current_records
from ..golden import (
    FAMILY_FIELDS,
    PERSON_COLUMNS,
    VALUE_FIELDS,
    golden_families,
    golden_persons,
    households,
    keep_ids,
    survivorship_inputs,
)
from ..models import LinkageRun, RecordLink


@dataclass
class GoldenSummary:
    persons_created: int = 0
    persons_updated: int = 0
    persons_merged: int = 0
    persons_unsourced: int = 0
    families_created: int = 0
    families_updated: int = 0
    links: int = 0


#: Rows written or compared at a time.
WRITE_SLICE_ROWS = 100_000

_LINK_COLUMNS = ["dataset_id", "record_id", "source_record_id", "person_id", "family_id"]


def read_links() -> pl.DataFrame:
    """Every record link: its id, the record's key and version, its person and family."""
    rows = list(RecordLink.objects.values_list("id", *_LINK_COLUMNS).iterator(chunk_size=50_000))
    schema = {"id": pl.Int64, **dict.fromkeys(_LINK_COLUMNS, pl.Int64), "record_id": pl.String}
    return pl.DataFrame(rows, schema={n: schema[n] for n in ["id", *_LINK_COLUMNS]}, orient="row")


def _new_ids(model: type[models.Model], count: int) -> pl.Series:
    """Ids for rows written in bulk; the sequence is moved past them afterwards."""
    start = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
    return pl.int_range(start, start + count, eager=True, dtype=pl.Int64)


def _reset_sequences(*models_: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _column_frame(model: type[models.Model], frame: pl.DataFrame, now) -> pl.DataFrame:
    """Every concrete column of ``model``, from ``frame`` where present, else its default;
    nulls become the default where the column may not be null."""
    columns = []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in frame.columns:
            value = pl.col(name)
        elif isinstance(field, models.DateTimeField):
            value = pl.lit(now)
        else:
            default = field.get_default()
            value = pl.lit(default if not isinstance(default, dict) else "{}")
        if not field.null and name in frame.columns:
            default = field.get_default()
            if default is not None and not isinstance(default, dict):
                value = value.fill_null(pl.lit(default))
        columns.append(value.alias(name))
    return frame.select(columns)


def _origins(fields: tuple[str, ...]) -> pl.Expr:
    origin = pl.struct([pl.col(f"origin_{f}").alias(f) for f in fields])
    return origin.struct.json_encode().alias("origins")


def write_golden_records(
    run: LinkageRun, records: pl.DataFrame, clusters: pl.DataFrame, *, actor
) -> GoldenSummary:
    """Golden persons and families from a run's clusters. Call inside a transaction.
    ``records`` come from golden.survivorship_inputs(features.read_current_records(
    golden.VALUE_FIELDS))."""
    summary = GoldenSummary()
    now = timezone.now()
    previous = read_links()
    clusters = attach_field_records(records, clusters, previous)
    persons = golden_persons(records, clusters)
    homes = households(records, clusters, duckdb_api())
    alone = clusters.select("cluster_id").unique().join(homes, on="cluster_id", how="anti")
    homes = pl.concat([homes, alone.with_columns(household_id=pl.format("solo:{}", "cluster_id"))])
    families = golden_families(records, clusters, homes).filter(pl.col("village_id").is_not_null())

    keys = records.select("unique_id", "dataset_id", "record_id").join(clusters, on="unique_id")
    keys = keys.join(homes, on="cluster_id")
    person_ids = keep_ids(
        keys, "cluster_id", previous.select("dataset_id", "record_id", "person_id"), "person_id"
    )
    family_ids = keep_ids(
        keys, "household_id", previous.select("dataset_id", "record_id", "family_id"), "family_id"
    )

    families = families.join(family_ids, on="household_id", how="left")
    families, summary.families_created, summary.families_updated = _write(
        Family, families, FAMILY_FIELDS, "family_id", now
    )
    persons = (
        persons.join(person_ids, on="cluster_id", how="left")
        .join(homes, on="cluster_id")
        .join(families.select("household_id", pl.col("id").alias("family_id")), on="household_id")
    )
    person_fields = (*PERSON_COLUMNS, "family_id")
    persons = persons.with_columns(origin_family_id=pl.lit(None, pl.Int64))
    persons, summary.persons_created, summary.persons_updated = _write(
        Person, persons, person_fields, "person_id", now
    )
    summary.persons_merged = _retire_merged(
        previous,
        keys.join(persons.select("cluster_id", pl.col("id").alias("now_id")), on="cluster_id"),
    )
    summary.persons_unsourced = _retire_unsourced(previous, persons["id"])
    _reset_sequences(Family, Person)

    links = keys.join(
        persons.select("cluster_id", pl.col("id").alias("person_id"), "family_id"), on="cluster_id"
    ).select(*_LINK_COLUMNS[:2], pl.col("unique_id").alias("source_record_id"), *_LINK_COLUMNS[3:])
    _write_links(run, links, previous)
    summary.links = links.height
    record_bulk_change(
        Person, actor=actor, summary=summary.__dict__, origin=f"pencocokan #{run.pk}"
    )
    return summary


def attach_field_records(
    records: pl.DataFrame, clusters: pl.DataFrame, previous: pl.DataFrame
) -> pl.DataFrame:
    """Field-visit records are not matched: each belongs to the person it was written for.
    It joins the cluster that now holds most of that person's other records, or, for a
    member only a visit knows, a cluster of the person's visit records alone."""
    field = records.filter(pl.col("source_kind") == SourceKind.FIELD)
    if field.height == 0:
        return clusters
    keys = ["dataset_id", "record_id"]
    owners = previous.select(*keys, "person_id")
    placed = (
        records.select("unique_id", *keys)
        .join(owners, on=keys)
        .join(clusters, on="unique_id")
        .group_by("person_id", "cluster_id")
        .len()
        .sort(["len", "cluster_id"], descending=[True, False])
        .unique("person_id", keep="first", maintain_order=True)
        .select("person_id", "cluster_id")
    )
    attached = (
        field.select("unique_id", *keys)
        .join(owners, on=keys, how="left")
        .join(placed, on="person_id", how="left")
        .with_columns(
            pl.coalesce(
                "cluster_id",
                pl.col("unique_id").min().over(pl.coalesce("person_id", -pl.col("unique_id"))),
            ).cast(clusters.schema["cluster_id"])
        )
        .select("unique_id", "cluster_id")
    )
    return pl.concat([clusters, attached])


def _write_links(run: LinkageRun, links: pl.DataFrame, previous: pl.DataFrame) -> None:
    """Only the links that changed are rewritten: a run that adds a few records, or finds
    the same people again, leaves the others as they were."""
    kept = previous.join(links, on=_LINK_COLUMNS, how="semi")
    stale = previous.join(kept.select("id"), on="id", how="anti")["id"].to_list()
    for chunk in id_chunks(stale):
        RecordLink.objects.filter(pk__in=chunk).delete()
    changed = links.join(kept, on=_LINK_COLUMNS, how="anti")
    bulk_insert(
        RecordLink._meta.db_table,
        [*_LINK_COLUMNS, "run_id"],
        changed.with_columns(run_id=pl.lit(run.pk, pl.Int64)),
    )


def _write(model, frame: pl.DataFrame, fields: tuple[str, ...], kept: str, now):
    """Create the rows without a kept id; update the kept ones whose values changed.
    Returns the frame with its final ``id``, and the counts created and updated."""
    names = list(fields)
    frame = frame.with_columns(_defaults_for_nulls(model, names))
    new = frame.filter(pl.col(kept).is_null())
    new = new.with_columns(id=_new_ids(model, new.height) if new.height else pl.lit(None, pl.Int64))
    # In slices: a million rows' origins as JSON and their COPY text at once cost gigabytes.
    for rows in new.iter_slices(WRITE_SLICE_ROWS):
        bulk_insert(
            model._meta.db_table,
            [f.attname for f in model._meta.concrete_fields],
            _column_frame(model, rows.select(["id", *names, _origins(fields)]), now),
        )
    old = frame.filter(pl.col(kept).is_not_null()).with_columns(pl.col(kept).alias("id"))
    updated = _update_changed(model, old, names)
    return pl.concat([new, old], how="diagonal_relaxed"), new.height, updated


def _defaults_for_nulls(model, names: list[str]) -> list[pl.Expr]:
    """A missing value in a column that may not be null is its default (lifecycle "aktif"),
    so that it compares equal to what the database holds."""
    fills = []
    for field in model._meta.concrete_fields:
        if field.attname in names and not field.null:
            default = field.get_default()
            if default is not None and not isinstance(default, dict):
                fills.append(pl.col(field.attname).fill_null(pl.lit(default)))
    return fills


def _update_changed(model, frame: pl.DataFrame, names: list[str]) -> int:
    if frame.height == 0:
        return 0
    changed_ids = [pl.Series("id", [], dtype=pl.Int64)]
    # Slice by slice: the database's values of a million rows as Python dicts at once cost
    # more than the rest of the run.
    for rows in frame.select(["id", *names]).iter_slices(WRITE_SLICE_ROWS):
        current = pl.DataFrame(
            [
                row
                for chunk in id_chunks(rows["id"].to_list())
                for row in model.objects.filter(pk__in=chunk).values("id", *names)
            ],
            infer_schema_length=None,
        )
        compared = rows.join(current, on="id", suffix="_db")
        for name in names:
            left, right = pl.col(name), pl.col(f"{name}_db")
            if compared.schema[name] == pl.String or compared.schema.get(f"{name}_db") == pl.String:
                left, right = (
                    left.cast(pl.String).fill_null(""),
                    right.cast(pl.String).fill_null(""),
                )
            changed_ids.append(compared.filter(left.ne_missing(right))["id"])
    ids = pl.concat(changed_ids).unique()
    if ids.len() == 0:
        return 0
    objects = []
    for row in frame.filter(pl.col("id").is_in(ids.implode())).iter_rows(named=True):
        values = {n: (row[n] if row[n] is not None else _blank(model, n)) for n in names}
        origins = {n: row[f"origin_{n}"] for n in names}
        objects.append(model(pk=row["id"], origins=origins, **values))
    model.objects.bulk_update(objects, [*names, "origins"], batch_size=1000)
    for chunk in id_chunks(ids.to_list()):
        model.objects.filter(pk__in=chunk).update(version=models.F("version") + 1)
    return len(objects)


def _blank(model, attname: str):
    """What an empty value is stored as in a column (``attname``: "village_id", not "village")."""
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    return None if field.null else field.get_default()


def _retire_merged(previous: pl.DataFrame, now: pl.DataFrame) -> int:
    """Persons whose records now belong to someone else are merged into that person."""
    if previous.height == 0:
        return 0
    kept = set(now["now_id"].to_list())
    moved = (
        previous.join(
            now.select("dataset_id", "record_id", "now_id"), on=["dataset_id", "record_id"]
        )
        .filter(~pl.col("person_id").is_in(list(kept)))
        .group_by("person_id", "now_id")
        .len()
        .sort("len", descending=True)
        .unique("person_id", keep="first")
    )
    for person_id, now_id, _ in moved.iter_rows():
        Person.objects.filter(pk=person_id).update(
            lifecycle=Lifecycle.MERGED, merged_into_id=now_id, version=models.F("version") + 1
        )
    return moved.height


def _retire_unsourced(previous: pl.DataFrame, kept: pl.Series) -> int:
    """Persons none of whose records is current any more (their batches were withdrawn)
    leave the active registry; they stay, with their history, for whatever points to them."""
    if previous.height == 0:
        return 0
    gone = set(previous["person_id"].to_list()) - set(kept.to_list())
    return Person.objects.filter(pk__in=gone, lifecycle=Lifecycle.ACTIVE).update(
        lifecycle=Lifecycle.UNSOURCED, version=models.F("version") + 1
    )


def resurvive_families(family_ids: list[int], *, actor, origin: str) -> int:
    """Survivorship again for these families and their members, from the records linked to
    them, after records were added outside a run (an approved field visit). Everyone stays
    in their family; each changed person and family gets a change-log row naming ``origin``.
    Call inside a transaction. Returns the number of persons and families changed."""
    members = list(Person.objects.filter(family_id__in=family_ids).values_list("pk", "family_id"))
    homes = pl.DataFrame(members, schema=["cluster_id", "household_id"], orient="row")
    links = list(
        RecordLink.objects.filter(person_id__in=homes["cluster_id"].to_list()).values_list(
            "source_record_id", "person_id"
        )
    )
    clusters = pl.DataFrame(links, schema=["unique_id", "cluster_id"], orient="row")
    records = read_current_records(VALUE_FIELDS, record_ids=clusters["unique_id"].to_list())
    if records.height == 0:
        return 0
    records = survivorship_inputs(records)
    persons = golden_persons(records, clusters).rename({"cluster_id": "id"})
    families = golden_families(records, clusters, homes).rename({"household_id": "id"})
    return _apply_logged(Family, families, FAMILY_FIELDS, actor, origin) + _apply_logged(
        Person, persons, PERSON_COLUMNS, actor, origin
    )


def _apply_logged(model, frame: pl.DataFrame, fields: tuple[str, ...], actor, origin) -> int:
    """Write each row's surviving values where they differ, one change-log row each."""
    objects = model.objects.select_for_update().in_bulk(frame["id"].to_list())
    changed = 0
    for row in frame.iter_rows(named=True):
        instance = objects[row["id"]]
        before, after = {}, {}
        # No record has a word on a field: what the registry holds stands (a record
        # added outside a run only adds what it says).
        said = [name for name in fields if row[name] is not None]
        for name in said:
            if getattr(instance, name) != row[name]:
                before[name], after[name] = getattr(instance, name), row[name]
                setattr(instance, name, row[name])
        origins = {**instance.origins, **{n: row[f"origin_{n}"] for n in said}}
        if not after and origins == instance.origins:
            continue
        instance.origins = origins
        instance.version += 1
        instance.save()
        if after:
            record_change(
                instance,
                actor=actor,
                action=ChangeAction.UPDATE,
                before=jsonable(before),
                after=jsonable(after),
                origin=origin,
            )
            changed += 1
    return changed


@transaction.atomic
def link_field_records(links: list[tuple], *, actor, origin: str) -> None:
    """Tie each record a field visit wrote, (record, person, family), straight to the person
    it was written for: field records are never matched, a later run keeps these links."""
    RecordLink.objects.bulk_create(
        [
            RecordLink(
                dataset_id=record.dataset_id,
                record_id=record.record_id,
                source_record=record,
                person=person,
                family=family,
            )
            for record, person, family in links
        ]
    )
    record_bulk_change(RecordLink, actor=actor, summary={"tautan": len(links)}, origin=origin)
