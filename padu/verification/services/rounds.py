"""Rounds and assignments: Dinsos opens a round over an area and gives each village's
families to an operator working there."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.choices import ChangeAction
from padu.core.history import record_change
from padu.regions.codes import ancestor_codes, is_within
from padu.registry.choices import FamilyLifecycle
from padu.registry.models import Family
from padu.welfare.services import current_results

from ..choices import RoundStatus
from ..coverage import stale
from ..models import Assignment, Round


def require_region(actor, code: str) -> None:
    """The area a write touches must lie in the actor's own region."""
    if not policy.covers(actor, code):
        raise PermissionDenied(_("Wilayah ini di luar wilayah kerja Anda."))


@transaction.atomic
def create_round(
    *,
    name: str,
    region,
    starts_on: dt.date,
    ends_on: dt.date,
    actor,
    purpose: str = "",
    max_desil: int | None = None,
    statuses: list[str] | None = None,
    stale_only: bool = False,
) -> Round:
    """A round over the active families of ``region`` the officer may see, each an
    assignment awaiting an operator. Optionally only those at most desil ``max_desil`` or
    of these poverty ``statuses`` under the newest welfare model, or only those not verified
    for longer than PADU_VERIFICATION_STALE_DAYS."""
    if not policy.allows(actor, Round, Action.CHANGE):
        raise PermissionDenied(_("Peran Anda tidak dapat membuat putaran verivali."))
    require_region(actor, region.code)
    if ends_on < starts_on:
        raise ValidationError(_("Tanggal selesai sebelum tanggal mulai."))
    families = Family.objects.restrict(actor, Action.VIEW).filter(
        village__code__within=region.code, lifecycle=FamilyLifecycle.ACTIVE
    )
    criteria = {}
    results = current_results() if max_desil or statuses else None
    if max_desil:
        criteria["max_desil"] = max_desil
        poor = results.filter(desil__lte=max_desil).values("family_id")
        families = families.filter(pk__in=poor)
    if statuses:
        criteria["statuses"] = sorted(statuses)
        poor = results.filter(status__in=statuses).values("family_id")
        families = families.filter(pk__in=poor)
    if stale_only:
        criteria["stale_only"] = True
        families = families.filter(stale())
    verification_round = Round.objects.create(
        name=name,
        purpose=purpose,
        region=region,
        starts_on=starts_on,
        ends_on=ends_on,
        criteria=criteria,
        created_by=actor,
    )
    Assignment.objects.bulk_create(
        (
            Assignment(round=verification_round, family_id=pk, village_id=village)
            for pk, village in families.values_list("pk", "village_id").iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )
    record_change(
        verification_round,
        actor=actor,
        action=ChangeAction.CREATE,
        after={
            "wilayah": region.code,
            "keluarga": verification_round.assignments.count(),
            **criteria,
        },
    )
    return verification_round


@transaction.atomic
def assign_village(verification_round: Round, village, operator, *, actor) -> int:
    """Give a village's families in the round to one operator working there."""
    policy.require(actor, verification_round, Action.CHANGE)
    require_region(actor, village.code)
    if not policy.allows(operator, Assignment, Action.CHANGE) or not (
        operator.region_id and is_within(village.code, operator.region_id)
    ):
        raise ValidationError(
            _("%(user)s bukan operator di %(village)s.")
            % {"user": operator.username, "village": village.name}
        )
    count = verification_round.assignments.filter(village=village).update(operator=operator)
    record_change(
        verification_round,
        actor=actor,
        action=ChangeAction.UPDATE,
        after={"desa": village.code, "operator": operator.username, "keluarga": count},
    )
    return count


class NoOpenRound(Exception):
    """No open round covers the family's village."""


@transaction.atomic
def add_to_round(family, *, actor, origin: str) -> Assignment:
    """Put one family on the newest open round that covers its village (a finding to check
    in the field), with the operator who already works that village in the round. The
    caller's service has checked its own action; here, the family must lie in the actor's
    region. A family already on the round keeps its assignment."""
    require_region(actor, family.village_id)
    verification_round = open_round_over(family.village_id)
    if verification_round is None:
        raise NoOpenRound(
            _("Tidak ada putaran verivali terbuka untuk %(village)s: minta Dinsos membukanya.")
            % {"village": family.village.name}
        )
    existing = verification_round.assignments.filter(family=family).first()
    if existing:
        return existing
    operator = (
        verification_round.assignments.filter(village_id=family.village_id, operator__isnull=False)
        .values_list("operator", flat=True)
        .first()
    )
    assignment = Assignment.objects.create(
        round=verification_round,
        family=family,
        village_id=family.village_id,
        operator_id=operator,
    )
    record_change(
        assignment,
        actor=actor,
        action=ChangeAction.CREATE,
        after={"putaran": verification_round.pk, "keluarga": family.pk},
        origin=origin,
    )
    return assignment


def open_round_over(village_code: str) -> Round | None:
    """The newest open round over the village (a round of the village itself or of an area
    holding it), or None."""
    return (
        Round.objects.filter(status=RoundStatus.OPEN)
        .filter(region__code__in=[*ancestor_codes(village_code), village_code])
        .order_by("-starts_on", "-pk")
        .first()
    )
