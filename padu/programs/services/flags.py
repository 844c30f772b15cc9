"""Anomaly flags: found, then dismissed with a reason or sent to the field."""

import polars as pl
from django.db import transaction
from django.utils import timezone

from padu.accounts.policy import Action
from padu.core.bulk import bulk_insert
from padu.core.choices import ChangeAction
from padu.core.history import record_bulk_change, record_change
from padu.verification import services as verification
from padu.welfare.household import read_frame

from ..anomalies import find_anomalies
from ..choices import FlagStatus
from ..models import AnomalyFlag
from .cycles import CycleError, _require


@transaction.atomic
def detect_anomalies(*, actor) -> int:
    """Raise a flag for each new finding (one already flagged, even dismissed, is not
    raised again). Returns how many were raised."""
    found = find_anomalies().unique(["kind", "family_id", "detail"], keep="first")
    known = read_frame("SELECT kind, family_id, detail FROM programs_anomalyflag")
    if known.height:
        found = found.join(known, on=["kind", "family_id", "detail"], how="anti")
    if found.height == 0:
        return 0
    now = timezone.now()
    bulk_insert(
        AnomalyFlag._meta.db_table,
        [
            "kind",
            "family_id",
            "person_id",
            "beneficiary_id",
            "detail",
            "status",
            "reason",
            "found_at",
        ],
        found.with_columns(
            status=pl.lit(FlagStatus.OPEN.value), reason=pl.lit(""), found_at=pl.lit(now)
        ),
    )
    counts = dict(found.group_by("kind").len().iter_rows())
    record_bulk_change(AnomalyFlag, actor=actor, summary=counts, origin="pemeriksaan anomali")
    return found.height


def _decide(flag: AnomalyFlag, *, actor) -> AnomalyFlag:
    _require(actor, flag, Action.CHANGE)
    current = AnomalyFlag.objects.select_for_update().get(pk=flag.pk)
    if current.status != FlagStatus.OPEN:
        raise CycleError("Tanda ini sudah diputuskan.")
    return current


@transaction.atomic
def dismiss_flag(flag: AnomalyFlag, *, reason: str, actor) -> AnomalyFlag:
    """The verifier finds nothing wrong: the flag is closed with the reason."""
    if not reason.strip():
        raise CycleError("Tuliskan alasan tanda ini diabaikan.")
    current = _decide(flag, actor=actor)
    current.status, current.reason = FlagStatus.DISMISSED, reason.strip()[:500]
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save()
    record_change(
        current, actor=actor, action=ChangeAction.UPDATE, after={"status": current.status,
                                                                 "alasan": current.reason},
    )  # fmt: skip
    return current


@transaction.atomic
def send_flag_to_verivali(flag: AnomalyFlag, *, actor) -> AnomalyFlag:
    """The verifier wants the family seen: it goes on the open verivali round."""
    current = _decide(flag, actor=actor)
    try:
        assignment = verification.add_to_round(
            current.family, actor=actor, origin=f"tanda anomali #{current.pk}"
        )
    except verification.NoOpenRound as error:
        raise CycleError(str(error)) from None
    current.status, current.assignment = FlagStatus.SENT, assignment
    current.decided_by, current.decided_at = actor, timezone.now()
    current.save()
    record_change(
        current, actor=actor, action=ChangeAction.UPDATE,
        after={"status": current.status, "tugas": assignment.pk},
    )  # fmt: skip
    return current
