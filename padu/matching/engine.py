"""Probabilistic linkage with Splink (DuckDB here; Spark for a province or the nation).

The model compares NIK, name, birth date, sex, household and mother's name. Its parameters
are estimated from the data itself (no labels): u from random pairs, m by expectation
maximisation within blocks, each block leaving its own columns out.
"""

import logging
import math
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import polars as pl
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from django.conf import settings
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.clustering import cluster_pairwise_predictions_at_threshold

from padu.core.progress import ProgressCallback, no_progress

logger = logging.getLogger(__name__)

#: Pairs at or above this probability are one person; between the two, a person decides.
MATCH_THRESHOLD = 0.95
REVIEW_THRESHOLD = 0.5


def nik_comparison(dialect: str = "duckdb") -> cl.CustomComparison:
    # NIKs that passed import are 16 digits, so a typo is a Hamming distance (an adjacent
    # swap is two); DuckDB computes it twenty times faster than edit distance. Spark has no
    # Hamming function and uses Levenshtein.
    if dialect == "duckdb":
        one, two = (cll.CustomLevel(f"hamming(nik_l, nik_r) <= {n}") for n in (1, 2))
    else:
        one, two = cll.LevenshteinLevel("nik", 1), cll.LevenshteinLevel("nik", 2)
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_levels=[
            cll.NullLevel("nik"),
            cll.ExactMatchLevel("nik").configure(label_for_charts="NIK sama"),
            one.configure(label_for_charts="NIK beda satu digit"),
            # Same region and the same embedded birth date and sex: a mistyped serial.
            cll.ExactMatchLevel("nik_prefix").configure(
                label_for_charts="wilayah, tanggal lahir dan jenis kelamin di NIK sama"
            ),
            two.configure(label_for_charts="NIK beda dua digit"),
            cll.ElseLevel().configure(label_for_charts="NIK berbeda"),
        ],
        comparison_description="NIK: sama, beda satu atau dua digit, atau tanggal lahir di NIK sama",
    )


def name_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key").configure(
                tf_adjustment_column="name_key", label_for_charts="nama sama (setelah dibakukan)"
            ),
            cll.ExactMatchLevel("core_key").configure(
                tf_adjustment_column="core_key", label_for_charts="inti nama sama"
            ),
            cll.JaroWinklerLevel("name_key", 0.92).configure(label_for_charts="nama sangat mirip"),
            cll.And(
                cll.ArrayIntersectLevel("core_tokens", 1),
                cll.JaroWinklerLevel("name_key", 0.8),
            ).configure(label_for_charts="nama mirip dan berbagi satu kata"),
            cll.ArrayIntersectLevel("core_tokens", 1).configure(
                label_for_charts="berbagi satu kata nama"
            ),
            cll.ElseLevel().configure(label_for_charts="nama berbeda"),
        ],
        comparison_description="Nama: kunci sama, inti sama, mirip, atau berbagi satu kata inti",
    )


def birth_date_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date").configure(label_for_charts="tanggal lahir sama"),
            cll.CustomLevel(
                "birth_date_swapped_l = birth_date_r", label_for_charts="hari dan bulan tertukar"
            ),
            cll.And(  # year off by one
                cll.ExactMatchLevel("birth_month_day"),
                cll.CustomLevel("abs(birth_year_l - birth_year_r) = 1"),
            ).configure(label_for_charts="tahun beda satu"),
            cll.DamerauLevenshteinLevel("birth_date", 1).configure(
                label_for_charts="beda satu angka"
            ),
            cll.ElseLevel().configure(label_for_charts="tanggal lahir berbeda"),
        ],
        comparison_description="Tanggal lahir: sama, tertukar, tahun beda satu, satu digit",
    )


