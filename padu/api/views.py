"""The REST API (``/api/v1/``): the same door as the web pages. Each view names its model;
the policy grants the action (reading: ``view``, writing: its ``write_action``), every
query goes through ``restrict``, every answer with personal data is in the access log, and
every write goes through the service the web uses."""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError as ModelValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from padu.accounts import policy
from padu.accounts.choices import AccessKind
from padu.accounts.policy import Action
from padu.accounts.services import log_access, log_shown
from padu.core.models import ChangeLog
from padu.core.spreadsheet import csv_bytes, xlsx_sheets_bytes
from padu.core.views import download
from padu.matching.models import LinkageRun, MatchPair
from padu.matching.services import decide_pair
from padu.programs.choices import RunStep
from padu.programs.forms import ListImportForm
from padu.programs.models import Cycle, Program, ProgramRun, Referral
from padu.programs.services import (
    StaleReferral,
    intervention_programs,
    queue_program_run,
    update_referral,
)
from padu.regions.codes import normalize_code
from padu.registry.models import Family, Person
from padu.releases.models import Release
from padu.sources.models import ImportBatch, SourceDataset
from padu.sources.reading import UnreadableFile, stored_upload
from padu.sources.reporting import rejected_rows_file
from padu.sources.services import commit_batch, create_batch, find_dataset
from padu.verification.models import Visit
from padu.welfare.models import FamilyWelfare

from . import exchange
from .filters import FamilyFilters, PersonFilters, ReferralFilterSet
from .pagination import ByIdCursor
from .permissions import PolicyPermission
from .serializers import (
    BatchSerializer,
    BatchUploadSerializer,
    CycleSerializer,
    CycleUploadSerializer,
    DecisionSerializer,
    FamilySerializer,
    PairSerializer,
    PersonSerializer,
    ProgramRunSerializer,
    ProgramSerializer,
    ReferralSerializer,
    ReferralUpdateSerializer,
    ReleaseSerializer,
    RunSerializer,
    VisitSerializer,
    WelfareSerializer,
)


class RestrictedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = None
    write_action: str = Action.CHANGE
    #: How the access log names these records (None: not personal data).
    logged_as: str | None = None
    permission_classes = [PolicyPermission]
    filter_backends = [DjangoFilterBackend]
    lookup_value_converter = "int"  # /families/abc/ is not found, not an error
    pagination_class = ByIdCursor

    def current_action(self) -> str:
        return Action.VIEW if self.request.method in permissions.SAFE_METHODS else self.write_action

    def get_queryset(self):
        return self.model._default_manager.restrict(self.request.user, self.current_action())

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self._log([row["id"] for row in response.data["results"]], AccessKind.LIST)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._log([response.data["id"]], AccessKind.VIEW)
        return response

    def _log(self, ids, kind) -> None:
        if self.logged_as:
            log_shown(self.request, object_type=self.logged_as, ids=ids, kind=kind, detail="API")


class FamilyViewSet(RestrictedViewSet):
    """Families (KK) the caller may see, with their members: by NIK, No KK, name, area."""

    model = Family
    logged_as = "family"
    serializer_class = FamilySerializer
    filterset_class = FamilyFilters

    def get_queryset(self):
        return super().get_queryset().select_related("village").prefetch_related("members")


class PersonViewSet(RestrictedViewSet):
    """Persons (NIK) the caller may see."""

    model = Person
    logged_as = "person"
    serializer_class = PersonSerializer
    filterset_class = PersonFilters


