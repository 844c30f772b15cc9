import polars as pl
from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import DetailView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from padu.accounts import policy
from padu.accounts.choices import AccessKind
from padu.accounts.mixins import RestrictedMixin, restricted
from padu.accounts.models import AccessLog
from padu.accounts.policy import Action, Scope
from padu.accounts.services import log_access, log_shown
from padu.core.history import described_changes, history_of
from padu.core.paging import CountedOncePaginator, late_annotate
from padu.core.spreadsheet import spreadsheet_bytes
from padu.core.views import download

from . import choices as c
from .filters import FamilyFilterSet, PersonFilterSet
from .forms import REVEAL_PURPOSES, RevealForm, SubjectForm
from .identity import masked
from .lists import FAMILIES, PERSONS, Rows, list_classes, prepare
from .models import PROGRAM_FIELDS, Family, FamilyPhoto, Person
from .panels import render_family_panels
from .queries import head_name, member_count
from .subject import subject_access
from .tables import FamilyTable, PersonTable

#: The columns the lists read of a family and of a person.
FAMILY_COLUMNS = ("kk_number", "village", "rt", "rw", "address", "verification_status",
                  "verified_on", *PROGRAM_FIELDS)  # fmt: skip
PERSON_COLUMNS = ("family", "full_name", "nik", "birth_date", "sex", "relationship")
#: The most rows an .xlsx sheet holds (Excel's limit, less the header).
EXCEL_ROW_LIMIT = 1_048_575


class _RowsListView(RestrictedMixin, SingleTableMixin, FilterView):
    """A list of the families or persons a user may see: the filters and columns of
    registry and of the apps above it (padu.registry.lists), sortable, with page numbers,
    and the filtered rows as an Excel or CSV file. Every page and file is in the access log."""

    rows: Rows
    noun: str
    base_filterset = None
    base_table = None
    table_pagination = {"per_page": 25, "paginator_class": CountedOncePaginator}

    def current_action(self) -> str:
        return Action.EXPORT if self.export_format() else Action.VIEW

    def export_format(self) -> str | None:
        wanted = self.request.GET.get("format")
        return wanted if wanted in ("xlsx", "csv") else None

    def get_filterset_class(self):
        return list_classes(self.base_filterset, self.base_table, self.rows)[0]

    def get_table_class(self):
        return list_classes(self.base_filterset, self.base_table, self.rows)[1]

    def get_queryset(self):
        return prepare(self.with_facts(super().get_queryset()), self.rows)

    def get_table_data(self):
        rows = super().get_table_data()
        if "search_rank" in rows.query.annotations and not self.request.GET.get("sort"):
            return rows.order_by("search_rank", "pk")  # the best matches first
        return rows

    def counting(self) -> bool:
        """The page asks for the total of its rows, which it was shown without."""
        return self.request.GET.get("hitung") == "1"

    def get_table_pagination(self, table):
        # A page does not wait for its total; the total is what ``?hitung=1`` answers.
        return {**super().get_table_pagination(table), "defer_count": not self.counting()}

    def get_table_kwargs(self):
        searching = (self.request.GET.get("q") or "").strip()
        kwargs = {"reveal": self.request.user.sees_full_identifiers}
        if searching and not self.request.GET.get("sort"):
            kwargs["order_by"] = ()
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = context["table"]
        context["paginator"] = table.paginator
        context[self.rows.name] = [row.record for row in table.paginated_rows]
        return context

    def get(self, request, *args, **kwargs):
        if self.counting():
            return self.total(request)
        extension = self.export_format()
        if extension:
            self.filterset = self.get_filterset(self.get_filterset_class())
        if extension and self.filterset.is_valid():
            # A file of what is filtered: no page of the list is counted or read for it.
            response = self.export(self.filterset.qs, extension)
        else:
            response = super().get(request, *args, **kwargs)
        searched = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        shown = " ".join(f"{k}={v}" for k, v in searched.items() if v not in (None, "", []))
        if extension:
            kind, detail = AccessKind.EXPORT, f"{shown} .{extension}".strip()[:300]
        else:  # which rows the page showed (the ids last: a long filter is cut, not them)
            ids = ",".join(str(row.pk) for row in response.context_data[self.rows.name])
            page = request.GET.get("page", "1")
            kind = AccessKind.LIST
            detail = f"{shown[: 280 - len(ids)]} halaman={page} id={ids}".strip()[-300:]
        log_access(
            request.user,
            kind=kind,
            object_type=self.model._meta.model_name,
            object_id="*",
            detail=detail,
            request=request,
        )
        return response

    def total(self, request):
        """How many rows the filters find (counted now, and kept for the pages after)."""
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = (
            self.filterset.qs if self.filterset.is_valid() else self.model.objects.none()
        )
        table = self.get_table(**self.get_table_kwargs())
        return render(
            request, "registry/_count.html", {"count": table.paginator.count, "noun": self.noun}
        )

    def export(self, rows, extension: str):
        if extension == "xlsx" and rows.count() > EXCEL_ROW_LIMIT:
            messages.error(
                self.request,
                _(
                    "Terlalu banyak baris untuk Excel (lebih dari %(n)s); unduh CSV, atau saring lagi."
                )
                % {"n": number_format(EXCEL_ROW_LIMIT, force_grouping=True)},
            )
            return redirect(f"{self.request.path}?{self._query_without('format')}")
        table = self.get_table_class()(rows, reveal=self.request.user.sees_full_identifiers)
        header, *values = table.as_values()
        frame = pl.DataFrame(
            [["" if cell is None else str(cell) for cell in row] for row in values],
            schema=[str(name) for name in header],
            orient="row",
        )
        body = spreadsheet_bytes(frame, extension, self.rows.name)
        return download(body, f"{self.rows.name}.{extension}")

    def _query_without(self, name: str) -> str:
        query = self.request.GET.copy()
        query.pop(name, None)
        return query.urlencode()


