"""The benchmark's measures of targeting, on tables small enough to check by hand."""

import polars as pl

from padu.welfare.evaluation import targeting, top_count, widest_within


def test_targeting_counts_inclusion_and_exclusion_errors():
    frame = pl.DataFrame({"chosen": [True, True, False, False], "poor": [True, False, True, True]})
    result = targeting(frame, "chosen", "poor")
    assert (result.selected, result.eligible) == (2, 3)
    assert (result.inclusion_error, round(result.exclusion_error, 3)) == (0.5, 0.667)


def test_top_count_takes_the_first_by_rank():
    frame = pl.DataFrame({"score": [5, 1, 3, 2]})
    assert top_count(frame, pl.col("score"), 2).to_list() == [False, True, False, True]


def test_widest_within_takes_the_largest_net_that_is_as_precise():
    # By score: poor, poor, not, poor, not, not. Inclusion error of the first 1..6:
    # 0, 0, 1/3, 1/4, 2/5, 1/2.
    frame = pl.DataFrame(
        {"score": [1, 2, 3, 4, 5, 6], "poor": [True, True, False, True, False, False]}
    )
    rank = pl.col("score")
    assert widest_within(frame, rank, "poor", 0.25).sum() == 4
    assert widest_within(frame, rank, "poor", 0.0).sum() == 2
    assert widest_within(frame, rank, "poor", 1.0).sum() == 6
    never = frame.with_columns(poor=pl.Series([False, True, True, True, True, True]))
    assert widest_within(never, rank, "poor", 0.0).sum() == 0
