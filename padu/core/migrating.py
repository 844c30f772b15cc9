"""Progress of a long data migration. ``padu manage migrate`` on a city's database can spend
minutes in one migration that rewrites millions of rows; it says how far it has come: a
bar on a terminal, and a line at every tenth otherwise (an upgrade run by a script or
systemd, whose output goes to a log)."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .progress import progress_bar

#: A line is written each time this share of the rows more is done (without a terminal).
_STEP = 0.1


@contextmanager
def migration_progress(label: str, total: int, *, stream=None) -> Iterator[Callable[[int], None]]:
    """Yields ``advance(count)``: call it with the rows each step has done; ``total`` is the
    rows the migration will do (0 writes nothing)."""
    stream = stream or sys.stderr
    if total <= 0:
        yield lambda count: None
        return
    if stream.isatty():
        done = 0
        with progress_bar(label) as update:

            def advance(count: int) -> None:
                nonlocal done
                done += count
                update(done, total, label)

            yield advance
        return
    done, next_line = 0, _STEP
    stream.write(f"  {label}: {total:,} baris\n")

    def advance(count: int) -> None:
        nonlocal done, next_line
        done += count
        if done / total >= next_line or done >= total:
            stream.write(f"  {label}: {done:,} dari {total:,} ({done / total:.0%})\n")
            stream.flush()
            while next_line <= done / total:
                next_line += _STEP

    yield advance
