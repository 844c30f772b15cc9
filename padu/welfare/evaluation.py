"""Targeting accuracy against the generator's truth: inclusion and exclusion error."""

from dataclasses import dataclass

import polars as pl


@dataclass
class Targeting:
    selected: int
    eligible: int
    inclusion_error: float  # of those selected, the share not eligible
    exclusion_error: float  # of those eligible, the share not selected


def targeting(frame: pl.DataFrame, selected: str, eligible: str) -> Targeting:
    """``selected`` and ``eligible`` are boolean columns of one row per family."""
    chosen = frame.filter(pl.col(selected))
    truly = frame.filter(pl.col(eligible))
    return Targeting(
        selected=chosen.height,
        eligible=truly.height,
        inclusion_error=(chosen.filter(~pl.col(eligible)).height / chosen.height)
        if chosen.height
        else 0.0,
        exclusion_error=(truly.filter(~pl.col(selected)).height / truly.height)
        if truly.height
        else 0.0,
    )


def _ranked(frame: pl.DataFrame, rank: pl.Expr, seed: int) -> pl.DataFrame:
    """The rows (with their position ``_row``) by ``rank`` ascending, ties in random order."""
    return (
        frame.with_row_index("_row")
        .with_columns(
            _rank=rank, _tie=pl.Series(pl.int_range(0, frame.height, eager=True).shuffle(seed))
        )
        .sort(["_rank", "_tie"])
    )


def _mask(frame: pl.DataFrame, rows: pl.Series) -> pl.Series:
    return pl.Series(pl.int_range(0, frame.height, eager=True).is_in(rows.implode()))


def top_share(frame: pl.DataFrame, rank: pl.Expr, weight: str, share: float, *, seed: int = 1):
    """A boolean Series: the rows first by ``rank`` (ascending; ties in random order)
    until ``share`` of the total ``weight`` is reached."""
    order = _ranked(frame, rank, seed)
    cumulative = order[weight].cum_sum() / order[weight].sum()
    return _mask(frame, order.filter(cumulative <= share)["_row"])


def top_count(frame: pl.DataFrame, rank: pl.Expr, count: int, *, seed: int = 1):
    """A boolean Series: the first ``count`` rows by ``rank`` (ascending; ties in random
    order)."""
    return _mask(frame, _ranked(frame, rank, seed).head(count)["_row"])


def widest_within(
    frame: pl.DataFrame, rank: pl.Expr, eligible: str, inclusion_error: float, *, seed: int = 1
):
    """A boolean Series: the widest net, first by ``rank`` (ascending; ties in random order),
    whose inclusion error is at most ``inclusion_error``: how much a ranking finds when it
    must be as precise as another. Empty when no net of it is that precise."""
    order = _ranked(frame, rank, seed)
    hits = order[eligible].cast(pl.Int64).cum_sum()
    error = 1 - hits / pl.int_range(1, frame.height + 1, eager=True)
    within = (error <= inclusion_error).arg_true()
    count = int(within.max()) + 1 if within.len() else 0
    return _mask(frame, order.head(count)["_row"])
