"""A file read in chunks finds the same repeated rows and reused ids as one read at once."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from padu.sources.pipeline import _RowMemory

CELLS = st.sampled_from([None, "", "1", "2", "ab", "a", "b"])
ROWS = st.lists(st.tuples(CELLS, CELLS, st.sampled_from(["A1", "A2", "A3", None])), max_size=40)


def exact(frame: pl.DataFrame) -> pl.DataFrame:
    """Repeats and reused ids by comparing whole rows: what the memory must agree with."""
    row = pl.struct("c0", "c1", "c2")
    keys = frame.with_columns(
        _duplicate=~row.is_first_distinct(),
        _first_row=pl.col("_row").first().over(row),
        _record_id=pl.coalesce(pl.col("c2"), pl.int_range(1, pl.len() + 1).cast(pl.String)),
    )
    distinct = keys.filter(~pl.col("_duplicate")).with_columns(
        _id_first_row=pl.col("_row").first().over("_record_id")
    )
    return keys.join(
        distinct.select("_row", "_id_first_row"), on="_row", how="left", maintain_order="left"
    ).select(
        "_row",
        "_duplicate",
        pl.when(pl.col("_duplicate")).then("_first_row").alias("_first_row"),
        "_record_id",
        (pl.col("_row") != pl.col("_id_first_row")).fill_null(False).alias("_id_reused"),
        "_id_first_row",
    )


@settings(max_examples=150, deadline=None)
@given(rows=ROWS, chunk=st.integers(1, 7))
def test_chunks_find_what_the_whole_file_shows(rows, chunk):
    frame = pl.DataFrame(
        {"_row": list(range(2, len(rows) + 2))} | {f"c{i}": [r[i] for r in rows] for i in range(3)},
        schema={"_row": pl.Int64, "c0": pl.String, "c1": pl.String, "c2": pl.String},
    )
    memory = _RowMemory(["c0", "c1", "c2"], pl.col("c2"))
    parts = [memory.facts(frame.slice(start, chunk)) for start in range(0, frame.height, chunk)]
    found = pl.concat(parts) if parts else exact(frame).clear()
    expected = exact(frame)
    assert found.select(expected.columns).to_dicts() == expected.to_dicts()
