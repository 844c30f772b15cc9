"""What the matching app does when the apps below it report something."""

import shutil


def remove_cut_off_spill(sender, *, actor, **kwargs) -> int:
    """The worker restarted: a matching run it was doing may have left DuckDB's spill files
    (gigabytes on a large city); its run is marked failed by core, its files go here."""
    from .engine import spill_dir  # Splink and DuckDB only when it is needed

    shutil.rmtree(spill_dir(), ignore_errors=True)
    return 0  # the runs themselves are counted by core