def household_comparison() -> cl.CustomComparison:
    """The household as one piece of evidence: counting KK and address apart would merge
    the members of one family with each other."""
    return cl.CustomComparison(
        output_column_name="household",
        comparison_levels=[
            cll.And(cll.NullLevel("kk_number"), cll.NullLevel("village_id")),
            cll.ExactMatchLevel("kk_number").configure(label_for_charts="No KK sama"),
            cll.And(cll.ExactMatchLevel("village_id"), cll.ExactMatchLevel("rt_rw")).configure(
                label_for_charts="RT/RW dan desa sama"
            ),
            cll.ExactMatchLevel("village_id").configure(label_for_charts="desa sama"),
            cll.ExactMatchLevel("district").configure(label_for_charts="kecamatan sama"),
            cll.ElseLevel().configure(label_for_charts="tempat tinggal berbeda"),
        ],
        comparison_description="Rumah tangga: KK sama, RT/RW sama, desa sama, kecamatan sama",
    )


def sex_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex").configure(label_for_charts="jenis kelamin sama"),
            cll.ElseLevel().configure(label_for_charts="jenis kelamin berbeda"),
        ],
        comparison_description="Jenis kelamin",
    )


def mother_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="mother_key",
        comparison_levels=[
            cll.NullLevel("mother_key"),
            cll.ExactMatchLevel("mother_key").configure(label_for_charts="nama ibu sama"),
            cll.JaroWinklerLevel("mother_key", 0.9).configure(
                label_for_charts="nama ibu sangat mirip"
            ),
            cll.ElseLevel().configure(label_for_charts="nama ibu berbeda"),
        ],
        comparison_description="Nama ibu kandung",
    )


#: Each comparison as the pages name it.
COMPARISON_LABELS = {
    "nik": "NIK",
    "name": "Nama",
    "birth_date": "Tanggal lahir",
    "sex": "Jenis kelamin",
    "household": "Rumah tangga",
    "mother_key": "Nama ibu kandung",
}


def padu_settings(dialect: str = "duckdb") -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("name_key", "birth_year"),
            block_on("birth_date", "village_id"),
            block_on("kk_number", "first_token"),
            block_on("core_key", "birth_year", "district"),
            block_on("first_token", "birth_date", "district"),
        ],
        comparisons=[
            nik_comparison(dialect),
            name_comparison(),
            birth_date_comparison(),
            sex_comparison(),
            household_comparison(),
            mother_comparison(),
        ],
        additional_columns_to_retain=["source_dataset", "dataset_id", "record_id"],
        # Each comparison's level and weight stay on the scored pairs, to show reviewers
        # why (only those columns are taken out of DuckDB; see _pairs).
        retain_intermediate_calculation_columns=True,
    )


def _duckdb_memory() -> str:
    """How much DuckDB may hold in memory before it spills to disk: PADU_MATCHING_MEMORY
    (e.g. "8GB"), else a quarter of the machine's memory and at least 2.5 GB. Some of
    Splink's steps cannot spill: with 2.5 GB, a city of 2 million people ran out of memory
    ("failed to pin block") on a 24 GB machine."""
    if setting := getattr(settings, "MATCHING_MEMORY", ""):
        return setting
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return f"{max(2.5, total / 4 / 2**30):.1f}GB"


#: DuckDB may hold this much in memory; beyond it, it spills to disk.
DUCKDB_MEMORY = _duckdb_memory()


def duckdb_api() -> DuckDBAPI:
    """Splink's DuckDB with a memory ceiling and a spill directory in Padu's data folder."""
    spill = Path(settings.DATA_DIR) / "tmp" / "duckdb"
    spill.mkdir(parents=True, exist_ok=True)
    return DuckDBAPI(
        duckdb.connect(
            config={
                "memory_limit": DUCKDB_MEMORY,
                "temp_directory": str(spill),
                "preserve_insertion_order": False,
            }
        )
    )


@dataclass
class Model:
    """What to compare and how to train it: Padu's model for Indonesian records, or another
    (the FEBRL benchmark brings its own)."""

    settings: SettingsCreator
    deterministic_rules: list  # rules that find sure matches, to estimate the match rate
    deterministic_recall: float
    em_blocks: list  # each EM session trains the comparisons outside its block


