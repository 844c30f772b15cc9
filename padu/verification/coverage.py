"""How far verivali has come, per area: aggregates only, for officers and leaders alike."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Left
from django.utils import timezone

from padu.regions.models import Region
from padu.registry.choices import FamilyLifecycle
from padu.registry.models import Family

from .choices import AssignmentState
from .models import Assignment

#: Length of a child's code under a region of each level (province → regency → district → village).
_CHILD_CODE_LENGTH = {1: 5, 2: 8, 3: 13}


@dataclass
class AreaCoverage:
    code: str
    name: str
    in_scope: int = 0
    visited: int = 0
    approved: int = 0
    families: int = 0
    stale: int = 0

    @property
    def share(self) -> float:
        """Share of the families in scope whose visit was approved (verified)."""
        return self.approved / self.in_scope if self.in_scope else 0.0

    @property
    def started(self) -> bool:
        return self.visited > 0


def stale_before(today: dt.date | None = None) -> dt.date:
    """Families not verified since this day are stale (PADU_VERIFICATION_STALE_DAYS)."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.VERIFICATION_STALE_DAYS)


def stale() -> Q:
    """The families not verified in the field for too long (or ever)."""
    return Q(verified_on__isnull=True) | Q(verified_on__lt=stale_before())


def is_stale(family) -> bool:
    """``stale()`` for one family in hand."""
    return family.verified_on is None or family.verified_on < stale_before()


def progress_counts() -> dict:
    """Assignments in scope, visited and approved: the aggregates every coverage view and
    round page counts."""
    return {
        "in_scope": Count("id"),
        "visited": Count("id", filter=~Q(state=AssignmentState.PENDING)),
        "approved": Count("id", filter=Q(state=AssignmentState.APPROVED)),
    }


def coverage(region: Region, rounds) -> tuple[list[AreaCoverage], AreaCoverage]:
    """Per child area of ``region`` (down to villages): families in scope of ``rounds``,
    visited, approved, and the active families not verified for too long. Returns the
    rows and their total."""
    length = _CHILD_CODE_LENGTH.get(region.level)
    areas = Region.objects.filter(parent=region) if length else Region.objects.filter(pk=region.pk)
    rows = {r.code: AreaCoverage(r.code, r.name) for r in areas.order_by("code")}
    length = length or len(region.code)
    assignments = (
        Assignment.objects.filter(round__in=rounds, village__code__within=region.code)
        .annotate(area=Left("village_id", length))
        .values("area")
        .annotate(**progress_counts())
    )
    for row in assignments:
        area = rows.get(row["area"])
        if area:
            area.in_scope, area.visited, area.approved = (
                row["in_scope"],
                row["visited"],
                row["approved"],
            )
    families = (
        Family.objects.filter(village__code__within=region.code, lifecycle=FamilyLifecycle.ACTIVE)
        .annotate(area=Left("village_id", length))
        .values("area")
        .annotate(families=Count("id"), stale=Count("id", filter=stale()))
    )
    for row in families:
        area = rows.get(row["area"])
        if area:
            area.families, area.stale = row["families"], row["stale"]
    listed = list(rows.values())
    total = AreaCoverage(region.code, region.name)
    for area in listed:
        for name in ("in_scope", "visited", "approved", "families", "stale"):
            setattr(total, name, getattr(total, name) + getattr(area, name))
    return listed, total


def league(rows: list[AreaCoverage]) -> list[AreaCoverage]:
    """Areas with families in scope, the most verified first (like Kemensos' count of
    regions that updated their data)."""
    return sorted((r for r in rows if r.in_scope), key=lambda r: (-r.share, -r.approved, r.code))


def villages_not_started(region: Region, rounds) -> list[tuple[str, str, int]]:
    """(code, name, families in scope) of the villages under ``region`` where no family
    of ``rounds`` has been visited yet."""
    rows = (
        Assignment.objects.filter(round__in=rounds, village__code__within=region.code)
        .values("village_id", "village__name")
        .annotate(**progress_counts())
        .filter(visited=0)
        .order_by("village_id")
    )
    return [(r["village_id"], r["village__name"], r["in_scope"]) for r in rows]
