"""The data custodian's import pages: upload, preview, commit, follow progress, read the report."""

from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from padu.accounts.choices import AccessKind
from padu.accounts.mixins import RestrictedMixin
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.views import PolledStatusView, download, number_param

from .choices import BatchStatus, Severity
from .filters import IssueFilterSet
from .forms import DatasetForm, MappingForm, UploadForm, VillageForm, WithdrawForm
from .layouts import layout_title, layouts_for_docs
from .mapping import mapping_from_dict, undecided_mapping
from .models import ImportBatch, SourceDataset
from .reading import stored_upload
from .reporting import issue_kinds, rejected_rows_file
from .services import (
    DatasetError,
    add_dataset,
    commit_batch,
    create_batch,
    discard_draft,
    move_dataset,
    preview_batch,
    request_cancel,
    set_batch_mapping,
    withdraw_batch,
)

ISSUES_PER_PAGE = 50
ACTIVE = (BatchStatus.QUEUED, BatchStatus.RUNNING)


class BatchMixin(RestrictedMixin):
    model = ImportBatch

    def get_batch(self) -> ImportBatch:
        return get_object_or_404(
            self.get_queryset().select_related(
                "dataset", "imported_by", "replaces", "withdrawn_by"
            ),
            pk=self.kwargs["pk"],
        )


class BatchListView(BatchMixin, ListView):
    template_name = "sources/batch_list.html"
    context_object_name = "batches"
    paginate_by = 25

    def get_queryset(self):
        return super().get_queryset().select_related("dataset", "imported_by").order_by("-pk")


