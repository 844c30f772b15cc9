"""What the releases app does when the apps below it report something."""

from . import storage


def remove_cut_off_builds(sender, *, actor, **kwargs) -> int:
    """The worker restarted: a build it was writing left its partial folder (its run is
    marked failed by core); remove it so nothing half-written stays on disk."""
    for partial in storage.releases_dir().glob(f"*{storage.PARTIAL_SUFFIX}"):
        storage.remove(partial)
    return 0  # the runs themselves are counted by core
