"""Probabilistic linkage with Splink (DuckDB here; Spark for a province or the nation).

The model compares NIK (by its parts), name, birth date, sex, household and mother's name.
Its parameters are estimated from the data itself (no labels): u from random pairs (the
near-miss NIK levels: from pairs sharing the NIK's date part), m by expectation
maximisation within blocks, each block leaving its own columns out; then settled
(settle_estimates) so that no weight is one a person would reject.
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
from splink import ColumnExpression, DuckDBAPI, Linker, SettingsCreator, block_on
from splink.clustering import cluster_pairwise_predictions_at_threshold

from padu.core.progress import ProgressCallback, no_progress

logger = logging.getLogger(__name__)

#: Pairs at or above this probability are one person; between the two, a person decides.
MATCH_THRESHOLD = 0.95
REVIEW_THRESHOLD = 0.5


#: The NIK levels that mean "almost the same number": a typo, or two people whose numbers
#: differ only where two people's numbers differ. Their merges are shown apart (see
#: near_miss_merges), and two of them take their u from the pairs that share the NIK's date.
NIK_SAME = "NIK sama"
NIK_SAME_DATE_MISFITS = "NIK sama, tetapi tanggal lahirnya hanya cocok dengan satu rekaman"
NIK_SLIP_IN_DATE = "NIK beda satu ketikan di bagian tanggal lahir"
NIK_SLIP_IN_REGION = "NIK beda satu ketikan di kode wilayah"
NIK_SERIAL_ONLY = "NIK beda hanya di nomor urut"
NEAR_MISS_NIK = (NIK_SLIP_IN_DATE, NIK_SLIP_IN_REGION, NIK_SERIAL_ONLY)

#: When too few pairs share a NIK's date part to estimate from, the share of two different
#: people's pairs (with the same birth date and sex, so the same date part) whose NIKs
#: differ by one slip in the region code, or only in the serial. A city of 16 districts
#: gives about these.
PRIOR_U_SAME_NIK_DATE = {NIK_SLIP_IN_REGION: 0.2, NIK_SERIAL_ONLY: 0.1}


# The NIK's parts, cut in SQL where compared: as columns of their own they would widen
# every blocked pair (a million people's pairs took 2 GB more).
NIK_REGION = ColumnExpression("nik").substr(1, 6)
NIK_DATE = ColumnExpression("nik").substr(7, 6)
NIK_SERIAL = ColumnExpression("nik").substr(13, 4)


def nik_comparison(conditional_u: dict[str, float] | None = None) -> cl.CustomComparison:
    """The NIK read as what it is: region of first registration (6 digits), birth date with
    +40 for women (6), serial (4).

    Two people born on the same day share the date part; registered in the same district
    they differ only in the serial (…0001, …0002), in neighbouring districts often by one
    digit of the region code. Those two levels are evidence of two people as much as of a
    typo, and the birth date already counted the date they share: their u is the share of
    different people's pairs with the same NIK date part that look like this
    (``conditional_u``), not the share among random pairs, which would make a near-miss
    number near-proof of one person. A slip inside the date part, with region, serial and
    the sex it encodes equal, stays strong evidence of one person (twins of two sexes differ
    there by the +40).

    One number on two records whose birth dates it fits only once is how a member listed
    under the head's NIK looks: its u is the exact level's (see settle_estimates), so it
    weighs what an equal NIK weighs less what the misfit costs among true matches.
    """
    conditional_u = {**PRIOR_U_SAME_NIK_DATE, **(conditional_u or {})}
    return cl.CustomComparison(
        output_column_name="nik",
        comparison_levels=[
            cll.NullLevel("nik"),
            cll.And(
                cll.ExactMatchLevel("nik"), cll.CustomLevel("nik_fits_l = nik_fits_r")
            ).configure(label_for_charts=NIK_SAME, m_probability=0.9),
            cll.ExactMatchLevel("nik").configure(
                label_for_charts=NIK_SAME_DATE_MISFITS, m_probability=0.02
            ),
            cll.And(
                cll.ExactMatchLevel(NIK_REGION),
                cll.ExactMatchLevel(NIK_SERIAL),
                # The day's first digit: 0-3 for a man, 4-7 for a woman.
                cll.CustomLevel("(substr(nik_l, 7, 1) < '4') = (substr(nik_r, 7, 1) < '4')"),
                cll.DamerauLevenshteinLevel(NIK_DATE, 1),
            ).configure(label_for_charts=NIK_SLIP_IN_DATE, m_probability=0.01),
            cll.And(
                cll.ExactMatchLevel(NIK_DATE),
                cll.ExactMatchLevel(NIK_SERIAL),
                cll.DamerauLevenshteinLevel(NIK_REGION, 1),
            ).configure(
                label_for_charts=NIK_SLIP_IN_REGION,
                m_probability=0.01,
                u_probability=conditional_u[NIK_SLIP_IN_REGION],
                fix_u_probability=True,
            ),
            cll.And(cll.ExactMatchLevel(NIK_REGION), cll.ExactMatchLevel(NIK_DATE)).configure(
                label_for_charts=NIK_SERIAL_ONLY,
                m_probability=0.005,
                u_probability=conditional_u[NIK_SERIAL_ONLY],
                fix_u_probability=True,
            ),
            cll.ElseLevel().configure(label_for_charts="NIK berbeda", m_probability=0.075),
        ],
        comparison_description=(
            "NIK: sama, satu ketikan di tanggal lahir, satu ketikan di kode wilayah, "
            "beda nomor urut saja, atau berbeda"
        ),
    )


#: The columns conditional_nik_u reads.
NIK_PARTS = ["unique_id", "nik", "first_token"]


def conditional_nik_u(records: pl.DataFrame, *, sample: int = 300_000, seed: int = 1) -> dict:
    """For the two near-miss NIK levels, the share of pairs of different people sharing a
    NIK's date part (birth date and sex) whose numbers look like that level; pairs whose
    first name words differ stand for different people (a typo's pair, nearly always of one
    name, is left out). From a sample of records; {} when too few pairs to say."""
    have = records.select(
        "unique_id",
        "first_token",
        nik_region=pl.col("nik").str.slice(0, 6),
        nik_date=pl.col("nik").str.slice(6, 6),
        nik_serial=pl.col("nik").str.slice(12, 4),
    ).drop_nulls(["nik_date", "first_token"])
    if have.height > sample:
        have = have.sample(n=sample, seed=seed)
    pairs = (
        have.join(have, on="nik_date", suffix="_r")
        .filter(pl.col("unique_id") < pl.col("unique_id_r"))
        .filter(pl.col("first_token") != pl.col("first_token_r"))
    )
    if pairs.height < 200:
        return {}
    same_serial = pl.col("nik_serial") == pl.col("nik_serial_r")
    counts = pairs.select(
        region_slip=(same_serial & one_slip("nik_region", "nik_region_r", 6)).sum(),
        serial=((pl.col("nik_region") == pl.col("nik_region_r")) & ~same_serial).sum(),
    ).row(0, named=True)
    floor = 1 / pairs.height
    return {
        NIK_SLIP_IN_REGION: max(counts["region_slip"] / pairs.height, floor),
        NIK_SERIAL_ONLY: max(counts["serial"] / pairs.height, floor),
    }


def one_slip(left: str, right: str, width: int) -> pl.Expr:
    """Two digit strings of ``width`` one typo apart: one digit changed, or two neighbours
    swapped (the Damerau-Levenshtein distance 1 of equal-length strings)."""
    differ = [pl.col(left).str.slice(i, 1) != pl.col(right).str.slice(i, 1) for i in range(width)]
    changed = pl.sum_horizontal(differ)
    swapped = pl.any_horizontal(
        differ[i]
        & differ[i + 1]
        & (pl.col(left).str.slice(i, 1) == pl.col(right).str.slice(i + 1, 1))
        & (pl.col(left).str.slice(i + 1, 1) == pl.col(right).str.slice(i, 1))
        for i in range(width - 1)
    )
    return (changed == 1) | ((changed == 2) & swapped)


def name_comparison() -> cl.CustomComparison:
    """Names as people type them: the match key folds spellings and titles; beyond it a
    letter dropped, doubled or swapped, a word missing, or a shared word. Generic words
    (Muhammad, Siti, Nur, Ni Luh, I Gede …) are left out of the core that the later levels
    compare, and the two exact levels weigh a name by how common it is."""
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key").configure(
                tf_adjustment_column="name_key",
                label_for_charts="nama sama (setelah dibakukan)",
                m_probability=0.85,
            ),
            cll.ExactMatchLevel("core_key").configure(
                tf_adjustment_column="core_key",
                label_for_charts="inti nama sama",
                m_probability=0.05,
            ),
            cll.And(
                # A cheap test first: the distance itself is five times slower than the
                # whole rest of the comparison over a million random pairs.
                cll.CustomLevel("abs(length(name_key_l) - length(name_key_r)) <= 1"),
                cll.DamerauLevenshteinLevel("name_key", 1),
            ).configure(label_for_charts="nama beda satu huruf (salah ketik)", m_probability=0.03),
            cll.JaroWinklerLevel("name_key", 0.92).configure(
                label_for_charts="nama sangat mirip", m_probability=0.02
            ),
            cll.ArraySubsetLevel("core_tokens").configure(
                label_for_charts="satu nama memuat nama yang lain", m_probability=0.02
            ),
            cll.And(
                cll.ArrayIntersectLevel("core_tokens", 1),
                cll.JaroWinklerLevel("name_key", 0.8),
            ).configure(label_for_charts="nama mirip dan berbagi satu kata", m_probability=0.01),
            cll.ArrayIntersectLevel("core_tokens", 1).configure(
                label_for_charts="berbagi satu kata nama", m_probability=0.005
            ),
            cll.ElseLevel().configure(label_for_charts="nama berbeda", m_probability=0.015),
        ],
        comparison_description=(
            "Nama: kunci sama, inti sama, beda satu huruf, mirip, memuat yang lain, "
            "atau berbagi satu kata inti"
        ),
    )


#: Dates written where the day was not known (Dukcapil's habit and offices' own).
UNKNOWN_DAYS = ("01-01", "07-01", "12-31")


def birth_date_comparison() -> cl.CustomComparison:
    unknown = ", ".join(f"'{day}'" for day in UNKNOWN_DAYS)
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date").configure(
                label_for_charts="tanggal lahir sama", m_probability=0.93
            ),
            cll.CustomLevel(
                "birth_date_swapped_l = birth_date_r", label_for_charts="hari dan bulan tertukar"
            ).configure(m_probability=0.01),
            cll.And(  # year off by one
                cll.ExactMatchLevel("birth_month_day"),
                cll.CustomLevel("abs(birth_year_l - birth_year_r) = 1"),
            ).configure(label_for_charts="tahun beda satu", m_probability=0.01),
            cll.And(
                # One typo leaves two of year, month and day as they were; testing that
                # first spares the distance on nearly every pair.
                cll.Or(cll.ExactMatchLevel("birth_year"), cll.ExactMatchLevel("birth_month_day")),
                cll.DamerauLevenshteinLevel("birth_date", 1),
            ).configure(label_for_charts="beda satu angka", m_probability=0.02),
            cll.And(
                cll.ExactMatchLevel("birth_year"),
                cll.Or(
                    cll.CustomLevel(f"birth_month_day_l IN ({unknown})"),
                    cll.CustomLevel(f"birth_month_day_r IN ({unknown})"),
                ),
            ).configure(
                label_for_charts="tahun sama, tanggal tak diketahui (1/1, 1/7, 31/12)",
                m_probability=0.01,
            ),
            cll.ElseLevel().configure(label_for_charts="tanggal lahir berbeda", m_probability=0.02),
        ],
        comparison_description=(
            "Tanggal lahir: sama, tertukar, tahun beda satu, satu digit, tanggal tak diketahui"
        ),
    )


def household_comparison() -> cl.CustomComparison:
    """The household as one piece of evidence: counting KK and address apart would merge
    the members of one family with each other."""
    return cl.CustomComparison(
        output_column_name="household",
        comparison_levels=[
            cll.And(cll.NullLevel("kk_number"), cll.NullLevel("village_id")),
            cll.ExactMatchLevel("kk_number").configure(
                label_for_charts="No KK sama", m_probability=0.8
            ),
            cll.And(cll.ExactMatchLevel("village_id"), cll.ExactMatchLevel("rt_rw")).configure(
                label_for_charts="RT/RW dan desa sama", m_probability=0.08
            ),
            cll.ExactMatchLevel("village_id").configure(
                label_for_charts="desa sama", m_probability=0.04
            ),
            cll.ExactMatchLevel("district").configure(
                label_for_charts="kecamatan sama", m_probability=0.03
            ),
            cll.ElseLevel().configure(
                label_for_charts="tempat tinggal berbeda", m_probability=0.05
            ),
        ],
        comparison_description="Rumah tangga: KK sama, RT/RW sama, desa sama, kecamatan sama",
    )


def sex_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            cll.ExactMatchLevel("sex").configure(
                label_for_charts="jenis kelamin sama", m_probability=0.995
            ),
            cll.ElseLevel().configure(
                label_for_charts="jenis kelamin berbeda", m_probability=0.005
            ),
        ],
        comparison_description="Jenis kelamin",
    )


def mother_comparison() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="mother_key",
        comparison_levels=[
            cll.NullLevel("mother_key"),
            cll.ExactMatchLevel("mother_key").configure(
                label_for_charts="nama ibu sama", m_probability=0.85
            ),
            cll.JaroWinklerLevel("mother_key", 0.9).configure(
                label_for_charts="nama ibu sangat mirip", m_probability=0.1
            ),
            cll.ElseLevel().configure(label_for_charts="nama ibu berbeda", m_probability=0.05),
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


def padu_settings(conditional_u: dict[str, float] | None = None) -> SettingsCreator:
    """Padu's model. Each level's m_probability is its prior: what EM starts from and what
    stays where no session could estimate it (see settle_estimates)."""
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
            nik_comparison(conditional_u),
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


def spill_dir() -> Path:
    """Where DuckDB writes what does not fit in memory while a matching run works."""
    return Path(settings.DATA_DIR) / "tmp" / "duckdb"


def duckdb_api() -> DuckDBAPI:
    """Splink's DuckDB with a memory ceiling and a spill directory in Padu's data folder."""
    spill = spill_dir()
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


def padu_model(conditional_u: dict[str, float] | None = None) -> Model:
    return Model(
        settings=padu_settings(conditional_u),
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
    if model is None:
        model = padu_model(conditional_nik_u(pl.concat([t.select(NIK_PARTS) for t in tables])))
    dialect = db_api.sql_dialect.sql_dialect_str
    priors = model.settings.get_settings(dialect).as_dict()
    inputs = _register(db_api, tables)
    linker = Linker(inputs, model.settings, log_level=None)
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
    not_estimated = unobserved.levels(len(model.em_blocks))
    settled, adjusted = settle_estimates(
        linker.misc.save_model_to_json(), priors, not_estimated, u_floor=1 / u_pairs
    )
    # What training cached in DuckDB (its blocked pairs) goes before scoring needs the room.
    linker.table_management.invalidate_cache()
    linker = Linker(inputs, settled, log_level=None)
    linkage = _score_and_cluster(
        linker,
        db_api,
        nodes=pl.concat([table.select("unique_id") for table in tables]),
        match_threshold=match_threshold,
        review_threshold=review_threshold,
        decisions=decisions,
        progress=progress,
    )
    linkage.model[NOT_ESTIMATED] = not_estimated
    linkage.model[ADJUSTED] = adjusted
    linkage.model[LEVEL_PAIRS] = level_pairs(linkage.pairs, linkage.model, match_threshold)
    linkage.model[VERSION] = MODEL_VERSION
    return linkage


#: The model's record of levels whose m probability no EM session could estimate.
NOT_ESTIMATED = "padu_not_estimated"
#: The model's record of the estimates settle_estimates replaced, and of how many confident
#: matches fell in each level (a level with few was estimated from few).
ADJUSTED = "padu_adjusted"
LEVEL_PAIRS = "padu_level_pairs"
#: A level seen in fewer confident matches than this was estimated from too few pairs.
FEW_PAIRS = 20
#: Which comparisons a saved model was trained with: a model of another version names
#: columns the features no longer have (the NIK's old "nik_prefix"), so a run does not
#: reuse it but trains anew. Raise it whenever the comparisons or features change.
MODEL_VERSION = 2
VERSION = "padu_model_version"
#: Padu's own entries in a saved model, which Splink does not read.
PADU_KEYS = (NOT_ESTIMATED, ADJUSTED, LEVEL_PAIRS, VERSION)


def splink_only(model: dict) -> dict:
    """A saved model without Padu's own entries: what Splink is given."""
    return {k: v for k, v in model.items() if k not in PADU_KEYS}


