"""Matching runs: link the current source records, build the golden records, queue the
doubtful pairs."""

import logging
from dataclasses import replace

import polars as pl
from django.db import transaction
from django.utils import timezone

from padu.core.bulk import refresh_statistics
from padu.core.choices import ChangeAction, RunStatus
from padu.core.faults import system_failure_message
from padu.core.history import record_change
from padu.core.progress import ProgressCallback, no_progress, write_progress
from padu.registry.models import Family, Person
from padu.registry.search import forget_name_vocabulary
from padu.sources.choices import SourceKind

from ..choices import PairKind, PairStatus, RunMode
from ..engine import (
    MATCH_THRESHOLD,
    MODEL_VERSION,
    REVIEW_THRESHOLD,
    VERSION,
    Linkage,
    contributions,
    link,
    link_new,
)
from ..features import features, read_current_records
from ..golden import VALUE_FIELDS, survivorship_inputs
from ..models import LinkageRun, MatchDecision, MatchPair
from .golden_records import read_links, write_golden_records

logger = logging.getLogger(__name__)


#: In automatic mode, a run with more new records than this share of all re-trains.
RETRAIN_SHARE = 0.5


def run_matching(
    *,
    actor,
    mode: RunMode = RunMode.AUTO,
    match_threshold: float = MATCH_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    u_pairs: float = 5e6,
    db_api=None,
    progress: ProgressCallback = no_progress,
) -> tuple[LinkageRun, Linkage | None]:
    """Link the current source records, build the golden records, queue doubtful pairs.
    Linkage runs on DuckDB unless another Splink backend is given (``db_api``: see
    padu.matching.spark)."""
    run = LinkageRun.objects.create(
        started_by=actor if actor and actor.pk else None,
        mode=mode,
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        status=RunStatus.RUNNING,
    )
    return execute_run(run, u_pairs=u_pairs, db_api=db_api, progress=progress)


def queue_matching(*, actor, mode: RunMode = RunMode.AUTO) -> LinkageRun:
    """A run for the background worker (from the web page); one at a time."""
    from ..tasks import run_linkage  # the task module imports this one

    with transaction.atomic():
        active = LinkageRun.objects.active().first()
        if active:
            return active
        run = LinkageRun.objects.create(
            started_by=actor,
            mode=mode,
            match_threshold=MATCH_THRESHOLD,
            review_threshold=REVIEW_THRESHOLD,
            status=RunStatus.QUEUED,
        )
        record_change(run, actor=actor, action=ChangeAction.CREATE, after={"mode": mode})
        run_linkage.enqueue(run.pk)
    return run


def execute_run(
    run: LinkageRun,
    *,
    u_pairs: float = 5e6,
    db_api=None,
    progress: ProgressCallback = no_progress,
) -> tuple[LinkageRun, Linkage | None]:
    LinkageRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)

    def report(done: int, total: int, label: str) -> None:
        write_progress(run, done, total, label)
        progress(done, total, label)

    try:
        current = read_current_records(VALUE_FIELDS)
        linkage, decisions = _link(run, current, u_pairs=u_pairs, db_api=db_api, progress=report)
        if linkage is None:
            return _finish(run, RunStatus.FAILED, "Belum ada rekaman sumber: impor dulu."), None
        LinkageRun.objects.filter(pk=run.pk).update(mode=run.mode)
        report(4, 5, "Membangun data orang dan keluarga")
        # From here on only what the golden records need is kept: of a million people's
        # scored pairs, the doubtful ones; of their records, the typed values.
        linkage = replace(
            linkage, pairs=linkage.pairs.filter(pl.col("in_review") | pl.col("near_miss_nik"))
        )
        current = survivorship_inputs(current)
        _store(run, current, linkage, decisions)
    except Exception as error:  # keep the message for the user, the traceback for the log
        logger.exception("linkage run %s failed", run.pk)
        return _finish(run, RunStatus.FAILED, system_failure_message("Pencocokan", error)), None
    run.refresh_from_db()
    return run, linkage


def _link(
    run: LinkageRun, current: pl.DataFrame, *, u_pairs: float, db_api, progress
) -> tuple[Linkage | None, pl.DataFrame]:
    """Link the current records in the run's mode (which it settles on run.mode); the
    frames only linking needs are freed when it returns."""
    # Field visits speak of a known person; they are not matched (records.attach_field_records).
    linkable = current.filter(pl.col("source_kind") != SourceKind.FIELD)
    if linkable.height < 2:
        return None, pl.DataFrame()
    records = features(linkable)
    del linkable
    decisions = decisions_for(records)
    known = known_records(records)
    dialect = db_api.sql_dialect.sql_dialect_str if db_api else "duckdb"
    trained = _trained_model(run.mode, records, known, dialect)
    thresholds = {"match_threshold": run.match_threshold, "review_threshold": run.review_threshold}
    if trained:
        run.mode = RunMode.NEW
        # A person that holds two records people since said differ is matched anew.
        settled = known.join(contested_groups(known, decisions), on="group", how="anti")
        # New: never matched, changed by a re-export since it was, or contested.
        unchanged = settled.filter(~pl.col("updated"))["unique_id"].implode()
        linkage = link_new(
            records.with_columns(is_new=~pl.col("unique_id").is_in(unchanged)),
            trained=trained,
            known=settled.select("unique_id", "group"),
            decisions=decisions,
            db_api=db_api,
            progress=progress,
            **thresholds,
        )
    else:
        run.mode = RunMode.FULL
        linkage = link(
            [records],
            decisions=decisions,
            u_pairs=u_pairs,
            db_api=db_api,
            progress=progress,
            **thresholds,
        )
    return linkage, decisions


