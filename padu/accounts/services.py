from django.db import transaction

from padu.core import context
from padu.core.choices import ChangeAction
from padu.core.history import record_change, snapshot

from .choices import AccessKind, Role
from .models import AccessLog, User


def log_access(user, *, kind: AccessKind, object_type: str, object_id="", detail="", request=None):
    """Record a look at personal data. Called by every view and export that shows it."""
    return AccessLog.objects.create(
        user=user,
        kind=kind,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
        request_id=context.request_id.get(),
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


@transaction.atomic
def create_user(
    *, username: str, password: str, role: Role, region=None, agency=None, actor=None, **extra
) -> User:
    user = User(username=username, role=role, region=region, agency=agency, **extra)
    user.set_password(password)
    user.full_clean()
    user.save()
    after = snapshot(user, ["username", "role", "region_id", "agency_id", "is_staff"])
    record_change(user, actor=actor, action=ChangeAction.CREATE, after=after)
    return user
