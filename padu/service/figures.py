"""The one-stop service in numbers: requests by kind, status, area and age, and the share
answered within their deadline. Counts only: no request's content."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from padu.regions.models import Region

from .choices import CLOSED_STATUSES, RequestKind, RequestStatus
from .models import ServiceRequest

#: The ages of open requests, in days since they came in: (label, from, to).
AGE_BANDS = [
    ("0–7 hari", 0, 7),
    ("8–14 hari", 8, 14),
    ("15–30 hari", 15, 30),
    ("> 30 hari", 31, None),
]


@dataclass(frozen=True)
class ServiceFigures:
    by_kind: list[tuple[str, int, int, int]]  # kind label, all, open, overdue
    by_status: list[tuple[str, int]]
    open_by_age: list[tuple[str, int]]
    by_district: list[tuple[str, int, int]]  # district name, all, open
    answered: int  # closed with an answer (joined duplicates aside)
    answered_on_time: int

    @property
    def total(self) -> int:
        return sum(row[1] for row in self.by_kind)

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.answered_on_time / self.answered) if self.answered else None


def service_figures(
    within: str | None = None, *, today: dt.date | None = None
) -> ServiceFigures | None:
    """The figures of the requests about ``within`` (all when None); None when there are
    none (one query)."""
    today = today or timezone.localdate()
    requests = ServiceRequest.objects.all()
    if within:
        requests = requests.filter(village__code__within=within)
    open_ = ~Q(status__in=CLOSED_STATUSES)
    kinds = {
        row["kind"]: row
        for row in requests.values("kind").annotate(
            n=Count("id"),
            open=Count("id", filter=open_),
            overdue=Count("id", filter=open_ & Q(due_on__lt=today)),
        )
    }
    if not kinds:
        return None
    statuses = dict(requests.values_list("status").annotate(n=Count("id")))
    created = dict(requests.filter(open_).values_list("received_on").annotate(n=Count("id")))
    ages = [0] * len(AGE_BANDS)
    for day, n in created.items():
        age = (today - day).days
        for i, (_label, low, high) in enumerate(AGE_BANDS):
            if age >= low and (high is None or age <= high):
                ages[i] += n
    districts = list(
        requests.annotate(district=Substr("village_id", 1, 8))
        .values("district")
        .annotate(n=Count("id"), open=Count("id", filter=open_))
        .order_by("-n")[:40]
    )
    names = dict(
        Region.objects.filter(code__in=[d["district"] for d in districts]).values_list(
            "code", "name"
        )
    )
    closed = requests.filter(
        status__in=CLOSED_STATUSES - {RequestStatus.JOINED}, closed_at__isnull=False
    )
    on_time = sum(
        1
        for closed_at, due in closed.values_list("closed_at", "due_on").iterator()
        if timezone.localdate(closed_at) <= due
    )
    return ServiceFigures(
        by_kind=[
            (
                label,
                kinds.get(kind, {}).get("n", 0),
                kinds.get(kind, {}).get("open", 0),
                kinds.get(kind, {}).get("overdue", 0),
            )
            for kind, label in RequestKind.choices
        ],
        by_status=[(label, statuses.get(value, 0)) for value, label in RequestStatus.choices],
        open_by_age=[(label, n) for (label, _l, _h), n in zip(AGE_BANDS, ages, strict=True)],
        by_district=[
            (names.get(d["district"], d["district"]), d["n"], d["open"]) for d in districts
        ],
        answered=closed.count(),
        answered_on_time=on_time,
    )