class ReferralViewSet(RestrictedViewSet):
    """Referrals: an agency's queue (its own), or a region's; an agency's system moves them
    along as its officers do on the web."""

    model = Referral
    logged_as = "referral"
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("rule", "agency")

    @extend_schema(request=ReferralUpdateSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        referral = get_object_or_404(self.get_queryset(), pk=pk)
        given = ReferralUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            updated = update_referral(
                referral,
                actor=request.user,
                status=data["status"],
                notes=data.get("notes", ""),
                rejection_reason=data.get("rejection_reason", ""),
                seen_version=data.get("version"),
                program=self._intervention_program(referral, data.get("program", "")),
            )
        except StaleReferral as stale:
            raise exceptions.ValidationError(
                {
                    "version": [
                        _("Rujukan diubah orang lain (versi %s): baca lagi.")
                        % stale.args[0].version
                    ]
                }
            ) from None
        except (ValueError, ModelValidationError) as error:
            raise exceptions.ValidationError({"status": [str(error)]}) from None
        self._log([updated.pk], AccessKind.VIEW)
        return Response(ReferralSerializer(updated, context=self.get_serializer_context()).data)

    def _intervention_program(self, referral, code: str):
        if not code:
            return None
        program = intervention_programs(self.request.user, referral).filter(code=code).first()
        if program is None:
            raise exceptions.ValidationError(
                {"program": [_("Bukan program aktif OPD ini: %s") % code]}
            )
        return program


class BatchViewSet(RestrictedViewSet):
    """Source import batches: send a file, follow its progress, read its report and take its
    rejected rows back as CSV (to correct and send again)."""

    model = ImportBatch
    serializer_class = BatchSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return super().get_queryset().select_related("dataset")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "with_issues": self.action == "retrieve"}

    @extend_schema(
        request={"multipart/form-data": BatchUploadSerializer}, responses=BatchSerializer
    )
    def create(self, request):
        given = BatchUploadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            dataset = find_dataset(data["dataset"])
        except SourceDataset.DoesNotExist as missing:
            raise exceptions.ValidationError({"dataset": [str(missing)]}) from None
        upload, family = data["file"], data.get("family_file")
        try:
            with stored_upload(upload) as path, stored_upload(family) as family_path:
                batch = create_batch(
                    path, dataset=dataset, actor=request.user, file_name=upload.name,
                    family_path=family_path, family_file_name=family.name if family else "",
                    draft=True,
                )  # fmt: skip
        except (UnreadableFile, ModelValidationError) as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from None
        commit_batch(batch, actor=request.user)
        batch.refresh_from_db()
        return Response(self.get_serializer(batch).data, status=201)

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="rejected")
    def rejected(self, request, pk=None):
        batch = get_object_or_404(self.get_queryset(), pk=pk)
        if not policy.allows(request.user, ImportBatch, Action.EXPORT):
            raise exceptions.PermissionDenied()
        body, count = rejected_rows_file(batch, "csv")
        log_shown(request, object_type="import_batch", ids=[batch.pk], kind=AccessKind.EXPORT,
                  detail=f"API baris ditolak ({count})")  # fmt: skip
        return download(body, f"ditolak-batch-{batch.pk}.csv")


#: The records whose changes the feed follows, by the name the feed gives them.
FOLLOWED = {"family": Family, "person": Person, "referral": Referral}
FEED_PAGE = 500


class ChangeFeedView(APIView):
    """What changed in the families, persons and referrals the caller may see, since a
    cursor (the last ``id`` read): an agency's system polls this to stay in step without
    reading everything. Each change names the record and the fields changed, never their
    values (read the record for those). A bulk load (a matching run writing thousands of
    records) is one change without a record: read the lists again."""

    model = Family
    permission_classes = [PolicyPermission]

    def current_action(self) -> str:
        return Action.VIEW

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "since", int, description="the last change id read (0: from the start)"
            ),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        try:
            since = max(int(request.query_params.get("since", 0)), 0)
        except ValueError:
            raise exceptions.ValidationError(
                {"since": [_("Tulis angka (id perubahan).")]}
            ) from None
        types = {
            ContentType.objects.get_for_model(model).pk: name for name, model in FOLLOWED.items()
        }
        rows = list(
            ChangeLog.objects.filter(pk__gt=since, content_type_id__in=list(types))
            .order_by("pk")
            .values("pk", "content_type_id", "object_id", "action", "changed_at", "after")[
                :FEED_PAGE
            ]
        )
        visible = {}
        for name, model in FOLLOWED.items():
            ids = [int(r["object_id"]) for r in rows
                   if types[r["content_type_id"]] == name and r["object_id"].isdigit()]  # fmt: skip
            if ids:
                mine = model._default_manager.restrict(request.user, Action.VIEW)
                visible[name] = set(mine.filter(pk__in=ids).values_list("pk", flat=True))
        changes = []
        for row in rows:
            name = types[row["content_type_id"]]
            change = {"id": row["pk"], "object": name, "action": row["action"],
                      "changed_at": row["changed_at"].isoformat()}  # fmt: skip
            if row["object_id"] == "*":
                change["object_id"] = None  # many at once: read the lists again
            elif row["object_id"].isdigit() and int(row["object_id"]) in visible.get(name, ()):
                change["object_id"] = int(row["object_id"])
                change["fields"] = sorted((row["after"] or {}).keys())
            else:
                continue  # not the caller's to know about
            changes.append(change)
        log_shown(request, object_type="change", ids=[c["object_id"] for c in changes if c.get("object_id")],
                  detail=f"API perubahan sejak {since}")  # fmt: skip
        last = rows[-1]["pk"] if rows else since
        return Response({"changes": changes, "next": last, "more": len(rows) == FEED_PAGE})


