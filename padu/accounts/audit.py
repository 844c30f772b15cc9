"""Reading the access log for what a data custodian must notice: a user who reads far more
than they usually do, and reading outside working hours."""

import datetime as dt
import statistics
from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import ExtractHour, ExtractWeekDay, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

#: Working hours, local time: from 06:00 to before 20:00, Monday to Saturday (kelurahan
#: offices and field visits keep Saturdays).
WORK_STARTS, WORK_ENDS = 6, 20
SUNDAY = 1  # Django's week_day counts from Sunday = 1
#: A day with more looks than this many times the user's usual day (and more than the
#: floor, so that a quiet user's busy morning is not an alarm) is flagged.
HEAVY_FACTOR, HEAVY_FLOOR = 3, 200
#: How far back a user's usual day is measured.
USUAL_DAYS = 30


def _outside_hours() -> Q:
    return Q(hour__lt=WORK_STARTS) | Q(hour__gte=WORK_ENDS) | Q(weekday=SUNDAY)


def filtered(rows, *, user="", family=None, since=None, until=None, unusual=False):
    if user:
        rows = rows.filter(user__username__iexact=user.strip())
    if family:
        listed = rf"(^|[ =,]){family}(,|$)"
        rows = rows.filter(
            Q(object_type="family")
            & (Q(object_id=str(family)) | Q(object_id="*", detail__regex=listed))
        )
    if since:
        rows = rows.filter(accessed_at__date__gte=since)
    if until:
        rows = rows.filter(accessed_at__date__lte=until)
    if unusual:
        rows = rows.annotate(hour=ExtractHour("accessed_at"), weekday=ExtractWeekDay("accessed_at"))
        heavy = Q()
        for user_id, day in heavy_days(rows):
            heavy |= Q(user_id=user_id, accessed_at__date=day)
        rows = rows.filter(_outside_hours() | heavy) if heavy else rows.filter(_outside_hours())
    return rows


def _daily_counts(rows, user_ids, *, since: dt.date) -> dict[int, dict[dt.date, int]]:
    counts = defaultdict(dict)
    per_day = (
        rows.model.objects.filter(user_id__in=user_ids, accessed_at__date__gte=since)
        .annotate(day=TruncDate("accessed_at"))
        .values_list("user_id", "day")
        .annotate(n=Count("id"))
        .order_by()
    )
    for user_id, day, n in per_day:
        counts[user_id][day] = n
    return counts


def _heavy(days: dict[dt.date, int], day: dt.date) -> tuple[int, float] | None:
    """(that day's looks, the usual day's) when ``day`` stands out, else None."""
    others = [n for d, n in days.items() if d != day]
    usual = statistics.median(others) if others else 0
    count = days.get(day, 0)
    if count > HEAVY_FLOOR and count > HEAVY_FACTOR * usual:
        return count, usual
    return None


def heavy_days(rows) -> list[tuple[int, dt.date]]:
    """The (user, day) pairs of ``rows``' users in the last USUAL_DAYS that stand out."""
    since = timezone.localdate() - dt.timedelta(days=USUAL_DAYS)
    user_ids = rows.order_by().values_list("user_id", flat=True).distinct()
    counts = _daily_counts(rows, list(user_ids), since=since)
    return [
        (user_id, day)
        for user_id, days in counts.items()
        for day in days
        if _heavy(days, day) is not None
    ]


def flags_for(entries) -> dict[int, list[str]]:
    """What is unusual about each of these log rows (a page of the log), in words."""
    if not entries:
        return {}
    oldest = min(timezone.localdate(e.accessed_at) for e in entries)
    counts = _daily_counts(
        type(entries[0]).objects.all(),
        {e.user_id for e in entries},
        since=oldest - dt.timedelta(days=USUAL_DAYS),
    )
    flags = {}
    for entry in entries:
        local = timezone.localtime(entry.accessed_at)
        reasons = []
        if not WORK_STARTS <= local.hour < WORK_ENDS or local.isoweekday() == 7:
            reasons.append(_("di luar jam kerja"))
        heavy = _heavy(counts.get(entry.user_id, {}), local.date())
        if heavy:
            reasons.append(
                _("%(n)s akses hari itu, biasanya %(usual)s")
                % {"n": heavy[0], "usual": round(heavy[1])}
            )
        if reasons:
            flags[entry.pk] = reasons
    return flags