def padu_model(dialect: str = "duckdb") -> Model:
    return Model(
        settings=padu_settings(dialect),
        deterministic_rules=[block_on("nik"), block_on("name_key", "birth_date")],
        deterministic_recall=0.8,
        em_blocks=[
            block_on("nik"),
            block_on("name_key", "birth_date"),
            block_on("kk_number", "first_token"),
        ],
    )


@dataclass
class Linkage:
    pairs: pl.DataFrame  # unique_id_l, unique_id_r, match_weight, match_probability, mw_*
    clusters: pl.DataFrame  # unique_id, cluster_id
    model: dict  # the Splink model: settings with estimated m and u
    comparisons: int


def link(
    tables: list[pl.DataFrame],
    *,
    model: Model | None = None,
    match_threshold: float = MATCH_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    decisions: pl.DataFrame | None = None,
    u_pairs: float = 5e6,
    db_api=None,
    progress: ProgressCallback = no_progress,
) -> Linkage:
    """Train on the records (one table to dedupe, or several to link), score the blocked
    pairs, and cluster them, on DuckDB unless another Splink backend is given (``db_api``,
    with a model for its SQL dialect: see padu.matching.spark).

    ``decisions`` (unique_id_l, unique_id_r, same: bool) are people's verdicts on pairs:
    a "same" pair is joined whatever the model says, a "different" pair is kept apart.
    """
    db_api = db_api or duckdb_api()
    model = model or padu_model(db_api.sql_dialect.sql_dialect_str)
    linker = Linker(_register(db_api, tables), model.settings, log_level=None)
    progress(0, STEPS, "Memperkirakan parameter")
    linker.training.estimate_probability_two_random_records_match(
        model.deterministic_rules, recall=model.deterministic_recall
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1)
    progress(1, STEPS, "Melatih model (EM)")
    with UnobservedLevels() as unobserved:
        for blocking in model.em_blocks:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    blocking, fix_probability_two_random_records_match=True
                )
            except ValueError as error:
                # On small or very clean data a level may be all but unobserved, and Splink
                # refuses the underflowing estimate; the other sessions still train it.
                logger.warning("EM session %s skipped: %s", blocking, error)
    linkage = _score_and_cluster(
        linker,
        db_api,
        nodes=pl.concat([table.select("unique_id") for table in tables]),
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        decisions=decisions,
        progress=progress,
    )
    linkage.model[NOT_ESTIMATED] = unobserved.levels(len(model.em_blocks))
    return linkage


#: The model's record of levels whose m probability no EM session could estimate.
NOT_ESTIMATED = "padu_not_estimated"


class UnobservedLevels(logging.Handler):
    """Collects Splink's "Level L on comparison C not observed in dataset, unable to train
    m value" warnings while EM runs: a level no session observed keeps a weight nobody
    estimated, which the run's page must say."""

    _PATTERN = re.compile(
        r"Level (.+) on comparison (.+) not observed in dataset, unable to train m"
    )

    def __init__(self):
        super().__init__(logging.WARNING)
        self.seen: dict[tuple[str, str], int] = {}

    def emit(self, record):
        found = self._PATTERN.search(record.getMessage())
        if found:
            key = (found.group(2).strip(), found.group(1).strip())
            self.seen[key] = self.seen.get(key, 0) + 1

    def levels(self, sessions: int) -> list[list[str]]:
        """[comparison, level] unobserved in every session."""
        return [list(key) for key, count in sorted(self.seen.items()) if count >= sessions]

    def __enter__(self):
        logging.getLogger("splink").addHandler(self)
        return self

    def __exit__(self, *exc):
        logging.getLogger("splink").removeHandler(self)


