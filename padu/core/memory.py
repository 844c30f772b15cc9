"""What a process keeps for good, out of the garbage collector's way.

Python's cyclic garbage collector now and then walks every object a process holds. A web
process holds Django, Padu's apps and their libraries (polars, Splink, DuckDB, plotly):
hundreds of thousands of objects, which a full collection walked in 100–150 ms, in the
middle of whichever request set it off (one request in a few dozen, measured by
``benchmarks/lists.py``). What is loaded for the life of the process (the code, the URL
patterns, a cached vocabulary of names) is moved out of its sight once loaded
(``gc.freeze``); it is still freed when nothing refers to it any more."""

import gc


def settle() -> None:
    """Collect what is garbage now, then keep everything else out of later collections."""
    gc.collect()
    gc.freeze()
