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
        truth.select("source", "record_id", "person_id", "family_id"), on=["source", "record_id"]
    )
