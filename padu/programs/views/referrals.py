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
from padu.accounts.services import log_access, village_operators
from padu.core.spreadsheet import xlsx_bytes
from padu.core.views import download, number_param
from padu.registry.identity import masked_columns
from padu.registry.models import Family
from padu.registry.queries import head_name
from padu.welfare.concerned import concerned_members
from padu.welfare.models import FamilyWelfare

from ..choices import ReferralStatus
from ..filters import ReferralFilterSet
from ..models import Beneficiary, Referral
from ..services import StaleReferral, intervention_programs, update_referral


def _with_facts(referrals):
    """Referrals with what the queue shows of their family: head's name and desil."""
    latest = FamilyWelfare.objects.filter(family=OuterRef("family")).order_by("-model__fitted_at")
    return referrals.select_related("family__village__parent", "rule", "agency").annotate(
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
        return context

    def _export(self, referrals) -> HttpResponse:
        """One row per member a referral concerns (the head, for a need about the house),
        so that an agency can act on each person."""
        referrals = list(referrals)
        concerned = concerned_members((r.family_id, r.rule_id) for r in referrals)
        rows = [
            [
                r.pk, r.agency.short_name, r.rule.label, r.get_status_display(),
                member.person.full_name, member.person.nik, member.age, "; ".join(member.facts),
                r.family.kk_number, r.head_name, r.family.address, r.family.rt, r.family.rw,
                r.family.village.name, r.family.village_id, r.desil, r.reason,
                r.created_at, r.notes,
            ]
            for r in referrals
            for member in concerned[r.family_id, r.rule_id]
        ]  # fmt: skip
        columns = {
            "ID RUJUKAN": pl.Int64, "OPD": pl.String, "KEBUTUHAN": pl.String,
            "STATUS": pl.String, "NAMA": pl.String, "NIK": pl.String, "UMUR": pl.Int64,
            "KEADAAN": pl.String, "NO KK": pl.String, "KEPALA KELUARGA": pl.String,
            "ALAMAT": pl.String, "RT": pl.String, "RW": pl.String,
            "DESA/KELURAHAN": pl.String, "KODE WILAYAH": pl.String, "DESIL": pl.Int64,
            "ALASAN": pl.String, "DIRUJUK": pl.Datetime("us", "UTC"), "CATATAN": pl.String,
        }  # fmt: skip
        frame = pl.DataFrame(rows, schema=columns, orient="row")
        if not self.request.user.sees_full_identifiers:
            frame = masked_columns(frame, ["NIK", "NO KK"])
        log_access(
            self.request.user,
            kind=AccessKind.EXPORT,
            object_type="referral",
            object_id="*",
            detail=f"{len(referrals)} rujukan, {frame.height} baris",
            request=self.request,
        )
        return download(xlsx_bytes(frame, "rujukan"), "rujukan.xlsx")


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
        family = referral.family
        return render(
            request,
            self.template_name,
            {
                "referral": referral,
                "concerned": concerned_members([(family.pk, referral.rule_id)])[
                    family.pk, referral.rule_id
                ],
                "operators": village_operators(family.village_id),
                "can_open_family": Family.objects.restrict(request.user, Action.VIEW)
                .filter(pk=family.pk)
                .exists(),
                "statuses": ReferralStatus.choices,
                "can_change": Referral.objects.restrict(request.user, Action.CHANGE)
                .filter(pk=referral.pk)
                .exists(),
                "programs": intervention_programs(request.user, referral),
                "interventions": Beneficiary.objects.restrict(request.user, Action.VIEW)
                .filter(family=family, period=f"rujukan #{referral.pk}")
                .select_related("cycle__program"),
            },
        )

    def post(self, request, pk):
        referral = self._object(request, pk)
        seen = request.POST.get("version", "")
        chosen = request.POST.get("program", "")
        program = (
            intervention_programs(request.user, referral).filter(code=chosen).first()
            if chosen
            else None
        )
        try:
            update_referral(
                referral,
                actor=request.user,
                status=request.POST.get("status", ""),
                notes=request.POST.get("notes", "")[:2000],
                rejection_reason=request.POST.get("rejection_reason", ""),
                seen_version=number_param(seen),
                program=program,
            )
        except StaleReferral:
            messages.error(
                request,
                _(
                    "Rujukan ini baru saja diubah orang lain; periksa perubahannya lalu simpan lagi."
                ),
            )
        except ValueError as error:  # CycleError among them
            messages.error(request, str(error))
        else:
            messages.success(request, _("Rujukan disimpan."))
        return redirect("programs:referral-detail", pk=pk)
