"""The pipeline's shortcuts give what the plain computation gives."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from padu.sources import normalise as n
from padu.sources import per_value
from padu.sources.per_value import with_per_value

# Few letters, so that values repeat within and across chunks as they do in exports.
cells = st.one_of(st.none(), st.text(alphabet="LPp -", max_size=3))
chunked_columns = st.lists(st.lists(cells, min_size=1, max_size=12), min_size=1, max_size=4)


def normalised_chunks(chunks: list[list[str | None]]) -> list[pl.DataFrame]:
    known: dict = {}
    derived = {"_v": n.sex(pl.col("c0")), "_key": n.value_key(pl.col("c0"))}
    return [
        with_per_value(pl.DataFrame({"c0": chunk}, schema={"c0": pl.String}), "c0", derived, known)
        for chunk in chunks
    ]


def computed_in_place(chunks: list[list[str | None]]) -> list[pl.DataFrame]:
    return [
        pl.DataFrame({"c0": chunk}, schema={"c0": pl.String}).with_columns(
            _v=n.sex(pl.col("c0")), _key=n.value_key(pl.col("c0"))
        )
        for chunk in chunks
    ]


@settings(max_examples=60, deadline=None)
@given(chunked_columns)
def test_per_value_normalising_equals_normalising_every_cell(chunks):
    for got, expected in zip(normalised_chunks(chunks), computed_in_place(chunks), strict=True):
        assert got.equals(expected)


@settings(max_examples=30, deadline=None)
@given(chunked_columns)
def test_values_that_share_a_hash_are_still_told_apart(chunks):
    original = per_value.value_hash
    per_value.value_hash = lambda values: pl.lit(7, pl.UInt64)  # every value collides
    try:
        got = normalised_chunks(chunks)
    finally:
        per_value.value_hash = original
    for got_chunk, expected in zip(got, computed_in_place(chunks), strict=True):
        assert got_chunk.equals(expected)
