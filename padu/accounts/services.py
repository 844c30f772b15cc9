from django.db import transaction

from padu.core import context
from padu.core.choices import ChangeAction
from padu.core.history import diff, record_change, snapshot
from padu.regions.codes import ancestor_codes

from .choices import AccessKind, Role
from .models import AccessLog, User

#: The fields of an account that its access rests on, for the change log.
ACCESS_FIELDS = [
    "username",
    "role",
    "region_id",
    "agency_id",
    "is_staff",
    "is_superuser",
    "is_active",
]


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


def log_shown(request, *, object_type: str, ids, kind=AccessKind.LIST, detail="") -> None:
    """Record a page or file that shows these records (a list's page: which rows were on
    it). Nothing is written when nothing was shown."""
    ids = [str(pk) for pk in ids]
    if not ids:
        return
    log_access(
        request.user,
        kind=kind,
        object_type=object_type,
        object_id=ids[0] if len(ids) == 1 else "*",
        detail=" ".join(part for part in (str(detail), "id=" + ",".join(ids)) if part),
        request=request,
    )


@transaction.atomic
def create_user(
    *, username: str, password: str, role: Role, region=None, agency=None, actor=None, **extra
) -> User:
    user = User(username=username, role=role, region=region, agency=agency, **extra)
    user.set_password(password)
    user.full_clean()
    user.save()
    after = snapshot(user, ACCESS_FIELDS)
    record_change(user, actor=actor, action=ChangeAction.CREATE, after=after)
    return user


@transaction.atomic
def ensure_account(
    *, username: str, password: str, role: Role, region=None, agency=None, actor=None, **extra
) -> User:
    """The account ``username`` with this role, scope and password, made or brought up to
    date (the demo's accounts); what changed is in the change log."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return create_user(
            username=username,
            password=password,
            role=role,
            region=region,
            agency=agency,
            actor=actor,
            **extra,
        )
    before = snapshot(user, ACCESS_FIELDS)
    for name, value in {"role": role, "region": region, "agency": agency, **extra}.items():
        setattr(user, name, value)
    user.set_password(password)
    user.full_clean()
    user.save()
    old, new = diff(before, snapshot(user, ACCESS_FIELDS))
    record_change(user, actor=actor, action=ChangeAction.UPDATE, before=old, after=new)
    return user


def village_operators(village_code: str):
    """The active operators who work in a village (its own, or an area holding it): whom an
    agency calls about a family there."""
    return User.objects.filter(
        role=Role.VILLAGE_OPERATOR,
        is_active=True,
        region_id__in=[*ancestor_codes(village_code), village_code],
    ).order_by("region_id", "first_name")
