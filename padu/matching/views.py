"""The data custodian's matching pages: run it, follow it, and work the review queue."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from padu.accounts.choices import AccessKind
from padu.accounts.mixins import RestrictedMixin
from padu.accounts.policy import Action
from padu.accounts.services import log_access, log_shown
from padu.core.choices import ACTIVE_RUN_STATUSES
from padu.core.views import PolledStatusView
from padu.sources.models import SourceRecord

from .choices import PairKind, PairStatus, RunMode
from .engine import FEW_PAIRS, model_parameters
from .models import LinkageRun, MatchPair, RecordLink
from .services import decide_pair, queue_matching, split_record


class RunListView(RestrictedMixin, ListView):
    model = LinkageRun
    template_name = "matching/run_list.html"
    context_object_name = "runs"
    paginate_by = 20

    def get_queryset(self):
        return super().get_queryset().select_related("started_by").order_by("-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active"] = super().get_queryset().active().first()
        context["pending"] = _pending_pairs(self.request.user).count()
        context["form"] = StartRunForm()
        return context


class StartRunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Cara"),
        choices=RunMode.choices,
        initial=RunMode.AUTO,
        widget=forms.RadioSelect,
        help_text=_(
            "Otomatis: rekaman baru dicocokkan dengan model terakhir, kecuali sebagian besar "
            "rekaman baru atau belum ada model; maka model dilatih ulang."
        ),
    )


class StartRunView(RestrictedMixin, View):
    model = LinkageRun

    def post(self, request):
        form = StartRunForm(request.POST)
        mode = form.cleaned_data["mode"] if form.is_valid() else RunMode.AUTO
        queue_matching(actor=request.user, mode=mode)
        messages.success(request, _("Pencocokan dimulai di latar belakang."))
        return redirect("matching:run-list")


class RunDetailView(RestrictedMixin, DetailView):
    """A run's figures and the model it used, level by level."""

    template_name = "matching/run_detail.html"
    context_object_name = "run"
    model = LinkageRun

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["comparisons"] = model_parameters(self.object.model)
        context["prior"] = self.object.model.get("probability_two_random_records_match")
        context["few_pairs"] = FEW_PAIRS
        context["near_miss"] = _near_miss_pairs(self.request.user).filter(run=self.object).count()
        return context


class RunStatusView(RestrictedMixin, PolledStatusView):
    template_name = "_run_status.html"
    context_object_name = "run"
    model = LinkageRun
    active_statuses = ACTIVE_RUN_STATUSES


def _pending_pairs(user):
    """The doubtful pairs waiting for a verdict that the user may decide, most likely first."""
    return (
        MatchPair.objects.restrict(user, Action.CHANGE)
        .filter(status=PairStatus.PENDING, kind=PairKind.DOUBTFUL)
        .order_by(*ReviewListView.ordering)
    )


def _near_miss_pairs(user):
    """Merges made on a near-miss NIK alone that nobody has checked yet, weakest first."""
    return (
        MatchPair.objects.restrict(user, Action.CHANGE)
        .filter(status=PairStatus.PENDING, kind=PairKind.NEAR_MISS_NIK)
        .order_by(*NearMissListView.ordering)
    )


class PendingPairsView(RestrictedMixin, ListView):
    """The pending pairs of one kind, the likeliest to need a person first."""

    model = MatchPair
    context_object_name = "pairs"
    paginate_by = 25
    kind: PairKind
    ordering = ["pk"]

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .filter(status=PairStatus.PENDING, kind=self.kind)
            .select_related("left__dataset", "right__dataset")
            .order_by(*self.ordering)
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        log_shown(
            self.request,
            object_type="match_pair",
            ids=[pair.pk for pair in context["pairs"]],
            detail=self.kind.label,
        )
        return context


class ReviewListView(PendingPairsView):
    template_name = "matching/review_list.html"
    kind = PairKind.DOUBTFUL
    ordering = ["-match_probability", "pk"]


