"""The custodian's pages (create, follow, check, approve, publish, compare) and the public's
(published aggregates, open data, CKAN metadata)."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from padu.accounts import policy
from padu.accounts.choices import AccessKind
from padu.accounts.mixins import RestrictedMixin
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.choices import ACTIVE_RUN_STATUSES
from padu.core.spreadsheet import CONTENT_TYPES, spreadsheet_bytes
from padu.core.views import PolledStatusView, download, number_param
from padu.regions.codes import ancestor_codes
from padu.regions.models import Region

from . import services, storage
from .choices import ReleaseLifecycle
from .diff import change_label, diff_releases, for_readers, summarise
from .figures import default_area, figures_of, progress_to_zero, sub_area_name, visible_area
from .forms import CreateReleaseForm, DecreeForm, ReasonForm
from .indicators import INDICATORS, INDICATORS_BY_CODE, whole_number
from .models import Release
from .public import (
    PUBLIC_COUNTS,
    PUBLIC_RATES,
    dataset_name,
    hidden_or,
    level_shown,
    public_bytes,
    public_table,
    threshold,
)

#: The indicators a table of areas shows, one column each.
TABLE_INDICATORS = [
    "keluarga_miskin",
    "keluarga_miskin_ekstrem",
    "jiwa_miskin",
    "jiwa_miskin_ekstrem",
    "persentase_keluarga_miskin",
    "p0",
    "p1",
    "p2",
    "cakupan_program_miskin",
    "ekstrem_tanpa_program",
    "cakupan_verivali",
]


class ReleaseListView(RestrictedMixin, ListView):
    """Releases: make one, follow its build, and where each stands."""

    model = Release
    template_name = "releases/release_list.html"
    context_object_name = "releases"
    paginate_by = 20

    def get_queryset(self):
        return super().get_queryset().select_related("region", "started_by").order_by("-number")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = policy.allows(self.request.user, Release, Action.CHANGE)
        context.setdefault("form", CreateReleaseForm())
        return context

    def post(self, request):
        form = CreateReleaseForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                release = services.create_release(
                    actor=request.user,
                    name=data["name"],
                    period=data["period"],
                    region=None,
                    year=data["year"],
                    notes=data["notes"],
                )
            except services.ReleaseError as error:
                messages.error(request, str(error))
                return redirect("releases:release-list")
            messages.success(request, _("Rilis %(n)s sedang disusun.") % {"n": release.number})
            return redirect("releases:release-detail", pk=release.pk)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReleaseDetailView(RestrictedMixin, DetailView):
    """A release: its build, its headline figures, its files, and the next step."""

    model = Release
    template_name = "releases/release_detail.html"
    context_object_name = "release"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related(
                "region", "checked_by", "approved_by", "published_by", "withdrawn_by", "started_by"
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        release, user = self.object, self.request.user
        context["may"] = {
            action: policy.allows(user, Release, action) and _covers_release(user, release)
            for action in (Action.CHANGE, Action.CHECK, Action.APPROVE, Action.EXPORT)
        }
        context["decree_form"] = DecreeForm(
            initial={
                "number": release.decree_number,
                "date": release.decree_date,
                "signatory": release.decree_signatory,
                "notes": release.notes,
            }
        )
        context["reason_form"] = ReasonForm()
        if release.is_built:
            try:
                context["headline"] = _headline(release)
            except storage.ReleaseFilesError as error:
                context["files_error"] = str(error)
        context["earlier"] = (
            Release.objects.restrict(user, Action.VIEW)
            .filter(number__lt=release.number, status="completed")
            .exclude(manifest={})
            .order_by("-number")[:5]
        )
        return context


def _covers_release(user, release) -> bool:
    return release.region_id is None or policy.covers(user, release.region_id)


def _headline(release) -> list[tuple]:
    figures = figures_of(release).headline(release.region_id)
    return [
        (area, [(indicator, indicator.shown(value)) for indicator, value in area.indicators()])
        for area in figures
    ]


class ReleaseStatusView(RestrictedMixin, PolledStatusView):
    template_name = "releases/_build_status.html"
    context_object_name = "run"
    model = Release
    active_statuses = ACTIVE_RUN_STATUSES


class _Step(RestrictedMixin, View):
    """A POST that moves a release one step; the service decides, the page says why not."""

    model = Release
    form_class = None

    def post(self, request, pk):
        release = get_object_or_404(Release.objects.restrict(request.user, Action.VIEW), pk=pk)
        form = self.form_class(request.POST, request.FILES) if self.form_class else None
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect("releases:release-detail", pk=release.pk)
        try:
            said = self.step(release, form.cleaned_data if form else {})
        except (services.ReleaseError, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        except PermissionDenied as error:
            messages.error(request, str(error) or _("Anda tidak berwenang untuk langkah ini."))
        else:
            if said:
                messages.success(request, said)
            if self.step_deletes:
                return redirect("releases:release-list")
        return redirect("releases:release-detail", pk=release.pk)

    step_deletes = False

    def step(self, release, data) -> str:
        raise NotImplementedError


class CheckView(_Step):
    post_action = Action.CHECK

    def step(self, release, data):
        services.check_release(release, actor=self.request.user)
        return _("Rilis ditandai sudah diperiksa.")


class ApproveView(_Step):
    post_action = Action.APPROVE

    def step(self, release, data):
        services.approve_release(release, actor=self.request.user)
        return _("Rilis disetujui: keputusannya dapat ditandatangani.")


class ReturnView(_Step):
    """A checker, or the leader, sends a release back to its maker."""

    post_action = Action.CHECK
    form_class = ReasonForm

    def current_action(self):
        if policy.allows(self.request.user, Release, Action.APPROVE):
            return Action.APPROVE
        return Action.CHECK

    def step(self, release, data):
        services.return_to_draft(release, actor=self.request.user, reason=data["reason"])
        return _("Rilis dikembalikan ke draf.")


class DecreeView(_Step):
    post_action = Action.CHANGE
    form_class = DecreeForm

    def step(self, release, data):
        services.set_decree(
            release,
            actor=self.request.user,
            number=data["number"],
            date=data["date"],
            signatory=data["signatory"],
            pdf=data["pdf"],
            notes=data["notes"],
        )
        return _("Keputusan disimpan.")


class PublishView(_Step):
    post_action = Action.CHANGE

    def step(self, release, data):
        services.publish_release(release, actor=self.request.user)
        return _("Rilis terbit. Datanya tidak dapat diubah lagi.")


class WithdrawView(_Step):
    post_action = Action.CHANGE
    form_class = ReasonForm

    def step(self, release, data):
        services.withdraw_release(release, actor=self.request.user, reason=data["reason"])
        return _("Rilis ditarik; tetap dapat dibaca dengan keterangan penarikannya.")


class CancelBuildView(_Step):
    post_action = Action.CHANGE

    def step(self, release, data):
        services.cancel_build(release, actor=self.request.user)
        return _("Pembatalan diminta.")


class RebuildView(_Step):
    post_action = Action.CHANGE

    def step(self, release, data):
        services.rebuild_release(release, actor=self.request.user)
        return _("Rilis disusun ulang dari registri saat ini.")


class DiscardView(_Step):
    post_action = Action.CHANGE
    step_deletes = True

    def step(self, release, data):
        services.discard_release(release, actor=self.request.user)
        return _("Rilis dihapus.")


class DecreeFileView(RestrictedMixin, View):
    model = Release

    def get(self, request, pk):
        release = get_object_or_404(self.get_queryset(), pk=pk)
        if not release.decree_file:
            raise Http404
        return FileResponse(release.decree_file.open("rb"), content_type="application/pdf")


class FiguresView(RestrictedMixin, DetailView):
    """The figures of a release for one area and the areas one level below it, with the
    way back up; an area outside the user's region (and not above it) is not shown."""

    model = Release
    template_name = "releases/figures.html"
    context_object_name = "release"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.is_built:
            raise Http404
        area = request.GET.get("wilayah") or self._default_area()
        if not self._may_see(area):
            raise PermissionDenied(_("Wilayah ini di luar wilayah kerja Anda."))
        try:
            figures = figures_of(self.object)
        except storage.ReleaseFilesError as error:
            messages.error(request, str(error))
            return redirect("releases:release-detail", pk=self.object.pk)
        here = figures.area(area)
        if here is None:
            raise Http404
        children = [c for c in figures.children(area) if self._may_see(c.area)]
        rows = [_row(child) for child in children]
        if request.GET.get("unduh") in ("xlsx", "csv"):
            return _download(rows, f"rilis-{self.object.number}-{area}", request.GET["unduh"])
        names = dict(
            Region.objects.filter(code__in=[*ancestor_codes(area), area]).values_list(
                "code", "name"
            )
        )
        series = Release.objects.restrict(self.request.user, Action.VIEW).series_of(self.object)
        context = self.get_context_data(
            area=here,
            area_name=names.get(area.split("/")[0], area),
            crumbs=[
                (code, names.get(code, code))
                for code in ancestor_codes(area)
                if self._may_see(code)
            ],
            indicators=[(i, i.shown(v)) for i, v in here.indicators()],
            columns=[INDICATORS_BY_CODE[code] for code in TABLE_INDICATORS],
            rows=_named(rows),
            series=series,
            trends=self._trends(area, series) if len(series) > 1 else [],
            progress=progress_to_zero(series, area, target_year=settings.ZERO_EXTREME_POVERTY_YEAR),
        )
        return self.render_to_response(context)

    def _default_area(self) -> str:
        return default_area(self.request.user, self.object)

    def _may_see(self, area: str) -> bool:
        return visible_area(self.request.user, self.object, area)

    def _trends(self, area: str, releases: list[Release]) -> list[tuple]:
        """Each figure of the area in each release (a row per figure, a column per release)."""
        rows = {}
        for release in releases:
            here = figures_of(release).area(area)
            for code in TABLE_INDICATORS:
                indicator = INDICATORS_BY_CODE[code]
                value = indicator.value(here.measures) if here else None
                rows.setdefault(indicator, []).append(indicator.shown(value))
        return list(rows.items())


