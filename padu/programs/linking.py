"""Linking a beneficiary list to the golden persons with the matching model (not by exact
NIK): a mistyped NIK, a name spelt another way, a date written day-first still find their
person. A row the model is sure of is linked; a row with likely persons keeps them as
candidates for an officer to decide; a row with none is kept, unlinked."""

from dataclasses import dataclass

import polars as pl

from padu.core.progress import no_progress
from padu.matching.engine import MATCH_THRESHOLD, REVIEW_THRESHOLD, score_new_against_known
from padu.matching.features import features
from padu.matching.services import last_trained_model
from padu.registry.choices import Lifecycle
from padu.welfare.household import read_frame

from .choices import LinkStatus

#: Pairs below this probability are not worth showing as candidates.
CANDIDATE_THRESHOLD = 0.1
#: Candidates kept per row.
CANDIDATES_SHOWN = 3
#: Row ids are offset so that they never meet a golden person's id in one table.
_ROW_OFFSET = 10**15

#: What a list row carries for linking (as a source record does).
ROW_COLUMNS = {
    "row_id": pl.Int64,
    "nik": pl.String,
    "kk_number": pl.String,
    "name_key": pl.String,
    "sex": pl.String,
    "birth_date": pl.Date,
    "village_id": pl.String,
    "rt": pl.String,
    "rw": pl.String,
    "mother_name": pl.String,
}


class LinkingUnavailable(Exception):
    """There is no trained matching model yet."""


@dataclass
class Links:
    rows: pl.DataFrame  # row_id, person_id, family_id, link_status, link_probability, candidates
    comparisons: int


def read_golden_persons() -> pl.DataFrame:
    """Golden persons (deceased and moved ones too: a list may still name them) shaped as
    the model's records: the person's own fields and their family's KK and address."""
    persons = read_frame(
        "SELECT p.id AS unique_id, p.family_id, p.nik, p.name_key, p.sex, p.birth_date, "
        "p.mother_name, f.kk_number, f.village_id, f.rt, f.rw "
        "FROM registry_person p JOIN registry_family f ON f.id = p.family_id "
        f"WHERE p.lifecycle NOT IN ('{Lifecycle.MERGED}', '{Lifecycle.UNSOURCED}')"
    )
    if persons.height and persons.schema["birth_date"] == pl.String:
        persons = persons.with_columns(pl.col("birth_date").str.to_date(strict=False))
    return persons


def _as_records(frame: pl.DataFrame, *, is_new: bool) -> pl.DataFrame:
    return features(
        frame.with_columns(
            source_dataset=pl.lit("daftar" if is_new else "registri"),
            dataset_id=pl.lit(0, pl.Int64),
            record_id=pl.col("unique_id").cast(pl.String),
        )
    ).with_columns(is_new=pl.lit(is_new))


def link_rows(
    rows: pl.DataFrame, *, persons: pl.DataFrame | None = None, progress=no_progress
) -> Links:
    """Each row (ROW_COLUMNS) linked to a golden person, or given candidates, or none.

    ``persons`` (read_golden_persons) may be passed in when several lists are linked."""
    trained = last_trained_model()
    if trained is None:
        raise LinkingUnavailable(
            "Belum ada model pencocokan: impor sumber data dan jalankan pencocokan dulu "
            "(padu match), lalu tautkan daftar ini lagi."
        )
    progress(0, 3, "Membaca data terpadu")
    persons = read_golden_persons() if persons is None else persons
    if rows.height == 0 or persons.height == 0:
        return Links(_unlinked(rows), 0)
    listed = rows.select(
        unique_id=pl.col("row_id") + _ROW_OFFSET,
        **{c: pl.col(c).cast(t) for c, t in ROW_COLUMNS.items() if c != "row_id"},
    )
    records = pl.concat(
        [
            _as_records(persons.drop("family_id"), is_new=False),
            _as_records(listed, is_new=True),
        ],
        how="vertical_relaxed",
    )
    progress(1, 3, "Mencocokkan dengan model")
    pairs = score_new_against_known(records, trained=trained, threshold=CANDIDATE_THRESHOLD)
    progress(2, 3, "Menetapkan tautan")
    oriented = pairs.select(
        row_id=pl.max_horizontal("unique_id_l", "unique_id_r") - _ROW_OFFSET,
        person_id=pl.min_horizontal("unique_id_l", "unique_id_r"),
        probability=pl.col("match_probability"),
    )
    return Links(decide(rows.select("row_id"), oriented, persons), pairs.height)


def decide(rows: pl.DataFrame, pairs: pl.DataFrame, persons: pl.DataFrame) -> pl.DataFrame:
    """From scored pairs (row_id, person_id, probability) to each row's link: the best
    person when the model is sure of them and of no one else; else candidates."""
    ranked = (
        pairs.join(persons.select(person_id="unique_id", family_id="family_id"), on="person_id")
        .sort(["row_id", "probability", "person_id"], descending=[False, True, False])
        .group_by("row_id", maintain_order=True)
        .agg(
            best=pl.col("person_id").first(),
            best_family=pl.col("family_id").first(),
            probability=pl.col("probability").first(),
            sure=(pl.col("probability") >= MATCH_THRESHOLD).sum(),
            candidates=pl.struct(
                person=pl.col("person_id"), probability=pl.col("probability").round(4)
            ).head(CANDIDATES_SHOWN),
        )
    )
    sure = (pl.col("probability") >= MATCH_THRESHOLD) & (pl.col("sure") == 1)
    status = (
        pl.when(sure)
        .then(pl.lit(LinkStatus.LINKED.value))
        .when(pl.col("probability").is_not_null())
        .then(pl.lit(LinkStatus.CANDIDATES.value))
        .otherwise(pl.lit(LinkStatus.UNLINKED.value))
    )
    # A row whose best is below the review threshold is not linked, but its candidates
    # are still shown: the officer may know better.
    status = (
        pl.when(pl.col("probability") < REVIEW_THRESHOLD)
        .then(pl.lit(LinkStatus.UNLINKED.value))
        .otherwise(status)
    )
    return rows.join(ranked, on="row_id", how="left").select(
        "row_id",
        person_id=pl.when(sure).then(pl.col("best")),
        family_id=pl.when(sure).then(pl.col("best_family")),
        link_status=status,
        link_probability=pl.col("probability"),
        candidates=pl.when(sure).then(None).otherwise(pl.col("candidates")),
    )


def _unlinked(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        "row_id",
        person_id=pl.lit(None, pl.Int64),
        family_id=pl.lit(None, pl.Int64),
        link_status=pl.lit(LinkStatus.UNLINKED.value),
        link_probability=pl.lit(None, pl.Float64),
        candidates=pl.lit(None),
    )