def link_new(
    records: pl.DataFrame,
    *,
    trained: dict,
    known: pl.DataFrame,
    match_threshold: float = MATCH_THRESHOLD,
    review_threshold: float = REVIEW_THRESHOLD,
    decisions: pl.DataFrame | None = None,
    db_api=None,
    progress: ProgressCallback = no_progress,
) -> Linkage:
    """Match the new records (``is_new``) against all the others with an already trained
    model (``trained``: a saved Splink model), without training or scoring again the pairs
    of records matched before.

    ``known`` (unique_id, group) holds the records matched before and the person they
    belong to; they stay together, and a new record joins a person by matching any of its
    records.
    """
    db_api = db_api or duckdb_api()
    linker = Linker(_register(db_api, [records]), _only_new_pairs(trained), log_level=None)
    progress(1, STEPS, "Memakai model yang sudah dilatih")
    first = known.group_by("group").agg(pl.col("unique_id").min().alias("unique_id_r"))
    together = (
        known.join(first, on="group")
        .filter(pl.col("unique_id") != pl.col("unique_id_r"))
        .select(pl.col("unique_id").alias("unique_id_l"), "unique_id_r")
    )
    linkage = _score_and_cluster(
        linker,
        db_api,
        nodes=records.select("unique_id"),
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        decisions=decisions,
        together=together,
        progress=progress,
    )
    return replace(linkage, model=trained)


#: Steps shown while linking; the caller shows the last (writing golden records).
STEPS = 5