#: No level is met by fewer than this share of true matches: an EM estimate below it (EM
#: drives a level it sees rarely towards zero, weighing it -40 or -100) is raised to it, so
#: that no single disagreement counts for more than about ten bits.
LEAST_M = 1e-3

#: Levels that are alternatives to each other rather than steps of closeness: each is kept
#: between its comparison's farthest and closest levels, not ordered among the others.
UNORDERED = {
    "hari dan bulan tertukar",
    "tahun beda satu",
    "beda satu angka",
    "tahun sama, tanggal tak diketahui (1/1, 1/7, 31/12)",
    NIK_SAME_DATE_MISFITS,
    *NEAR_MISS_NIK,
}


def settle_estimates(
    trained: dict, priors: dict, not_estimated: list, *, u_floor: float
) -> tuple[dict, list[dict]]:
    """A trained model whose weights a person can accept: a level no EM session estimated
    takes its prior m (the model's configured m_probability), no m falls below LEAST_M, a
    level never met among the random pairs takes the least u those pairs could show, and
    within each comparison a closer level never weighs less than a farther one (adjacent
    violators pooled into their mean weight); UNORDERED levels are only kept between the
    farthest and the closest. Returns the model and what was changed."""
    model = splink_only(trained)
    unestimated = {tuple(pair) for pair in not_estimated}
    prior_m = {
        (c["output_column_name"], lv.get("label_for_charts")): lv.get("m_probability")
        for c in priors["comparisons"]
        for lv in c["comparison_levels"]
    }
    adjusted = []
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        before = {id(lv): _weight(lv) for lv in levels}
        for level in levels:
            key = (name, level["label_for_charts"])
            if (key in unestimated or not level.get("m_probability")) and prior_m.get(key):
                level["m_probability"] = prior_m[key]
            level["m_probability"] = max(level.get("m_probability") or 0.0, LEAST_M)
            if not level.get("u_probability"):
                level["u_probability"] = u_floor
        if name == "nik":
            exact = next(lv for lv in levels if lv["label_for_charts"] == NIK_SAME)
            misfit = next(lv for lv in levels if lv["label_for_charts"] == NIK_SAME_DATE_MISFITS)
            misfit["u_probability"] = exact["u_probability"]
        chain = [lv for lv in levels if lv["label_for_charts"] not in UNORDERED]
        settled = _non_increasing([_weight(lv) for lv in chain])
        for level, weight in zip(chain, settled, strict=True):
            _set_weight(level, weight)
        for level in levels:
            if level["label_for_charts"] in UNORDERED:
                _set_weight(level, min(max(_weight(level), settled[-1]), settled[0]))
            old, new = before[id(level)], _weight(level)
            if old is None or abs(old - new) > 0.05:
                adjusted.append(
                    {
                        "comparison": name,
                        "level": level["label_for_charts"],
                        "before": None if old is None else round(old, 2),
                        "after": round(new, 2),
                    }
                )
    return model, adjusted


