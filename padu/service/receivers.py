"""What the one-stop service does when the apps below it report something."""

from .services import close_by_visit


def close_answered_requests(sender, *, visit, actor, **kwargs) -> int:
    """A decided visit answers the resident's request that sent it to the field."""
    return close_by_visit(visit, actor=actor)
