import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padu.regions.filters import RegionFilter

from .choices import CLOSED_STATUSES, Channel, RequestKind, RequestStatus
from .models import ServiceRequest


class RequestFilterSet(django_filters.FilterSet):
    """The officer's queue: open requests first by deadline, narrowed by kind, status, area,
    channel, the overdue ones, or a ticket number."""

    tiket = django_filters.CharFilter(label=_("Tiket"), field_name="ticket", lookup_expr="iexact")
    jenis = django_filters.ChoiceFilter(
        label=_("Jenis"), field_name="kind", choices=RequestKind.choices, empty_label=_("semua")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[("terbuka", _("semua yang terbuka")), *RequestStatus.choices],
        method="by_status",
        empty_label=_("semua"),
    )
    wilayah = RegionFilter(label=_("Wilayah"), field_name="village__code")
    saluran = django_filters.ChoiceFilter(
        label=_("Saluran"), field_name="channel", choices=Channel.choices, empty_label=_("semua")
    )
    terlambat = django_filters.ChoiceFilter(
        label=_("Batas waktu"),
        choices=[("true", _("lewat batas waktu")), ("false", _("belum lewat"))],
        method="by_overdue",
        empty_label=_("semua"),
    )

    class Meta:
        model = ServiceRequest
        fields: list[str] = []

    def by_status(self, queryset, name, value):
        if value == "terbuka":
            return queryset.exclude(status__in=CLOSED_STATUSES)
        return queryset.filter(status=value)

    def by_overdue(self, queryset, name, value):
        today = timezone.localdate()
        overdue = queryset.exclude(status__in=CLOSED_STATUSES).filter(due_on__lt=today)
        return overdue if value == "true" else queryset.exclude(pk__in=overdue.values("pk"))
