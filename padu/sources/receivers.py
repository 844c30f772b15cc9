"""What the sources app does when the apps below it report something."""

from django.utils import timezone

from .services.batches import STALE_AFTER, clean_up_interrupted


def clean_up_cut_off_imports(sender, *, actor, **kwargs) -> int:
    """The worker restarted: every import still running was cut off (whatever its last
    heartbeat): remove what it staged, mark it failed."""
    return clean_up_interrupted(timezone.now() + STALE_AFTER, actor=actor)
