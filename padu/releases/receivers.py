"""What the releases app does when the apps below it report something."""

from pathlib import Path

from django.conf import settings

from . import storage


def remove_cut_off_builds(sender, *, actor, **kwargs) -> int:
    """The worker restarted: a build it was writing left a ``.partial`` folder (its run is
    marked failed by core); remove it so nothing half-written stays on disk."""
    partials = list((Path(settings.DATA_DIR) / "releases").glob("*.partial"))
    for partial in partials:
        storage.remove(partial)
    return 0  # the runs themselves are counted by core