class UploadView(BatchMixin, FormView):
    template_name = "sources/upload.html"
    form_class = UploadForm
    action = Action.CHANGE

    def get_initial(self):
        return {"dataset": self.request.GET.get("sumber")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["follow_up_of"] = self._follow_up_of(self.request.GET.get("lanjutan"))
        context["layouts"] = layouts_for_docs()
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        follow_up_of = self._follow_up_of(self.request.POST.get("follow_up_of"))
        family_upload = form.cleaned_data["family_file"]
        with stored_upload(upload) as path, stored_upload(family_upload) as family_path:
            batch = create_batch(
                path,
                dataset=form.cleaned_data["dataset"],
                actor=self.request.user,
                mapping=form.cleaned_data["mapping_file"],
                follow_up_of=follow_up_of,
                file_name=upload.name,
                family_path=family_path,
                family_file_name=family_upload.name if family_upload else "",
                draft=True,
            )
        return redirect("sources:batch-detail", pk=batch.pk)

    def _follow_up_of(self, pk: str | None) -> ImportBatch | None:
        """The batch whose rejected rows this upload corrects, if the user may see it."""
        number = number_param(pk)
        if number is None:
            return None
        return self.get_queryset().filter(pk=number).first()


class BatchDetailView(BatchMixin, DetailView):
    """A draft shows its preview; a queued or running batch its progress; a finished one
    its report, with the problems row by row."""

    context_object_name = "batch"

    def get_object(self, queryset=None):
        return self.get_batch()

    def get_template_names(self):
        if self.object.status == BatchStatus.DRAFT:
            return ["sources/batch_preview.html"]
        return ["sources/batch_detail.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self.object
        if batch.status == BatchStatus.DRAFT:
            context["preview"] = preview_batch(batch)
            context["mapping_form"] = MappingForm()
            context["village_form"] = VillageForm(
                initial={"village": batch.mapping.get("defaults", {}).get("village", "")}
            )
            return context
        if batch.status == BatchStatus.COMPLETED:
            context["withdraw_form"] = WithdrawForm()
        context["layout_title"] = layout_title(batch.layout)
        kinds = issue_kinds(batch)
        issues = IssueFilterSet(
            self.request.GET,
            queryset=batch.issues.order_by("row_number", "id"),
            kinds=[k.code for k in kinds],
        )
        # A filter that does not hold (a kind this batch has none of) shows every row.
        chosen = issues.form.cleaned_data if issues.is_valid() else {}
        context["severity"] = chosen.get("tingkat") or ""
        context["severities"] = Severity.choices
        context["kinds"] = kinds
        context["kind"] = chosen.get("jenis") or ""
        context["issues_page"] = Paginator(
            issues.qs if issues.is_valid() else issues.queryset, ISSUES_PER_PAGE
        ).get_page(self.request.GET.get("page"))
        context["active"] = batch.status in ACTIVE
        log_access(
            self.request.user,
            kind=AccessKind.VIEW,
            object_type="import_batch",
            object_id=batch.pk,
            request=self.request,
        )
        return context


class BatchStatusView(BatchMixin, PolledStatusView):
    template_name = "sources/_batch_status.html"
    context_object_name = "batch"
    active_statuses = ACTIVE

    def get_object(self, queryset=None):
        return self.get_batch()


class CommitView(BatchMixin, View):
    def post(self, request, pk):
        batch = self.get_batch()
        if commit_batch(batch, actor=request.user):
            messages.success(request, _("Impor dimulai di latar belakang."))
        return redirect("sources:batch-detail", pk=pk)


class CancelView(BatchMixin, View):
    def post(self, request, pk):
        batch = self.get_batch()
        if batch.status == BatchStatus.DRAFT:
            discard_draft(batch, actor=request.user)
            messages.info(request, _("Pratinjau dibatalkan; tidak ada yang diimpor."))
            return redirect("sources:batch-list")
        request_cancel(batch, actor=request.user)
        messages.info(request, _("Pembatalan diminta; basis data akan dikembalikan."))
        return redirect("sources:batch-detail", pk=pk)


class MappingView(BatchMixin, FormView):
    """Settle a draft's columns with a mapping file, then preview again."""

    action = Action.CHANGE
    form_class = MappingForm
    http_method_names = ["post"]

    def form_valid(self, form):
        set_batch_mapping(
            self.get_batch(), form.cleaned_data["mapping_file"], actor=self.request.user
        )
        return redirect("sources:batch-detail", pk=self.kwargs["pk"])

    def form_invalid(self, form):
        for error in form.errors.get("mapping_file", []):
            messages.error(self.request, error)
        return redirect("sources:batch-detail", pk=self.kwargs["pk"])


class VillageView(BatchMixin, FormView):
    """Name the village of a one-village file (OpenSID, BIP …) before committing it."""

    action = Action.CHANGE
    form_class = VillageForm
    http_method_names = ["post"]

    def form_valid(self, form):
        batch = self.get_batch()
        mapping = mapping_from_dict(batch.mapping).in_village(form.cleaned_data["village"])
        set_batch_mapping(batch, mapping, actor=self.request.user)
        return redirect("sources:batch-detail", pk=batch.pk)

    def form_invalid(self, form):
        for error in form.errors.get("village", []):
            messages.error(self.request, error)
        return redirect("sources:batch-detail", pk=self.kwargs["pk"])


class WithdrawView(BatchMixin, FormView):
    """Take a completed batch back (its records become history at the next matching run)."""

    action = Action.CHANGE
    form_class = WithdrawForm
    http_method_names = ["post"]

    def form_valid(self, form):
        batch = self.get_batch()
        try:
            count = withdraw_batch(
                batch, actor=self.request.user, reason=form.cleaned_data["reason"]
            )
        except ValueError as error:
            messages.error(self.request, str(error))
        else:
            messages.success(
                self.request,
                _("Batch ditarik: %(n)s rekamannya keluar dari data pada pencocokan berikutnya.")
                % {"n": f"{count:,}".replace(",", ".")},
            )
        return redirect("sources:batch-detail", pk=batch.pk)

    def form_invalid(self, form):
        messages.error(self.request, _("Tulis alasan penarikan: riwayat menyimpannya."))
        return redirect("sources:batch-detail", pk=self.kwargs["pk"])


class StarterMappingView(BatchMixin, View):
    def get(self, request, pk):
        batch = self.get_batch()
        preview = preview_batch(batch)
        # A file whose header Padu cannot find gets its sheets' first rows to choose from.
        if preview.error and not batch.file:
            messages.error(request, preview.error)
            return redirect("sources:batch-detail", pk=batch.pk)
        body = (
            undecided_mapping(Path(batch.file.path)) if preview.error else preview.starter_mapping
        )
        return download(body, f"pemetaan-batch-{pk}.yaml")


class RejectedRowsView(BatchMixin, View):
    """The rejected rows as they were, with a PESAN PADU column, to correct and import again."""

    action = Action.EXPORT

    def get(self, request, pk, extension):
        batch = self.get_batch()
        body, count = rejected_rows_file(batch, extension)
        log_access(
            request.user,
            kind=AccessKind.EXPORT,
            object_type="import_batch",
            object_id=batch.pk,
            detail=f"baris ditolak ({count}) .{extension}",
            request=request,
        )
        return download(body, f"ditolak-batch-{batch.pk}.{extension}")


class DatasetListView(RestrictedMixin, FormView):
    """The sources, from the most trusted down: add one, move one up or down."""

    model = SourceDataset
    template_name = "sources/dataset_list.html"
    form_class = DatasetForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["datasets"] = self.get_queryset().order_by("-precedence", "name")
        return context

    def form_valid(self, form):
        try:
            dataset = add_dataset(
                form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                description=form.cleaned_data["description"],
                actor=self.request.user,
            )
        except DatasetError as error:
            form.add_error("name", str(error))
            return self.form_invalid(form)
        messages.success(self.request, _("Sumber %(name)s ditambahkan.") % {"name": dataset.name})
        return redirect("sources:dataset-list")


class DatasetMoveView(RestrictedMixin, View):
    model = SourceDataset

    def post(self, request, pk):
        dataset = get_object_or_404(self.get_queryset(), pk=pk)
        move_dataset(dataset, up=request.POST.get("arah") == "naik", actor=request.user)
        return redirect("sources:dataset-list")
