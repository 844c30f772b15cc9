import datetime as dt

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padu.organisations.choices import Sector
from padu.regions.filters import RegionFilter

from .choices import ReferralStatus
from .models import Referral


class ReferralFilterSet(django_filters.FilterSet):
    """An agency's queue by area, need, status, desil and how long a referral has waited."""

    wilayah = RegionFilter(field_name="family__village__code", label=_("Wilayah (kode)"))
    kebutuhan = django_filters.ChoiceFilter(
        field_name="rule__dimension", choices=Sector.choices, label=_("Kebutuhan")
    )
    status = django_filters.ChoiceFilter(choices=ReferralStatus.choices, label=_("Status"))
    desil = django_filters.NumberFilter(
        field_name="desil", lookup_expr="lte", label=_("Desil sampai"), min_value=1, max_value=10
    )
    umur = django_filters.NumberFilter(
        method="waited_at_least",
        label=_("Dirujuk sedikitnya (hari)"),
        min_value=0,
        max_value=3650,
    )

    class Meta:
        model = Referral
        fields = []

    def waited_at_least(self, queryset, name, value):
        return queryset.filter(created_at__lte=timezone.now() - dt.timedelta(days=int(value)))