def known_records(records: pl.DataFrame) -> pl.DataFrame:
    """The records matched before (unique_id) with the person they belong to (group), and
    whether they were updated by a re-export since (updated)."""
    links = read_links().select(
        "dataset_id", "record_id", linked_id="source_record_id", group="person_id"
    )
    return (
        records.select("unique_id", "dataset_id", "record_id")
        .join(links, on=["dataset_id", "record_id"])
        .select("unique_id", "group", updated=pl.col("unique_id") != pl.col("linked_id"))
    )


def contested_groups(known: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    """The persons (group) that hold both records of a pair people said differ."""
    group_of = known.select("unique_id", "group")
    return (
        decisions.filter(~pl.col("same"))
        .join(group_of.rename({"unique_id": "unique_id_l"}), on="unique_id_l")
        .join(group_of.rename({"unique_id": "unique_id_r"}), on="unique_id_r", suffix="_r")
        .filter(pl.col("group") == pl.col("group_r"))
        .select("group")
        .unique()
    )


def _trained_model(
    mode: str, records: pl.DataFrame, known: pl.DataFrame, dialect: str
) -> dict | None:
    """The model to match the new records with, or None when this run trains its own: when
    asked to, (automatic mode) when nothing was matched before or most records are new, or
    when the last model was written for another engine's SQL. Asked for new records only, a
    run uses the last model even when nothing is known yet (a model trained on another
    region's records)."""
    if mode == RunMode.FULL:
        return None
    if mode == RunMode.AUTO and known.height < max(1, records.height * (1 - RETRAIN_SHARE)):
        return None
    return last_trained_model(dialect)


def last_trained_model(dialect: str = "duckdb") -> dict | None:
    """The model the last completed run estimated, if it was written for this SQL dialect
    and for the comparisons of this version of Padu (after an upgrade the next run trains
    anew)."""
    last = (
        LinkageRun.objects.filter(status=RunStatus.COMPLETED)
        .exclude(model={})
        .order_by("-finished_at")
        .values_list("model", flat=True)
        .first()
    )
    if not last or last.get("sql_dialect") != dialect:
        return None
    if last.get(VERSION) != MODEL_VERSION:
        return None
    return last


def decisions_for(records: pl.DataFrame) -> pl.DataFrame:
    """People's verdicts, by the current records' ids (unique_id)."""
    rows = list(
        MatchDecision.objects.values_list(
            "left_dataset_id", "left_record_id", "right_dataset_id", "right_record_id", "same"
        )
    )
    keys = records.select("unique_id", "dataset_id", "record_id")
    decided = pl.DataFrame(
        rows,
        schema={
            "left_dataset": pl.Int64,
            "left_record": pl.String,
            "right_dataset": pl.Int64,
            "right_record": pl.String,
            "same": pl.Boolean,
        },
        orient="row",
    )
    left = keys.rename(
        {"unique_id": "unique_id_l", "dataset_id": "left_dataset", "record_id": "left_record"}
    )
    right = keys.rename(
        {"unique_id": "unique_id_r", "dataset_id": "right_dataset", "record_id": "right_record"}
    )
    return (
        decided.join(left, on=["left_dataset", "left_record"])
        .join(right, on=["right_dataset", "right_record"])
        .select("unique_id_l", "unique_id_r", "same")
    )


@transaction.atomic
def _store(run: LinkageRun, current: pl.DataFrame, linkage: Linkage, decided: pl.DataFrame) -> None:
    """``linkage.pairs`` are the doubtful pairs and the merges made on a near-miss NIK
    alone (execute_run keeps no others)."""
    review = linkage.pairs
    if decided.height:
        keyed = decided.select(
            pl.min_horizontal("unique_id_l", "unique_id_r").alias("a"),
            pl.max_horizontal("unique_id_l", "unique_id_r").alias("b"),
        )
        review = review.with_columns(
            a=pl.min_horizontal("unique_id_l", "unique_id_r"),
            b=pl.max_horizontal("unique_id_l", "unique_id_r"),
        ).join(keyed, on=["a", "b"], how="anti")
    reasons = contributions(review, linkage.model)
    MatchPair.objects.bulk_create(
        [
            MatchPair(
                run=run,
                left_id=row["unique_id_l"],
                right_id=row["unique_id_r"],
                match_weight=row["match_weight"],
                match_probability=row["match_probability"],
                contributions=reasons[i],
                kind=PairKind.DOUBTFUL if row["in_review"] else PairKind.NEAR_MISS_NIK,
            )
            for i, row in enumerate(
                review.select(
                    "unique_id_l", "unique_id_r", "match_weight", "match_probability", "in_review"
                ).iter_rows(named=True)
            )
        ],
        batch_size=2000,
    )
    if run.mode == RunMode.FULL:
        # Pairs queued by earlier runs and still undecided are replaced by this run's; a
        # run of new records only scored pairs with a new record, so the others stay.
        MatchPair.objects.filter(status=PairStatus.PENDING).exclude(run=run).delete()
    write_golden_records(run, current, linkage.clusters, actor=run.started_by)
    forget_name_vocabulary()  # names may have come or gone
    refresh_statistics(Family._meta.db_table, Person._meta.db_table)
    LinkageRun.objects.filter(pk=run.pk).update(
        status=RunStatus.COMPLETED,
        finished_at=timezone.now(),
        model=linkage.model,
        records=current.height,
        comparisons=linkage.comparisons,
        clusters=linkage.clusters["cluster_id"].n_unique(),
        pairs_queued=review.filter(pl.col("in_review")).height,
    )


def _finish(run: LinkageRun, status: RunStatus, message: str) -> LinkageRun:
    LinkageRun.objects.filter(pk=run.pk).update(
        status=status, message=message[:2000], finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run