def _row(area) -> dict:
    return {
        "area": area.area,
        "level": area.level,
        **{code: INDICATORS_BY_CODE[code].value(area.measures) for code in TABLE_INDICATORS},
    }


def _named(rows: list[dict]) -> list[dict]:
    codes = [row["area"].split("/")[0] for row in rows]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for row in rows:
        code = row["area"]
        row["name"] = names.get(code) or sub_area_name(code)
        row["shown"] = [INDICATORS_BY_CODE[c].shown(row[c]) for c in TABLE_INDICATORS]
    return rows


def _download(rows: list[dict], name: str, extension: str) -> HttpResponse:
    import polars as pl

    frame = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame()
    body = spreadsheet_bytes(frame, extension, "Angka")
    return download(body, f"{name}.{extension}", personal=False)


class DiffView(RestrictedMixin, DetailView):
    """What changed between this release and another: counts by area on the page; the
    family-by-family list as an Excel download (personal data: exported and logged)."""

    model = Release
    template_name = "releases/diff.html"
    context_object_name = "release"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        other = get_object_or_404(self.get_queryset(), pk=kwargs["other"])
        older, newer = sorted(
            [self.object, other], key=lambda r: (r.as_of is None, r.as_of, r.number)
        )
        if not (older.is_built and newer.is_built):
            raise Http404
        changes = diff_releases(older, newer)
        if request.GET.get("unduh") == "xlsx":
            if not policy.allows(request.user, Release, Action.EXPORT):
                raise PermissionDenied(_("Rincian per keluarga hanya untuk wali data."))
            log_access(
                request.user,
                kind=AccessKind.EXPORT,
                object_type="release_diff",
                object_id=f"{older.number}-{newer.number}",
                detail=f"{changes.height} keluarga",
                request=request,
            )
            return _download(
                for_readers(changes).to_dicts(),
                f"perubahan-rilis-{older.number}-{newer.number}",
                "xlsx",
            )
        by = "village" if request.GET.get("per") == "desa" else "district"
        table = summarise(changes, by=by)
        names = dict(
            Region.objects.filter(code__in=table[by].to_list()).values_list("code", "name")
        )
        columns = [c for c in table.columns if c != by]
        context = self.get_context_data(
            older=older,
            newer=newer,
            by=by,
            total=changes.height,
            may_export=policy.allows(request.user, Release, Action.EXPORT),
            columns=[(c, change_label(c)) for c in columns],
            rows=[
                (names.get(row[by], row[by]), [row[c] for c in columns])
                for row in table.iter_rows(named=True)
            ],
        )
        return self.render_to_response(context)