def _weight(level: dict) -> float | None:
    m, u = level.get("m_probability"), level.get("u_probability")
    return math.log2(m / u) if m and u else None


def _set_weight(level: dict, weight: float) -> None:
    """A level's weight set through its m (u is what random pairs show, or fixed)."""
    level["m_probability"] = min(1.0, level["u_probability"] * 2**weight)


def _non_increasing(weights: list[float]) -> list[float]:
    """The closest non-increasing sequence (pool adjacent violators, equal weights)."""
    blocks: list[list[float]] = []  # [mean, size]
    for weight in weights:
        blocks.append([weight, 1])
        while len(blocks) > 1 and blocks[-2][0] < blocks[-1][0]:
            mean, size = blocks.pop()
            blocks[-1] = [
                (blocks[-1][0] * blocks[-1][1] + mean * size) / (blocks[-1][1] + size),
                blocks[-1][1] + size,
            ]
    return [mean for mean, size in blocks for _ in range(size)]


def _level_labels(comparison: dict) -> dict[int, str]:
    """A comparison's levels by gamma: Splink numbers them from the most alike down to 0."""
    levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
    return {len(levels) - 1 - i: lv["label_for_charts"] for i, lv in enumerate(levels)}


def level_pairs(pairs: pl.DataFrame, model: dict, match_threshold: float) -> dict:
    """How many confident matches fell in each level of each comparison."""
    sure = pairs.filter(pl.col("match_probability") >= match_threshold)
    out = {}
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        counts = dict(sure.group_by(f"gamma_{name}").len().iter_rows())
        out[name] = {label: counts.get(g, 0) for g, label in _level_labels(comparison).items()}
    return out


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
    splink_settings = splink_only(trained)
    splink_settings["blocking_rules_to_generate_predictions"] = rules
    linker = Linker(_register(db_api, [records]), splink_settings, log_level=None)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    return splink_frame(
        predictions, lambda c: c in {"unique_id_l", "unique_id_r", "match_probability"}
    )