def score_new_against_known(
    records: pl.DataFrame, *, trained: dict, threshold: float, db_api=None
) -> pl.DataFrame:
    """Score each new record (``is_new``) against the known ones with an already trained
    model, never two new records nor two known ones: the pairs (unique_id_l, unique_id_r,
    match_probability) at or above ``threshold``. For lists linked to the registry rather
    than merged into it (a program's beneficiaries)."""
    db_api = db_api or duckdb_api()
    rules = [
        {**rule, "blocking_rule": f"({rule['blocking_rule']}) AND (l.is_new <> r.is_new)"}
        for rule in trained["blocking_rules_to_generate_predictions"]
    ]
    splink_settings = {k: v for k, v in trained.items() if k != NOT_ESTIMATED}
    splink_settings["blocking_rules_to_generate_predictions"] = rules
    linker = Linker(_register(db_api, [records]), splink_settings, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    return splink_frame(
        predictions, lambda c: c in {"unique_id_l", "unique_id_r", "match_probability"}
    )


def _register(db_api, tables: list[pl.DataFrame]) -> list:
    return [
        db_api.register(table.to_arrow(), dataset_display_name=f"records_{i}")
        for i, table in enumerate(tables)
    ]


def _only_new_pairs(trained: dict) -> dict:
    """A trained model whose blocking rules keep only pairs with a new record in them."""
    rules = [
        {**rule, "blocking_rule": f"({rule['blocking_rule']}) AND (l.is_new OR r.is_new)"}
        for rule in trained["blocking_rules_to_generate_predictions"]
    ]
    splink_settings = {k: v for k, v in trained.items() if k != NOT_ESTIMATED}
    return {**splink_settings, "blocking_rules_to_generate_predictions": rules}


def _score_and_cluster(
    linker: Linker,
    db_api,
    *,
    nodes: pl.DataFrame,
    match_threshold: float,
    review_threshold: float,
    decisions: pl.DataFrame | None,
    together: pl.DataFrame | None = None,
    progress: ProgressCallback,
) -> Linkage:
    """Score the blocked pairs and cluster them, with people's verdicts applied (a pair
    said to differ ends in two clusters, however many records chain it) and the
    ``together`` pairs (unique_id_l, unique_id_r) joined whatever the model says."""
    progress(2, STEPS, "Membandingkan pasangan")
    predictions = linker.inference.predict(threshold_match_probability=review_threshold)
    pairs = _pairs(predictions)
    counted = linker.blocking_analysis.count_comparisons_from_blocking_rules(
        record_sample_proportion=1.0
    )
    comparisons = counted[-1]["cumulative_comparison_count"] if counted else 0
    progress(3, STEPS, "Mengelompokkan")
    edges = pairs.select("unique_id_l", "unique_id_r", "match_probability")
    if decisions is not None and decisions.height:
        edges = _apply_decisions(edges, decisions)
    if together is not None and together.height:
        edges = pl.concat([edges, together.with_columns(match_probability=pl.lit(1.0))])
    clusters = cluster_pairwise_predictions_at_threshold(
        nodes.to_arrow(),
        edges.to_arrow(),
        db_api,
        node_id_column_name="unique_id",
        threshold_match_probability=match_threshold,
    )
    clusters = splink_frame(clusters).select("unique_id", "cluster_id")
    if decisions is not None and decisions.height:
        clusters = keep_apart(
            clusters, edges, decisions.filter(~pl.col("same")), threshold=match_threshold
        )
    progress(4, STEPS, "Selesai")
    return Linkage(
        pairs=pairs.with_columns(in_review=pl.col("match_probability") < match_threshold),
        clusters=clusters,
        model=linker.misc.save_model_to_json(),
        comparisons=comparisons,
    )


def contributions(pairs: pl.DataFrame, model: dict) -> list[list[dict]]:
    """For each pair, every comparison's level and its match weight (term-frequency
    adjustment included): the reasons behind the pair's total weight."""
    out: list[list[dict]] = [[] for _ in range(pairs.height)]
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        # Splink numbers the levels from the most alike (highest gamma) down to 0.
        labels = {len(levels) - 1 - i: lv["label_for_charts"] for i, lv in enumerate(levels)}
        labels[-1] = "tidak ada data"
        gammas = pairs[f"gamma_{name}"].to_list()
        weights = pairs[f"mw_{name}"]
        tf = f"mw_tf_adj_{name}"
        if tf in pairs.columns:
            weights = weights + pairs[tf].fill_null(0.0)
        for i, (gamma, weight) in enumerate(zip(gammas, weights.to_list(), strict=True)):
            out[i].append(
                {
                    "comparison": COMPARISON_LABELS.get(name, name),
                    "level": labels.get(gamma, str(gamma)),
                    "weight": round(weight or 0.0, 2),
                }
            )
    return out


def model_parameters(model: dict) -> list[dict]:
    """A trained model for people to read: each comparison's levels with how often they
    occur among true matches (m) and among non-matches (u), and the weight they add."""
    out = []
    not_estimated = {tuple(pair) for pair in model.get(NOT_ESTIMATED, [])}
    for comparison in model.get("comparisons", []):
        levels = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            weight = math.log2(m / u) if m and u else None
            estimated = (
                m is not None
                and (comparison["output_column_name"], level["label_for_charts"])
                not in not_estimated
            )
            levels.append(
                {
                    "label": level["label_for_charts"],
                    "m": m,
                    "u": u,
                    "weight": weight,
                    "estimated": estimated,
                }
            )
        name = comparison["output_column_name"]
        out.append(
            {
                "name": COMPARISON_LABELS.get(name, name),
                "levels": levels,
            }
        )
    return out


def _pairs(predictions) -> pl.DataFrame:
    """The scored pairs with their levels and weights, without the compared values (the
    review page reads the records themselves): a fraction of the memory."""
    return splink_frame(
        predictions,
        lambda c: (
            c in {"unique_id_l", "unique_id_r", "match_weight", "match_probability"}
            or c.startswith(("gamma_", "mw_"))
        ),
    )


def splink_frame(table, keep=None) -> pl.DataFrame:
    """A Splink result as a Polars frame, through Arrow; only the columns ``keep`` accepts
    when it is given."""
    if table.db_api.sql_dialect.sql_dialect_str == "spark":
        frame = table.as_spark_dataframe()
        if keep is not None:
            frame = frame.select(*[c for c in frame.columns if keep(c)])
        return pl.from_arrow(frame.toArrow())
    relation = table.as_duckdbpyrelation()
    if keep is not None:
        relation = relation.select(*[c for c in relation.columns if keep(c)])
    return relation.pl()


def _apply_decisions(edges: pl.DataFrame, decisions: pl.DataFrame) -> pl.DataFrame:
    decided = decisions.select(
        pl.min_horizontal("unique_id_l", "unique_id_r").alias("unique_id_l"),
        pl.max_horizontal("unique_id_l", "unique_id_r").alias("unique_id_r"),
        "same",
    )
    edges = edges.with_columns(
        pl.min_horizontal("unique_id_l", "unique_id_r").alias("unique_id_l"),
        pl.max_horizontal("unique_id_l", "unique_id_r").alias("unique_id_r"),
    ).join(decided, on=["unique_id_l", "unique_id_r"], how="full", coalesce=True)
    return edges.with_columns(
        match_probability=pl.when(pl.col("same") == True)  # noqa: E712
        .then(1.0)
        .when(pl.col("same") == False)  # noqa: E712
        .then(0.0)
        .otherwise(pl.col("match_probability"))
    ).drop("same")


def keep_apart(
    clusters: pl.DataFrame, edges: pl.DataFrame, apart: pl.DataFrame, *, threshold: float
) -> pl.DataFrame:
    """Split the clusters that hold two records people said differ (``apart``:
    unique_id_l, unique_id_r). A cluster grows along chains (A~B, B~C), so removing the
    pair's own link is not enough: within such a cluster the links are added again
    strongest first, skipping any that would join records kept apart (single linkage
    with cannot-link constraints), which cuts the chain at its weakest link. A split-off
    part takes its smallest record id as cluster id, as Splink numbers clusters."""
    cluster_of = clusters.select("unique_id", "cluster_id")
    pairs = apart.select(
        a=pl.min_horizontal("unique_id_l", "unique_id_r"),
        b=pl.max_horizontal("unique_id_l", "unique_id_r"),
    )
    conflicts = (
        pairs.join(cluster_of.rename({"unique_id": "a", "cluster_id": "cluster_a"}), on="a")
        .join(cluster_of.rename({"unique_id": "b", "cluster_id": "cluster_b"}), on="b")
        .filter(pl.col("cluster_a") == pl.col("cluster_b"))
    )
    if conflicts.height == 0:
        return clusters
    touched = clusters.filter(pl.col("cluster_id").is_in(conflicts["cluster_a"].implode()))
    links = (
        edges.filter(pl.col("match_probability") >= threshold)
        .join(touched.rename({"unique_id": "unique_id_l"}), on="unique_id_l")
        .join(touched.rename({"unique_id": "unique_id_r"}), on="unique_id_r", suffix="_r")
        .filter(pl.col("cluster_id") == pl.col("cluster_id_r"))
        .sort(["match_probability", "unique_id_l", "unique_id_r"], descending=[True, False, False])
    )
    root = {node: node for node in touched["unique_id"].to_list()}
    barred: dict[int, set[int]] = {node: set() for node in root}
    for a, b in conflicts.select("a", "b").iter_rows():
        barred[a].add(b)
        barred[b].add(a)

    def find(node: int) -> int:
        while root[node] != node:
            root[node] = root[root[node]]
            node = root[node]
        return node

    for left, right in links.select("unique_id_l", "unique_id_r").iter_rows():
        one, other = find(left), find(right)
        if one == other or any(find(node) == other for node in barred[one]):
            continue
        keep, joined = min(one, other), max(one, other)
        root[joined] = keep
        barred[keep] |= barred.pop(joined)
    split = pl.DataFrame(
        {"unique_id": list(root), "cluster_id": [find(node) for node in root]},
        schema=clusters.select("unique_id", "cluster_id").schema,
    )
    return pl.concat(
        [clusters.join(touched.select("unique_id"), on="unique_id", how="anti"), split]
    )