class FamilyListView(_RowsListView):
    model = Family
    rows = FAMILIES
    base_filterset = FamilyFilterSet
    base_table = FamilyTable
    template_name = "registry/family_list.html"
    noun = gettext_lazy("keluarga")  # what the list counts: "60.204 keluarga"

    def with_facts(self, families):
        # Only what the table shows: a sort by a column sorts these, not whole rows.
        return late_annotate(
            families.select_related("village").only(*FAMILY_COLUMNS, "village__name"),
            head_name=head_name(),
            member_count=member_count(),
        )


class PersonListView(_RowsListView):
    model = Person
    rows = PERSONS
    base_filterset = PersonFilterSet
    base_table = PersonTable
    template_name = "registry/person_list.html"
    noun = gettext_lazy("orang")

    def with_facts(self, persons):
        return (
            persons.filter(lifecycle=c.Lifecycle.ACTIVE)
            .select_related("family__village")
            .only(*PERSON_COLUMNS, "family__kk_number", "family__village__name")
        )


class FamilyDetailView(RestrictedMixin, DetailView):
    model = Family
    template_name = "registry/family_detail.html"
    context_object_name = "family"

    def get_queryset(self):
        return super().get_queryset().select_related("village")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        family = self.object
        context["members"] = family.members.order_by("id")
        context["regions"] = [*family.village.ancestors(), family.village]
        context["history"] = [
            (entry, described_changes(entry))
            for entry in history_of(family, *context["members"]).select_related("content_type")[:30]
        ]
        context["panels"] = render_family_panels(family, self.request)
        context["purposes"] = REVEAL_PURPOSES
        log_access(
            self.request.user,
            kind=AccessKind.VIEW,
            object_type="family",
            object_id=family.pk,
            detail=_("melalui rujukan ke OPD-nya")
            if policy.granted_scope(self.request.user, Family, Action.VIEW) == Scope.REFERRED
            else "",
            request=self.request,
        )
        return context


class FamilyPhotoView(RestrictedMixin, DetailView):
    """A house photo, to those who may see the family (personal data: never a public URL)."""

    model = FamilyPhoto

    def render_to_response(self, context, **kwargs):
        log_shown(
            self.request, object_type="family_photo", ids=[self.object.pk], kind=AccessKind.VIEW
        )
        return FileResponse(self.object.image.open("rb"), content_type="image/jpeg")


@require_POST
@restricted(Family, post=Action.VIEW)
def reveal_identifier(request, pk):
    """One NIK or No KK whole, for a user who sees them masked: a deliberate act, logged
    with its purpose."""
    family = get_object_or_404(Family.objects.restrict(request.user, Action.VIEW), pk=pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Pilih keperluannya dulu."))
    person_id = form.cleaned_data["person"]
    if person_id:
        person = get_object_or_404(family.members, pk=person_id)
        number, object_type, object_id = person.nik, "person", person.pk
    else:
        number, object_type, object_id = family.kk_number, "family", family.pk
    purpose = dict(REVEAL_PURPOSES)[form.cleaned_data["purpose"]]
    log_access(
        request.user,
        kind=AccessKind.REVEAL,
        object_type=object_type,
        object_id=object_id,
        detail=f"keperluan: {purpose}",
        request=request,
    )
    return HttpResponse(format_html('<span class="mono">{}</span>', number or "—"))


@restricted(AccessLog)
def subject_document(request):
    """A data subject's request (UU 27/2022): for one NIK, everything Padu holds and every
    processing of it, as a page and as a PDF to hand over. The data custodian answers for
    the persons of their region; the answer is itself in the access log."""
    form = SubjectForm(request.GET or None)
    report = None
    if form.is_valid():
        persons = Person.objects.restrict(request.user, Action.EXPORT)
        report = subject_access(form.cleaned_data["nik"], persons)
        printing = request.GET.get("format") == "pdf"
        log_access(
            request.user,
            kind=AccessKind.EXPORT if printing else AccessKind.VIEW,
            object_type="person",
            object_id=",".join(str(p.pk) for p in report.persons)[:64] or "-",
            detail=f"dokumen subjek data NIK {masked(report.nik)}",
            request=request,
        )
        if printing and report.persons:
            html = render_to_string("registry/subject_document.html", {"report": report})
            return download(subject_pdf(html), f"subjek-data-{report.nik}.pdf")
    return render(request, "registry/subject.html", {"form": form, "report": report})


def subject_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only documents need

    return HTML(string=html).write_pdf()
