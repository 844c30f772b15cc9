"""A long data migration says how far it has come."""

import io

from hypothesis import given
from hypothesis import strategies as st

from padu.core.migrating import migration_progress


def test_without_a_terminal_a_line_at_every_tenth():
    out = io.StringIO()
    with migration_progress("Kunci nama orang", 1_000_000, stream=out) as advance:
        for _ in range(50):
            advance(20_000)
    lines = out.getvalue().splitlines()
    assert lines[0] == "  Kunci nama orang: 1,000,000 baris"
    assert lines[1] == "  Kunci nama orang: 100,000 dari 1,000,000 (10%)"
    assert lines[-1] == "  Kunci nama orang: 1,000,000 dari 1,000,000 (100%)"
    assert len(lines) == 11


@given(total=st.integers(1, 10_000), step=st.integers(1, 5_000))
def test_every_run_ends_at_its_total_and_never_repeats_a_line(total, step):
    out = io.StringIO()
    with migration_progress("Langkah", total, stream=out) as advance:
        done = 0
        while done < total:
            count = min(step, total - done)
            advance(count)
            done += count
    lines = out.getvalue().splitlines()[1:]
    assert lines[-1].endswith(f"{total:,} dari {total:,} (100%)")
    assert len(lines) == len(set(lines)) <= 11


def test_nothing_to_do_writes_nothing():
    out = io.StringIO()
    with migration_progress("Langkah", 0, stream=out) as advance:
        advance(0)
    assert out.getvalue() == ""
