import polars as pl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.bulk import bulk_insert
from padu.core.choices import ChangeAction
from padu.core.history import record_bulk_change, record_change
from padu.welfare.models import NeedRule

from ..choices import CLOSED_STATUSES, ProgramStatus, ReferralStatus
from ..models import Program, Referral
from .cycles import record_intervention


def refer_needs(needs: pl.DataFrame, *, actor) -> int:
    """Open a referral for each need (family_id, rule_id, reason) that has no open one yet,
    to the agency its rule names. Returns how many were opened. Call inside a transaction."""
    if needs.height == 0:
        return 0
    agencies = dict(NeedRule.objects.values_list("pk", "agency_id"))
    open_pairs = pl.DataFrame(
        list(
            Referral.objects.exclude(status__in=CLOSED_STATUSES)
            .filter(rule_id__in=needs["rule_id"].unique().to_list())
            .values_list("family_id", "rule_id")
            .iterator(chunk_size=50_000)
        ),
        schema={"family_id": pl.Int64, "rule_id": pl.Int64},
        orient="row",
    )
    new = needs.join(open_pairs, on=["family_id", "rule_id"], how="anti").unique(
        ["family_id", "rule_id"], keep="first", maintain_order=True
    )
    if new.height == 0:
        return 0
    now = timezone.now()
    bulk_insert(
        Referral._meta.db_table,
        [
            "family_id",
            "rule_id",
            "agency_id",
            "reason",
            "status",
            "rejection_reason",
            "notes",
            "created_at",
            "updated_at",
            "version",
        ],
        new.select(
            "family_id",
            "rule_id",
            pl.col("rule_id").replace_strict(agencies, return_dtype=pl.Int64).alias("agency_id"),
            "reason",
            pl.lit(ReferralStatus.NEW.value).alias("status"),
            pl.lit("").alias("rejection_reason"),
            pl.lit("").alias("notes"),
            pl.lit(now).alias("created_at"),
            pl.lit(now).alias("updated_at"),
            pl.lit(1).alias("version"),
        ),
    )
    record_bulk_change(
        Referral, actor=actor, summary={"dibuka": new.height}, origin="klasifikasi kesejahteraan"
    )
    return new.height


class StaleReferral(Exception):
    """Someone else changed the referral since the form was opened."""


def intervention_programs(user, referral):
    """The agency's own active programs in which a finished referral can be recorded."""
    return Program.objects.restrict(user, Action.CHANGE).filter(
        agency_id=referral.agency_id, status=ProgramStatus.ACTIVE
    )


@transaction.atomic
def update_referral(
    referral: Referral,
    *,
    actor,
    status: str,
    notes: str = "",
    rejection_reason: str = "",
    seen_version: int | None = None,
    program=None,
) -> Referral:
    """Move a referral along (baru → diterima → diproses → selesai, or ditolak with a
    reason): only an officer of the agency it is addressed to may. A closed referral stays
    closed. ``seen_version`` is the version the officer saw: if someone changed it since,
    nothing is written and StaleReferral is raised. Finished (selesai) with a ``program``
    of the agency, the help given is recorded as that program's intervention."""
    policy.require(actor, referral, Action.CHANGE)
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if seen_version is not None and current.version != seen_version:
        raise StaleReferral(current)
    if current.is_closed:
        raise ValueError(_("Rujukan ini sudah ditutup (%s).") % current.get_status_display())
    if status not in ReferralStatus.values:
        raise ValueError(_("Status tidak dikenal: %s") % status)
    if status == ReferralStatus.REJECTED and not rejection_reason.strip():
        raise ValueError(_("Tuliskan alasan penolakan."))
    before = {"status": current.status, "notes": current.notes}
    now = timezone.now()
    current.status = status
    current.officer = actor
    if notes.strip():
        local = timezone.localtime(now)
        stamp = f"{local:%d-%m-%Y %H:%M} {local.tzname()}"
        current.notes = f"{current.notes}\n[{stamp} {actor}] {notes.strip()}".strip()
    if status == ReferralStatus.REJECTED:
        current.rejection_reason = rejection_reason.strip()[:500]
    if status == ReferralStatus.NEW:  # sent back: neither accepted nor closed any more
        current.accepted_at = current.closed_at = None
    elif current.accepted_at is None:
        current.accepted_at = now
    if status in CLOSED_STATUSES:
        current.closed_at = now
    current.version += 1
    current.save()
    if program is not None and status == ReferralStatus.DONE:
        record_intervention(current, program=program, actor=actor)
    record_change(
        current,
        actor=actor,
        action=ChangeAction.UPDATE,
        before=before,
        after={"status": current.status, "notes": current.notes},
        origin="rujukan",
    )
    return current