def _register(db_api, tables: list[pl.DataFrame]) -> list:
    # DuckDB reads Polars' own string views, so the records are not copied (half a GB for
    # a million people); Spark is given the older Arrow types it knows.
    native = db_api.sql_dialect.sql_dialect_str == "duckdb"
    level = pl.CompatLevel.newest() if native else pl.CompatLevel.oldest()
    return [
        db_api.register(table.to_arrow(compat_level=level), dataset_display_name=f"records_{i}")
        for i, table in enumerate(tables)
    ]


def _only_new_pairs(trained: dict) -> dict:
    """A trained model whose blocking rules keep only pairs with a new record in them."""
    rules = [
        {**rule, "blocking_rule": f"({rule['blocking_rule']}) AND (l.is_new OR r.is_new)"}
        for rule in trained["blocking_rules_to_generate_predictions"]
    ]
    splink_settings = splink_only(trained)
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
    linker_model = linker.misc.save_model_to_json()
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
        pairs=pairs.with_columns(
            in_review=pl.col("match_probability") < match_threshold,
            near_miss_nik=near_miss_merges(pairs, linker_model, match_threshold),
        ),
        clusters=clusters,
        model=linker_model,
        comparisons=comparisons,
    )


def near_miss_merges(pairs: pl.DataFrame, model: dict, match_threshold: float) -> pl.Expr:
    """Pairs merged only because their NIKs are almost the same: the NIK's level is a near
    miss and without its weight the pair would not reach the match threshold. These are the
    merges a data custodian should see and may undo."""
    nik = next((c for c in model["comparisons"] if c["output_column_name"] == "nik"), None)
    if nik is None:  # another model (FEBRL's) has no NIK
        return pl.lit(False)
    near = [g for g, label in _level_labels(nik).items() if label in NEAR_MISS_NIK]
    needed = math.log2(match_threshold / (1 - match_threshold))
    return (
        pl.col("gamma_nik").is_in(near)
        & (pl.col("match_probability") >= match_threshold)
        & ((pl.col("match_weight") - pl.col("mw_nik")) < needed)
    )


def contributions(pairs: pl.DataFrame, model: dict) -> list[list[dict]]:
    """For each pair, every comparison's level and its match weight (term-frequency
    adjustment included): the reasons behind the pair's total weight."""
    out: list[list[dict]] = [[] for _ in range(pairs.height)]
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        labels = {**_level_labels(comparison), -1: "tidak ada data"}
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
    adjusted = {(a["comparison"], a["level"]): a for a in model.get(ADJUSTED, [])}
    counted = model.get(LEVEL_PAIRS)
    for comparison in model.get("comparisons", []):
        name = comparison["output_column_name"]
        levels = []
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            key = (name, level["label_for_charts"])
            pairs = counted.get(name, {}).get(key[1]) if counted else None
            levels.append(
                {
                    "label": level["label_for_charts"],
                    "m": m,
                    "u": u,
                    "weight": _weight(level),
                    "estimated": m is not None and key not in not_estimated,
                    "pairs": pairs,
                    "few": pairs is not None and pairs < FEW_PAIRS,
                    "adjusted": adjusted.get(key),
                    "fixed_u": bool(level.get("fix_u_probability")),
                }
            )
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