class NearMissListView(PendingPairsView):
    """The merges a run made on a near-miss NIK alone, for a data custodian to check and,
    where two people were merged, to undo (the weakest first)."""

    template_name = "matching/near_miss_list.html"
    kind = PairKind.NEAR_MISS_NIK
    ordering = ["match_weight", "pk"]


class PairView(RestrictedMixin, DetailView):
    """Two records side by side, and why Padu thinks they are one person."""

    model = MatchPair
    template_name = "matching/pair.html"
    context_object_name = "pair"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("left__dataset", "left__batch", "right__dataset", "right__batch")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        pair = self.object
        left, right = pair.left, pair.right
        context["rows"] = _side_by_side(left, right)
        widest = max((abs(c["weight"]) for c in pair.contributions), default=1) or 1
        context["reasons"] = [
            {**c, "width": int(100 * abs(c["weight"]) / widest)} for c in pair.contributions
        ]
        log_access(
            self.request.user,
            kind=AccessKind.VIEW,
            object_type="match_pair",
            object_id=pair.pk,
            request=self.request,
        )
        return context


def _side_by_side(left: SourceRecord, right: SourceRecord) -> list[dict]:
    keys = [
        ("Sumber", "dataset"),
        ("ID rekaman", "record_id"),
        ("NIK", "nik"),
        ("Nama", "full_name"),
        ("Jenis kelamin", "sex"),
        ("Tanggal lahir", "birth_date"),
        ("No KK", "kk_number"),
        ("Desa/kelurahan", "village_id"),
        ("RT", "rt"),
        ("RW", "rw"),
    ]
    rows = []
    for label, name in keys:
        a, b = getattr(left, name), getattr(right, name)
        rows.append({"label": label, "left": a, "right": b, "same": str(a) == str(b)})
    raw_left, raw_right = left.raw_row, right.raw_row
    for label in ("ALAMAT", "NAMA IBU KANDUNG", "NAMA IBU"):
        if label in raw_left or label in raw_right:
            a, b = raw_left.get(label), raw_right.get(label)
            rows.append({"label": label.title(), "left": a, "right": b, "same": a == b})
    return rows


class DecideView(RestrictedMixin, View):
    model = MatchPair

    def post(self, request, pk):
        pair = get_object_or_404(self.get_queryset().select_related("left", "right"), pk=pk)
        same = request.POST.get("verdict") == "same"
        decide_pair(pair, same=same, actor=request.user, note=request.POST.get("note", "")[:300])
        if pair.kind == PairKind.NEAR_MISS_NIK:
            return self._after_near_miss(request, same=same)
        messages.success(
            request,
            _("Disimpan: orang yang sama; keduanya digabung pada pencocokan berikutnya.")
            if same
            else _("Disimpan: orang berbeda; keduanya dipisah pada pencocokan berikutnya."),
        )
        following = _pending_pairs(request.user).first()
        if following:
            return redirect("matching:pair", pk=following.pk)
        return redirect("matching:review-list")

    def _after_near_miss(self, request, *, same: bool):
        """A merge on a near-miss NIK confirmed stays; one undone is matched again at once
        (decide_pair queued the run)."""
        if same:
            messages.success(request, _("Disimpan: penggabungan benar, orang tetap satu."))
        else:
            messages.success(
                request,
                _(
                    "Penggabungan dibatalkan: keduanya orang berbeda. Padu mencocokkan ulang "
                    "orang ini sekarang di latar belakang."
                ),
            )
        following = _near_miss_pairs(request.user).first()
        if following:
            return redirect("matching:pair", pk=following.pk)
        return redirect("matching:near-miss-list")


class SplitView(RestrictedMixin, View):
    """Take one source record out of a person it was wrongly merged into."""

    model = RecordLink

    def post(self, request, pk):
        link = get_object_or_404(
            self.get_queryset().select_related("person", "source_record__batch"), pk=pk
        )
        family = link.family_id
        try:
            separated = split_record(link, actor=request.user)
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Rekaman %(record)s kini orang tersendiri: %(name)s.")
                % {"record": link.record_id, "name": separated.full_name},
            )
        return redirect("registry:family-detail", pk=family)
