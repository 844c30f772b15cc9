"""An agency's work queue of referrals: filter, export, and move each one along."""

import polars as pl
from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django_filters.views import FilterView

from padu.accounts.choices import AccessKind
from padu.accounts.mixins import RestrictedMixin
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.spreadsheet import CONTENT_TYPES, xlsx_bytes
from padu.organisations.choices import Sector
from padu.registry.queries import head_name
from padu.welfare.models import FamilyWelfare

from .choices import ReferralStatus
from .filters import ReferralFilterSet
from .models import Referral
from .services import StaleReferral, update_referral


def _with_facts(referrals):
    """Referrals with what the queue shows of their family: head's name and desil."""
    latest = FamilyWelfare.objects.filter(family=OuterRef("family")).order_by("-model__fitted_at")
    return referrals.select_related("family__village", "rule", "agency").annotate(
        head_name=head_name("family"),
        desil=Subquery(latest.values("desil")[:1]),
    )


class ReferralListView(RestrictedMixin, FilterView):
    """An agency's work queue (or a region's referrals): filters, pages and an Excel file."""

    model = Referral
    filterset_class = ReferralFilterSet
    template_name = "programs/referral_list.html"
    context_object_name = "referrals"
    paginate_by = 50

    def current_action(self) -> str:
        return Action.EXPORT if self.request.GET.get("format") == "xlsx" else Action.VIEW

    def get_queryset(self):
        return _with_facts(super().get_queryset()).order_by("created_at", "pk")

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx":
            filterset = self.get_filterset(self.get_filterset_class())
            if filterset.is_valid():
                return self._export(filterset.qs)
        log_access(
            request.user,
            kind=AccessKind.LIST,
            object_type="referral",
            object_id="*",
            request=request,
        )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = ReferralStatus.choices
        context["dimensions"] = Sector.choices
        return context

    def _export(self, referrals) -> HttpResponse:
        rows = referrals.values_list(
            "pk", "agency__short_name", "rule__label", "reason", "status", "family__kk_number",
            "head_name", "family__address", "family__rt", "family__rw", "family__village__name",
            "family__village_id", "desil", "created_at", "notes",
        )  # fmt: skip
        columns = [
            "ID RUJUKAN", "OPD", "KEBUTUHAN", "ALASAN", "STATUS", "NO KK", "KEPALA KELUARGA",
            "ALAMAT", "RT", "RW", "DESA/KELURAHAN", "KODE WILAYAH", "DESIL", "DIRUJUK", "CATATAN",
        ]  # fmt: skip
        frame = pl.DataFrame(
            [list(row) for row in rows.iterator()],
            schema=columns,
            orient="row",
            infer_schema_length=None,
        )
        frame = frame.with_columns(pl.col("DIRUJUK").cast(pl.String))
        log_access(
            self.request.user,
            kind=AccessKind.EXPORT,
            object_type="referral",
            object_id="*",
            request=self.request,
        )
        response = HttpResponse(
            xlsx_bytes(frame, "rujukan"),
            content_type=CONTENT_TYPES["xlsx"],
        )
        response["Content-Disposition"] = 'attachment; filename="rujukan.xlsx"'
        return response


class ReferralDetailView(RestrictedMixin, View):
    """A referral, and (for the agency it is addressed to) the form that moves it along."""

    model = Referral
    template_name = "programs/referral_detail.html"

    def _object(self, request, pk):
        # Another agency's referral, or one outside the officer's region, does not exist;
        # a role that may see but not change it gets a 403 at the door for POST.
        return get_object_or_404(_with_facts(self.get_queryset()), pk=pk)

    def get(self, request, pk):
        referral = self._object(request, pk)
        log_access(
            request.user,
            kind=AccessKind.VIEW,
            object_type="referral",
            object_id=pk,
            request=request,
        )
        return render(
            request,
            self.template_name,
            {
                "referral": referral,
                "statuses": ReferralStatus.choices,
                "can_change": Referral.objects.restrict(request.user, Action.CHANGE)
                .filter(pk=referral.pk)
                .exists(),
            },
        )

    def post(self, request, pk):
        referral = self._object(request, pk)
        seen = request.POST.get("version", "")
        try:
            update_referral(
                referral,
                actor=request.user,
                status=request.POST.get("status", ""),
                notes=request.POST.get("notes", "")[:2000],
                rejection_reason=request.POST.get("rejection_reason", ""),
                seen_version=int(seen) if seen.isdigit() else None,
            )
        except StaleReferral:
            messages.error(
                request,
                _(
                    "Rujukan ini baru saja diubah orang lain; periksa perubahannya lalu simpan lagi."
                ),
            )
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Rujukan disimpan."))
        return redirect("programs:referral-detail", pk=pk)