# The public ---------------------------------------------------------------------------------


def _public_releases():
    return Release.objects.frozen().select_related("region").order_by("-number")


class PublicReleaseListView(TemplateView):
    """Published releases, for anyone: aggregates only."""

    template_name = "releases/public_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            releases=_public_releases(), indicators=INDICATORS, **kwargs
        )


class PublicReleaseView(DetailView):
    """A published release's aggregates by area, small cells hidden."""

    model = Release
    template_name = "releases/public_release.html"
    context_object_name = "release"

    def get_queryset(self):
        return _public_releases()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        table = public_table(self.object)
        levels = sorted(set(table["level"]))
        level = level_shown(levels, number_param(request.GET.get("tingkat")))
        rows = table.filter(table["level"] == level).to_dicts()
        context = self.get_context_data(
            levels=levels,
            level=level,
            counts=PUBLIC_COUNTS[:6],
            rates=list(PUBLIC_RATES),
            rows=[
                (
                    row["name"],
                    row["area"],
                    [hidden_or(row[c], whole_number) for c in PUBLIC_COUNTS[:6]],
                    [hidden_or(row[c], INDICATORS_BY_CODE[c].shown) for c in PUBLIC_RATES],
                )
                for row in rows
            ],
            threshold=threshold(),
            dataset=dataset_name(self.object),
        )
        return self.render_to_response(context)