class WelfareViewSet(RestrictedViewSet):
    """Families' welfare results (a family's desil and status are personal data)."""

    model = FamilyWelfare
    logged_as = "family_welfare"
    serializer_class = WelfareSerializer
    filterset_fields = ["family", "desil", "status"]

    def get_queryset(self):
        return super().get_queryset().select_related("model")


class VisitViewSet(RestrictedViewSet):
    """Verivali visits: an operator's own, or those of the region for Dinsos."""

    model = Visit
    logged_as = "visit"
    serializer_class = VisitSerializer
    filterset_fields = ["round", "family", "status", "outcome"]

    def get_queryset(self):
        return super().get_queryset().select_related("operator")


def _queued(run: ProgramRun) -> Response:
    """202: the step is queued; its ``Location`` is followed until it is done."""
    body = ProgramRunSerializer(run).data
    return Response(
        body, status=202, headers={"Location": reverse("api:program-run-detail", args=[run.pk])}
    )


class ProgramViewSet(RestrictedViewSet):
    """Programs: an agency's own, or every program of the region for those who plan. An
    agency's system pushes who received a program by sending its list as a new cycle
    (``POST …/cycles``), then has it checked and approved (``/api/v1/cycles/{id}/check``,
    ``…/approve``), as its officers do on the program page."""

    model = Program
    serializer_class = ProgramSerializer
    filterset_fields = ["year", "sector", "status"]

    def get_queryset(self):
        return super().get_queryset().select_related("agency")

    @extend_schema(
        request={"multipart/form-data": CycleUploadSerializer},
        responses={202: ProgramRunSerializer},
    )
    @action(detail=True, methods=["post"], url_path="cycles")
    def send_cycle(self, request, pk=None):
        program = get_object_or_404(self.get_queryset(), pk=pk)
        form = ListImportForm(request.data, request.FILES)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {field: [e["message"] for e in errors]
                 for field, errors in form.errors.get_json_data().items()}
            )  # fmt: skip
        data = form.cleaned_data
        run = queue_program_run(
            program, step=RunStep.IMPORT, actor=request.user, cycle_name=data["cycle_name"],
            starts_on=data.get("starts_on"), ends_on=data.get("ends_on"), upload=data["file"],
        )  # fmt: skip
        return _queued(run)


class CycleViewSet(RestrictedViewSet):
    """A program's cycles (the lists of who received it, period by period): each checked
    against the registry (on target, in place, reached twice) and approved, then frozen."""

    model = Cycle
    serializer_class = CycleSerializer
    filterset_fields = ["program", "status"]

    def _step(self, pk, step: str) -> Response:
        cycle = get_object_or_404(self.get_queryset().select_related("program"), pk=pk)
        try:
            run = queue_program_run(cycle.program, step=step, actor=self.request.user, cycle=cycle)
        except ModelValidationError as error:
            raise exceptions.ValidationError({"cycle": error.messages}) from None
        return _queued(run)

    @extend_schema(request=None, responses={202: ProgramRunSerializer})
    @action(detail=True, methods=["post"], url_path="check")
    def check(self, request, pk=None):
        return self._step(pk, RunStep.CHECK)

    @extend_schema(request=None, responses={202: ProgramRunSerializer})
    @action(detail=True, methods=["post"], url_path="approve")
    def approve(self, request, pk=None):
        return self._step(pk, RunStep.APPROVE)


