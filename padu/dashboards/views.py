"""The leader's dashboard and map, from the release in force, and the public portal."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import TemplateView

from padu.accounts import policy
from padu.accounts.choices import AccessKind
from padu.accounts.mixins import RestrictedMixin
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.spreadsheet import spreadsheet_bytes
from padu.core.views import download, number_param
from padu.regions.codes import ancestor_codes
from padu.regions.models import Region
from padu.releases import storage
from padu.releases.choices import ReleaseLifecycle
from padu.releases.figures import (
    default_area,
    figures_of,
    progress_to_zero,
    sub_area_name,
    visible_area,
)
from padu.releases.figures import trend as figure_trend
from padu.releases.indicators import INDICATORS_BY_CODE, NEED_DIMENSIONS, whole_number
from padu.releases.models import Release
from padu.releases.public import dataset_name, hidden_or, level_shown, public_table, threshold
from padu.releases.snapshot import FLAG_PROGRAMS
from padu.welfare.choices import PovertyStatus

from . import charts, reports
from .maps import CLASSINGS, HIDDEN, feature_collection, household_points, shaded
from .panels import dashboard_panels, portal_panels
from .sections import HEADLINE, SECTIONS, SECTIONS_BY_KEY

#: Indicators a map can be shaded by.
MAP_INDICATORS = [
    "persentase_keluarga_miskin",
    "indeks_kumuh",
    "p0",
    "p1",
    "p2",
    "persentase_miskin_ekstrem",
    "keluarga_miskin",
    "keluarga_miskin_ekstrem",
    "jiwa_miskin_ekstrem",
    "ekstrem_tanpa_program",
    "cakupan_program_miskin",
    "cakupan_verivali",
]


def releases_for(user):
    """Built releases the user may read, newest first."""
    return (
        Release.objects.restrict(user, Action.VIEW)
        .filter(status="completed")
        .exclude(manifest={})
        .select_related("region")
        .order_by("-number")
    )


def release_in_force(user, number: str | None = None) -> Release | None:
    """The release a page shows: the one asked for, else the newest published, else the
    newest checked or approved (shown with a banner: not yet fixed by decree)."""
    releases = releases_for(user)
    asked = number_param(number)
    if asked is not None:
        return releases.filter(number=asked).first()
    published = releases.filter(lifecycle=ReleaseLifecycle.PUBLISHED).first()
    if published:
        return published
    return releases.filter(
        lifecycle__in=[ReleaseLifecycle.CHECKED, ReleaseLifecycle.APPROVED]
    ).first()


class _ReleasePage(RestrictedMixin, TemplateView):
    model = Release

    def setup_release(self):
        request = self.request
        self.release = release_in_force(request.user, request.GET.get("rilis"))
        if self.release is None:
            return False
        self.area = request.GET.get("wilayah") or default_area(request.user, self.release)
        if not visible_area(request.user, self.release, self.area):
            raise PermissionDenied(_("Wilayah ini di luar wilayah kerja Anda."))
        try:
            self.figures = figures_of(self.release)
        except storage.ReleaseFilesError as error:
            raise Http404(str(error)) from error
        self.here = self.figures.area(self.area)
        if self.here is None:
            raise Http404
        return True

    def crumbs(self) -> list[tuple[str, str]]:
        codes = [
            c for c in ancestor_codes(self.area) if visible_area(self.request.user, self.release, c)
        ]
        names = dict(
            Region.objects.filter(code__in=[*codes, self.area]).values_list("code", "name")
        )
        self.area_name = names.get(self.area, self.area)
        return [(code, names.get(code, code)) for code in codes]

    def children(self):
        return [
            c
            for c in self.figures.children(self.area)
            if visible_area(self.request.user, self.release, c.area)
        ]


class DashboardView(_ReleasePage):
    """Who is poor, in what way, where, and the way to zero extreme poverty, for one area
    of the release in force, with the way down to the areas below it."""

    template_name = "dashboards/dashboard.html"

    def get(self, request, *args, **kwargs):
        if not self.setup_release():
            return render(request, "dashboards/no_release.html", status=200)
        download = request.GET.get("unduh")
        if download:
            return self._download(download)
        return self.render_to_response(self._context())

    def _context(self) -> dict:
        crumbs = self.crumbs()
        children = self.children()
        previous = self._previous()
        before = figures_of(previous).area(self.area) if previous else None
        headline = []
        for code in HEADLINE:
            indicator = INDICATORS_BY_CODE[code]
            value = self.here.indicator(code)
            change = None
            if before is not None and value is not None and before.indicator(code) is not None:
                change = value - before.indicator(code)
            headline.append((indicator, indicator.shown(value), _signed(indicator, change)))
        sections = []
        for section in SECTIONS:
            values = section.values(self.here.measures)
            sections.append(
                {
                    "section": section,
                    "rows": [(label, whole_number(value)) for _name, label, value in values],
                    "chart": charts.bars(
                        [label for _n, label, _v in values],
                        [v for _n, _l, v in values],
                        section.unit,
                    ),
                }
            )
        series = Release.objects.restrict(self.request.user, Action.VIEW).series_of(self.release)
        trend = None
        if len(series) > 1:
            trend = charts.lines(
                [f"{r.number}: {r.period}" for r in series],
                {
                    _("jiwa miskin"): [
                        v for _r, v in figure_trend(series, self.area, "jiwa_miskin")
                    ],
                    _("jiwa miskin ekstrem"): [
                        v for _r, v in figure_trend(series, self.area, "jiwa_miskin_ekstrem")
                    ],
                },
                "jiwa",
            )
        order = self.request.GET.get("urut")
        if (
            order in HEADLINE
        ):  # a ranking: the areas with the most first (a province ranks its regencies)
            children = sorted(children, key=lambda c: -(c.indicator(order) or 0))
        rows = [
            {
                "area": child.area,
                "name": sub_area_name(child.area),
                "values": [INDICATORS_BY_CODE[c].shown(child.indicator(c)) for c in HEADLINE],
            }
            for child in children
        ]
        names = dict(
            Region.objects.filter(code__in=[r["area"] for r in rows]).values_list("code", "name")
        )
        for row in rows:
            row["name"] = names.get(row["area"], row["name"])
        return self.get_context_data(
            release=self.release,
            previous=previous,
            area=self.here,
            area_name=self.area_name,
            crumbs=crumbs,
            headline=headline,
            sections=sections,
            columns=[INDICATORS_BY_CODE[c] for c in HEADLINE],
            rows=rows,
            order=order if order in HEADLINE else "",
            trend=trend,
            series=series,
            progress=progress_to_zero(
                series, self.area, target_year=settings.ZERO_EXTREME_POVERTY_YEAR
            ),
            other_releases=releases_for(self.request.user)[:10],
            extra_panels=dashboard_panels.render(self.area, self.request),
        )

    def _previous(self) -> Release | None:
        return (
            releases_for(self.request.user)
            .filter(
                lifecycle=ReleaseLifecycle.PUBLISHED,
                number__lt=self.release.number,
                region_id=self.release.region_id,
            )
            .first()
        )

    def _download(self, key: str) -> HttpResponse:
        """A section (or the areas table) as Excel: the area and each area below it."""
        import polars as pl

        areas = [self.here, *self.children()]
        if key == "wilayah":
            columns = [(c, INDICATORS_BY_CODE[c].label) for c in HEADLINE]
            records = [
                {
                    "kode": a.area,
                    "wilayah": sub_area_name(a.area),
                    **{label: a.indicator(c) for c, label in columns},
                }
                for a in areas
            ]
        elif key in SECTIONS_BY_KEY:
            section = SECTIONS_BY_KEY[key]
            records = [
                {
                    "kode": a.area,
                    "wilayah": sub_area_name(a.area),
                    **{label: a.measures.get(n) for n, label in section.rows},
                }
                for a in areas
            ]
        else:
            raise Http404
        names = dict(
            Region.objects.filter(code__in=[r["kode"] for r in records]).values_list("code", "name")
        )
        for record in records:
            record["wilayah"] = names.get(record["kode"], record["wilayah"])
        frame = pl.DataFrame(records, infer_schema_length=None)
        body = spreadsheet_bytes(frame, "xlsx", key[:30])
        name = f"dasbor-rilis-{self.release.number}-{self.area.replace('/', '-')}-{key}.xlsx"
        return download(body, name, personal=False)


def _signed(indicator, change: float | None) -> str:
    if change is None:
        return ""
    if abs(change) < 1e-9:
        return "±0"
    return ("+" if change > 0 else "−") + indicator.shown(abs(change))


class _HouseholdPoints:
    def _may_see_households(self) -> bool:
        return policy.allows(self.request.user, "registry.family", Action.VIEW)

    def _household_points(self, request) -> dict | None:
        """Households as points (in a village or below) or clusters (above), for a role that
        may see families; every look is logged (their positions are personal data)."""
        if not self._may_see_households():
            return None
        status = request.GET.get("status", "")
        points = household_points(
            self.release,
            self.area,
            status=status if status in PovertyStatus.values else "",
            need=request.GET.get("kebutuhan", "")
            if request.GET.get("kebutuhan") in {d.value for d in NEED_DIMENSIONS}
            else "",
            program=request.GET.get("program", ""),
        )
        log_access(
            request.user,
            kind=AccessKind.LIST,
            object_type="family_points",
            object_id=self.area,
            detail=f"rilis {self.release.number}: {len(points['features'])} titik/kelompok keluarga",
            request=request,
        )
        return points


class ReportView(_ReleasePage):
    """An area's poverty profile for a meeting, as PDF or Excel. The list of extremely poor
    families without a program is included for a reader who may see families, and logged."""

    def get(self, request, *args, **kwargs):
        if not self.setup_release():
            raise Http404
        self.crumbs()
        children = self.children()
        names = dict(
            Region.objects.filter(code__in=[self.area, *(c.area for c in children)]).values_list(
                "code", "name"
            )
        )
        for area in [self.area, *(c.area for c in children)]:
            names.setdefault(area, sub_area_name(area))
        with_names = policy.allows(request.user, "registry.family", Action.VIEW)
        context = reports.profile(self.release, self.here, children, names, with_names=with_names)
        file_format = "xlsx" if request.GET.get("format") == "xlsx" else "pdf"
        if context["families"] is not None:
            log_access(
                request.user,
                kind=AccessKind.EXPORT,
                object_type="poverty_report",
                object_id=self.area,
                detail=f"rilis {self.release.number}: {context['families'].height} keluarga ekstrem tanpa program ({file_format})",
                request=request,
            )
        name = f"profil-kemiskinan-{self.area.replace('/', '-')}-rilis-{self.release.number}.{file_format}"
        if file_format == "xlsx":
            body = reports.xlsx_bytes(context)
        else:
            body = reports.pdf_bytes(context, base_url=request.build_absolute_uri("/"))
        return download(body, name, personal=False)


class MapView(_HouseholdPoints, _ReleasePage):
    """The areas below one area, shaded by a figure, with a legend; drill down by a click."""

    template_name = "dashboards/map.html"

    def get(self, request, *args, **kwargs):
        if not self.setup_release():
            return render(request, "dashboards/no_release.html", status=200)
        indicator = request.GET.get("indikator")
        indicator = indicator if indicator in MAP_INDICATORS else "persentase_keluarga_miskin"
        method = request.GET.get("kelas") if request.GET.get("kelas") in CLASSINGS else "kuantil"
        children = self.children()
        collection, legend = feature_collection(children, indicator, method)
        ranked = request.GET.get("urut") == "nilai"
        if ranked:  # the areas that need it most first (a ranked list of kawasan rentan)
            collection["features"].sort(key=lambda f: -(f["properties"]["nilai"] or 0))
        if request.GET.get("format") == "geojson":
            return JsonResponse(collection)
        points = self._household_points(request)
        if request.GET.get("format") == "titik":
            if points is None:
                raise PermissionDenied(
                    _(
                        "Titik keluarga hanya untuk peran yang boleh melihat keluarga, di desa/kelurahan ke bawah."
                    )
                )
            return JsonResponse(points)
        return self.render_to_response(
            self.get_context_data(
                release=self.release,
                area=self.here,
                crumbs=self.crumbs(),
                area_name=self.area_name,
                indicator=INDICATORS_BY_CODE[indicator],
                indicators=[INDICATORS_BY_CODE[c] for c in MAP_INDICATORS],
                method=method,
                methods=CLASSINGS,
                ranked=ranked,
                collection=collection,
                legend=list(zip(legend.labels, legend.colours, strict=True)),
                missing=len(children) - len(collection["features"]),
                points=points,
                may_see_households=self._may_see_households(),
                statuses=PovertyStatus.choices,
                needs=[(d.value, d.label) for d in NEED_DIMENSIONS],
                programs=[code for code, _label in FLAG_PROGRAMS.values()],
                filters={k: request.GET.get(k, "") for k in ("status", "kebutuhan", "program")},
                family_url=reverse("registry:family-detail", args=[0]).replace("/0/", "/{id}/"),
                tiles=settings.MAP_TILE_URL,
                extra_panels=portal_panels.render(None, request),
            )
        )


# The public portal ----------------------------------------------------------------------------

#: The rates a visitor can shade the public map by (each hidden where its count is).
PORTAL_RATES = ["persentase_keluarga_miskin", "p0", "p1", "p2", "persentase_miskin_ekstrem"]


class PortalView(TemplateView):
    """What anyone sees without signing in: the published release's aggregates, on a map
    and in a table, every small count hidden (and shown as hidden, never as zero)."""

    template_name = "dashboards/portal.html"
    model = Release  # published ones only, below: no door, for the public

    def get(self, request, *args, **kwargs):
        releases = Release.objects.frozen().select_related("region").order_by("-number")
        release = (
            releases.filter(pk=kwargs["pk"]).first()
            if "pk" in kwargs
            else releases.filter(lifecycle=ReleaseLifecycle.PUBLISHED).first()
        )
        if release is None:
            if "pk" in kwargs:
                raise Http404
            return self.render_to_response(
                self.get_context_data(
                    release=None, extra_panels=portal_panels.render(None, request)
                )
            )
        table = public_table(release)
        levels = sorted(set(table["level"]))
        level = level_shown(levels, number_param(request.GET.get("tingkat")))
        rate = (
            request.GET.get("angka")
            if request.GET.get("angka") in PORTAL_RATES
            else PORTAL_RATES[0]
        )
        indicator = INDICATORS_BY_CODE[rate]
        rows = table.filter(table["level"] == level).to_dicts()
        top = table.filter(table["level"] == levels[0]).to_dicts()
        collection, legend = shaded(
            [(row["area"], HIDDEN if row[rate] is None else row[rate], None) for row in rows],
            indicator,
            "kuantil",
        )
        counts = [("families", _("Keluarga")), ("families_poor", _("Keluarga miskin")),
                  ("families_extreme", _("Keluarga miskin ekstrem")), ("persons", _("Jiwa")),
                  ("persons_poor", _("Jiwa miskin")), ("persons_extreme", _("Jiwa miskin ekstrem"))]  # fmt: skip
        return self.render_to_response(
            self.get_context_data(
                release=release,
                headline=[
                    (
                        label,
                        hidden_or(top[0][name], whole_number) if top else "–",
                    )
                    for name, label in counts
                ]
                + [
                    (
                        INDICATORS_BY_CODE[c].label,
                        hidden_or(top[0][c], INDICATORS_BY_CODE[c].shown) if top else "–",
                    )
                    for c in PORTAL_RATES
                ],
                levels=[(lv, LEVEL_NAMES.get(lv, str(lv))) for lv in levels],
                level=level,
                rate=indicator,
                rates=[INDICATORS_BY_CODE[c] for c in PORTAL_RATES],
                collection=collection,
                legend=list(zip(legend.labels, legend.colours, strict=True)),
                columns=[label for _name, label in counts]
                + [INDICATORS_BY_CODE[c].label for c in PORTAL_RATES],
                rows=[
                    (
                        row["name"],
                        [hidden_or(row[name], whole_number) for name, _l in counts]
                        + [hidden_or(row[c], INDICATORS_BY_CODE[c].shown) for c in PORTAL_RATES],
                    )
                    for row in rows
                ],
                threshold=threshold(),
                dataset=dataset_name(release),
                tiles=settings.MAP_TILE_URL,
                extra_panels=portal_panels.render(None, request),
            )
        )


LEVEL_NAMES = {
    1: _lazy("provinsi"),
    2: _lazy("kabupaten/kota"),
    3: _lazy("kecamatan"),
    4: _lazy("desa/kelurahan"),
}
