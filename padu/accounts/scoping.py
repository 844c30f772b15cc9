"""What a user may see. Every query for persons and families goes through ``region_scope``."""

from django.db.models import Q

from .choices import REGION_SCOPED_ROLES


def region_scope(user, field: str) -> Q | None:
    """A filter on ``field`` (a region code column) for the user's region subtree.

    Returns an empty Q for "everything", and None for "nothing": users who may not read
    personal data at all (the public, leaders who see aggregates, anonymous visitors), and
    anyone whose scope is not set, fail closed.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_padu_admin:
        return Q() if user.region_id is None else _subtree(field, user.region_id)
    if user.role in REGION_SCOPED_ROLES and user.region_id:
        return _subtree(field, user.region_id)
    return None


def _subtree(field: str, code: str) -> Q:
    return Q(**{f"{field}__within": code})