class ProgramRunViewSet(RestrictedViewSet):
    """The steps of programs done in the background: a list's import, its check, its
    approval; ``status``, ``progress_*`` and the ``message`` a person would read."""

    model = ProgramRun
    serializer_class = ProgramRunSerializer
    filterset_fields = ["program", "status", "step"]

    def get_queryset(self):
        return super().get_queryset().select_related("program")


class ReleaseViewSet(RestrictedViewSet):
    """Releases of the region (their public aggregates: /statistik/api/)."""

    model = Release
    serializer_class = ReleaseSerializer
    filterset_fields = ["lifecycle", "year"]


class ExchangeView(APIView):
    """A region's families and members as a file in a national layout (padu.api.exchange):
    ``siks-ng`` (an .xlsx of RUTA and ART sheets) or ``dtsen-desil`` (a .csv)."""

    model = Family
    permission_classes = [PolicyPermission]

    def current_action(self) -> str:
        return Action.EXPORT

    @extend_schema(
        parameters=[
            OpenApiParameter("wilayah", str, description="a Kemendagri code (that area and below)")
        ],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
    )
    def get(self, request, layout: str):
        if layout not in exchange.LAYOUTS:
            raise exceptions.NotFound(_("Tata letak: %s.") % ", ".join(exchange.LAYOUTS))
        families = Family.objects.restrict(request.user, Action.EXPORT).filter(lifecycle="aktif")
        area = (request.query_params.get("wilayah") or "").strip()
        if area:
            code = normalize_code(area)
            if code is None:
                raise exceptions.ValidationError(
                    {"wilayah": [_("Tulis kode Kemendagri bertitik.")]}
                )
            families = families.filter(village__code__within=code)
        reveal = request.user.sees_full_identifiers
        if layout == "siks-ng":
            sheets = exchange.siks_ng_sheets(families, reveal=reveal)
            body, name = xlsx_sheets_bytes(sheets), f"siks-ng-{area or 'semua'}.xlsx"
            count = sheets["RUTA"].height
        else:
            frame = exchange.dtsen_desil(families, reveal=reveal)
            body, name, count = csv_bytes(frame), f"dtsen-desil-{area or 'semua'}.csv", frame.height
        log_access(request.user, kind=AccessKind.EXPORT, object_type="family", object_id="*",
                   detail=f"API {layout} {area} ({count} keluarga)", request=request)  # fmt: skip
        return download(body, name)


class MatchingRunViewSet(RestrictedViewSet):
    """Matching runs: what each found and queued for review (the custodian's)."""

    model = LinkageRun
    serializer_class = RunSerializer
    filterset_fields = ["status", "mode"]


class ReviewPairViewSet(RestrictedViewSet):
    """Pairs a matching run could not decide (``kind=doubtful``) or merged on a near-miss
    NIK alone (``near_miss_nik``), and the custodian's verdict on each, as on the review
    page (``decide_pair``: every later run honours it; undoing a near-miss merge matches
    again at once)."""

    model = MatchPair
    logged_as = "match_pair"
    serializer_class = PairSerializer
    filterset_fields = ["status", "kind", "run"]

    def get_queryset(self):
        return super().get_queryset().select_related("left__dataset", "right__dataset")

    @extend_schema(request=DecisionSerializer, responses=PairSerializer)
    @action(detail=True, methods=["post"], url_path="decision")
    def decision(self, request, pk=None):
        pair = get_object_or_404(self.get_queryset(), pk=pk)
        given = DecisionSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        same = given.validated_data["same"]
        decide_pair(pair, same=same, actor=request.user, note=given.validated_data.get("note", ""))
        pair.refresh_from_db()
        self._log([pair.pk], AccessKind.VIEW)
        return Response(self.get_serializer(pair).data)
