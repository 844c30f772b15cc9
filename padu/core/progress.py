"""Progress reporting shared by services, the command line and background tasks.

Services take an optional ``progress`` callable ``(done, total, label)``; the command line
passes a Rich progress bar, background tasks pass a writer to their task row.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

ProgressCallback = Callable[[int, int, str], None]


def no_progress(done: int, total: int, label: str) -> None:
    return None


def write_progress(work, done: int, total: int, label: str, **fields) -> None:
    """Store how far a row of background work (a core.models.Progress) has come, with any
    other ``fields`` to update at the same time."""
    type(work).objects.filter(pk=work.pk).update(
        progress_done=done, progress_total=total, progress_label=label[:100], **fields
    )


@contextmanager
def progress_bar(description: str, *, enabled: bool = True) -> Iterator[ProgressCallback]:
    """A Rich progress bar as a ProgressCallback; silent when not enabled (e.g. in tests)."""
    if not enabled:
        yield no_progress
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, transient=False) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int, label: str) -> None:
            bar.update(task, completed=done, total=total, description=label or description)

        yield update
