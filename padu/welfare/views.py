from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from padu.accounts.mixins import RestrictedMixin
from padu.core.choices import ACTIVE_RUN_STATUSES
from padu.core.views import PolledStatusView

from .choices import PovertyStatus
from .forms import StartClassificationForm
from .models import ClassificationRun
from .services import cancel_classification, newest_models, queue_classification, results_by_area


class RunListView(RestrictedMixin, ListView):
    """Classification runs: start one, follow it, and what each found."""

    model = ClassificationRun
    template_name = "welfare/run_list.html"
    context_object_name = "runs"
    paginate_by = 20

    def get_queryset(self):
        return super().get_queryset().select_related("started_by", "region").order_by("-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active"] = ClassificationRun.objects.active().first()
        # What is current, whoever classified (this page, padu classify or the demo).
        context["models"] = (
            newest_models(within=self.request.user.region_id)
            .select_related("regency")
            .defer("specification", "cutoffs")
            .order_by("regency_id")
        )
        context.setdefault("form", StartClassificationForm(user=self.request.user))
        areas = results_by_area(self.request.user.region_id)
        statuses = PovertyStatus.values

        def cells(families: dict, persons: dict) -> list[tuple[int, int, str]]:
            return [(families.get(s, 0), persons.get(s, 0), s) for s in statuses]

        context["statuses"] = PovertyStatus.choices
        context["areas"] = [
            (a.area, a.name, cells(a.families, a.persons), a.by_desil) for a in areas
        ]
        context["totals"] = (
            cells(
                {s: sum(a.families.get(s, 0) for a in areas) for s in statuses},
                {s: sum(a.persons.get(s, 0) for a in areas) for s in statuses},
            ),
            [sum(a.by_desil[i] for a in areas) for i in range(10)],
        )
        return context

    def post(self, request):
        form = StartClassificationForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            queue_classification(
                actor=request.user, region=data["region"], refit=data["refit"], year=data["year"]
            )
            messages.success(request, _("Penilaian dimulai di latar belakang."))
            return redirect("welfare:run-list")
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class CancelRunView(RestrictedMixin, View):
    model = ClassificationRun

    def post(self, request, pk):
        run = get_object_or_404(self.get_queryset(), pk=pk)
        cancel_classification(run, actor=request.user)
        messages.info(request, _("Pembatalan diminta."))
        return redirect("welfare:run-list")


class RunStatusView(RestrictedMixin, PolledStatusView):
    template_name = "welfare/_run_status.html"
    context_object_name = "run"
    model = ClassificationRun
    active_statuses = ACTIVE_RUN_STATUSES