class PublicDataView(DetailView):
    """A published release's public table as CSV or Parquet."""

    model = Release

    def get_queryset(self):
        return _public_releases()

    def get(self, request, *args, **kwargs):
        release = self.get_object()
        file_format = kwargs["format"]
        return download(
            public_bytes(release, file_format),
            f"{dataset_name(release)}.{file_format}",
            personal=False,
        )


def _package(request, release) -> dict:
    """A published release as CKAN's ``package_show`` result (the national portal's shape)."""
    previous = _public_releases().filter(number__lt=release.number).first()
    resources = []
    for file_format in ("csv", "parquet"):
        body = public_bytes(release, file_format)
        resources.append(
            {
                "id": f"{dataset_name(release)}-{file_format}",
                "name": f"Agregat {release.name} ({file_format.upper()})",
                "format": file_format.upper(),
                "url": request.build_absolute_uri(
                    reverse(f"public-statistics:{file_format}", args=[release.pk])
                ),
                "hash": "sha256:" + hashlib.sha256(body).hexdigest(),
                "size": len(body),
                "mimetype": CONTENT_TYPES[file_format].split(";")[0],
            }
        )
    extras = {
        "periode": release.period,
        "nomor_keputusan": release.decree_number,
        "tanggal_keputusan": release.decree_date.isoformat() if release.decree_date else "",
        "penanda_tangan": release.decree_signatory,
        "keadaan_data_per": release.as_of.isoformat() if release.as_of else "",
        "versi_sebelumnya": dataset_name(previous) if previous else "",
        "ambang_sel_kecil": str(threshold()),
        "wilayah": release.region_id or "",
        "status": release.get_lifecycle_display(),
    }
    if release.lifecycle == ReleaseLifecycle.WITHDRAWN:
        extras["alasan_penarikan"] = release.withdrawal_reason
    return {
        "id": dataset_name(release),
        "name": dataset_name(release),
        "title": f"{release.name} ({release.period})",
        "version": str(release.number),
        "notes": release.notes
        or _("Agregat data tunggal kemiskinan per wilayah; sel kecil disembunyikan."),
        "state": "active" if release.lifecycle == ReleaseLifecycle.PUBLISHED else "deleted",
        "license_id": "cc-by",
        "license_title": "Creative Commons Attribution",
        "organization": {"name": "walidata", "title": _("Wali data daerah (Padu)")},
        "metadata_created": release.published_at.isoformat() if release.published_at else None,
        "metadata_modified": (release.withdrawn_at or release.published_at).isoformat()
        if release.published_at
        else None,
        "tags": [{"name": t} for t in ("kemiskinan", "kemiskinan-ekstrem", "data-tunggal")],
        "resources": resources,
        "extras": [{"key": k, "value": v} for k, v in extras.items()],
        "indicators": [_indicator_meta(INDICATORS_BY_CODE[code]) for code in PUBLIC_RATES],
    }


def _indicator_meta(indicator) -> dict:
    return {
        "kode": indicator.code,
        "nama": indicator.label,
        "konsep_dan_definisi": indicator.definition,
        "rumus": indicator.formula,
        "satuan": indicator.unit,
        "sumber": indicator.source,
        "metode": indicator.method,
        "level_penyajian": indicator.disaggregation,
    }


def _ckan(request, result=None, error=None, status=200) -> JsonResponse:
    body = {"help": request.build_absolute_uri(), "success": error is None}
    body.update({"result": result} if error is None else {"error": error})
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def ckan_package_list(request):
    return _ckan(request, [dataset_name(r) for r in _public_releases()])


def ckan_package_show(request):
    name = request.GET.get("id", "")
    number = number_param(name.removeprefix("padu-rilis-"))
    release = _public_releases().filter(number=number).first() if number is not None else None
    if release is None:
        return _ckan(
            request,
            error={"__type": "Not Found Error", "message": _("Tidak ditemukan")},
            status=404,
        )
    return _ckan(request, _package(request, release))


def indicator_metadata(request):
    """Every indicator's BPS-style metadata, as JSON."""
    return JsonResponse(
        {"indicators": [_indicator_meta(i) for i in INDICATORS]},
        json_dumps_params={"ensure_ascii": False},
    )
