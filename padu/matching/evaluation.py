"""Pairwise precision and recall of a clustering against the generator's truth."""

from dataclasses import dataclass
from pathlib import Path

import polars as pl


@dataclass
class Accuracy:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def _pairs(frame: pl.DataFrame, keys: list[str]) -> int:
    sizes = frame.group_by(keys).len()
    return int(sizes.select((pl.col("len") * (pl.col("len") - 1) // 2).sum()).item())


def pairwise_accuracy(frame: pl.DataFrame, predicted: str, true: str) -> Accuracy:
    """Of the pairs put together, how many belong together; of those that belong together,
    how many were put together."""
    both = _pairs(frame, [predicted, true])
    predicted_pairs, true_pairs = _pairs(frame, [predicted]), _pairs(frame, [true])
    return Accuracy(
        both / predicted_pairs if predicted_pairs else 1.0,
        both / true_pairs if true_pairs else 1.0,
    )


def with_truth(records: pl.DataFrame, truth_dir: Path) -> pl.DataFrame:
    """Records (unique_id, source_dataset, record_id, …) with their true person and family."""
    truth = pl.read_csv(
        Path(truth_dir) / "source_rows.csv",
        schema_overrides={"record_id": pl.String, "person_id": pl.Int64, "family_id": pl.Int64},
    )
    # Sources are named in lower case, as `padu export links` names them.
    source = pl.col("source_dataset").str.to_lowercase()
    return records.with_columns(source=source).join(
        truth.select("source", "record_id", "person_id", "family_id", "dirt"),
        on=["source", "record_id"],
    )


def pairs_sharing_no_identifier(frame: pl.DataFrame, predicted: str, true: str) -> Accuracy:
    """Precision and recall over the pairs of records that share neither NIK nor No KK:
    the pairs only names, dates and places can join, where a wrong merge hides."""
    columns = ["unique_id", predicted, true, "nik", "kk_number"]
    left = frame.select(columns)

    def unshared(pairs: pl.DataFrame) -> pl.DataFrame:
        return pairs.filter(
            (pl.col("unique_id") < pl.col("unique_id_r"))
            & ~(pl.col("nik") == pl.col("nik_r")).fill_null(False)
            & ~(pl.col("kk_number") == pl.col("kk_number_r")).fill_null(False)
        )

    put_together = unshared(left.join(left, on=predicted, suffix="_r"))
    belong_together = unshared(left.join(left, on=true, suffix="_r"))
    both = put_together.filter(pl.col(true) == pl.col(f"{true}_r")).height
    return Accuracy(
        both / put_together.height if put_together.height else 1.0,
        both / belong_together.height if belong_together.height else 1.0,
    )
