import datetime as dt

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padu.accounts.choices import Role
from padu.regions.filters import RegionFilter
from padu.registry.filters import RegionPickerMixin
from padu.welfare.models import NeedRule

from .choices import ReferralStatus
from .models import Referral


def needs_of(user):
    """The needs a user's queue can hold: an agency officer's agency's own, else all."""
    rules = NeedRule.objects.order_by("dimension", "label")
    if user.role == Role.AGENCY_OFFICER:
        return rules.filter(agency_id=user.agency_id)
    return rules


class ReferralFilterSet(RegionPickerMixin, django_filters.FilterSet):
    """An agency's queue by area, need, status, desil and how long a referral has waited."""

    wilayah = RegionFilter(field_name="family__village__code", label=_("Wilayah"))
    kebutuhan = django_filters.ModelChoiceFilter(
        field_name="rule",
        to_field_name="code",
        queryset=lambda request: needs_of(request.user),
        label=_("Kebutuhan"),
        empty_label=_("semua"),
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
