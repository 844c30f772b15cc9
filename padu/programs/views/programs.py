"""Programs and their cycles: an agency's own programs, importing or proposing a cycle's
list in the background, the beneficiaries with their checks and reasons, deciding the rows
Padu could not link, approval, the check report, and Bappeda's verdict."""

import polars as pl
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from padu.accounts import policy
from padu.accounts.choices import AccessKind
from padu.accounts.mixins import RestrictedMixin
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.choices import ACTIVE_RUN_STATUSES
from padu.core.paging import CountedOncePaginator
from padu.core.spreadsheet import xlsx_bytes
from padu.core.views import PolledStatusView, download
from padu.regions.models import Region
from padu.registry.models import Family, Person
from padu.registry.queries import head_name
from padu.sources.models import ImportIssue

from ..choices import (
    FAILS_WHEN,
    Check,
    FlagKind,
    FlagStatus,
    LinkStatus,
    Membership,
    ProgramStatus,
    RunStep,
)
from ..criteria import describe
from ..figures import not_reached_sheet, program_figures
from ..forms import (
    CycleDatesForm,
    DesignForm,
    ExclusionForm,
    ListImportForm,
    ProgramForm,
    VerdictForm,
)
from ..models import (
    CHECK_FIELDS,
    AnomalyFlag,
    Beneficiary,
    CombinationRule,
    Cycle,
    Program,
    ProgramRun,
)
from ..reports import check_report
from ..services import (
    MEMBERSHIP_CHANGES,
    CycleError,
    add_combination_rule,
    cancel_program_run,
    change_membership,
    create_program,
    decide_link,
    detect_anomalies,
    dismiss_flag,
    queue_program_run,
    record_verdict,
    send_flag_to_verivali,
    update_program,
)
from ..simulation import Design, simulate
from ..synergy import OVERLAP_AT, gaps, need_matrix, unreached_extreme
from ..targeting import failed_checks

#: The problems a cycle's list can be narrowed to: each failed check, and the links.
PROBLEMS = {
    **{check.value: str(check.label) for check in Check},
    "belum_tertaut": _("Belum tertaut"),
}


def _problem_filter(problem: str) -> Q | None:
    if problem == "belum_tertaut":
        return Q(link_status__in=[LinkStatus.CANDIDATES, LinkStatus.UNLINKED])
    if problem in Check.values:
        check = Check(problem)
        return Q(**{CHECK_FIELDS[check]: FAILS_WHEN[check]})
    return None


def _candidates_of(user, ids: list[int]) -> dict[int, Person]:
    """The persons a row's candidates name, as far as they live in the user's region: seen
    through the row (which the policy restricts), to decide who the row is."""
    persons = Person.objects.filter(pk__in=ids).select_related("family__village")
    if user.region_id:
        persons = persons.filter(family__village__code__within=user.region_id)
    return {person.pk: person for person in persons}


class ProgramListView(RestrictedMixin, ListView):
    """The programs a user may see (an agency officer: their agency's own)."""

    model = Program
    template_name = "programs/program_list.html"
    context_object_name = "programs"
    paginate_by = 50

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("agency")
            .annotate(cycle_count=Count("cycles"))
            .order_by("-year", "agency__short_name", "code")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = policy.allows(self.request.user, Program, Action.CHANGE)
        context["can_see_flags"] = policy.allows(self.request.user, AnomalyFlag, Action.VIEW)
        return context


class ProgramCreateView(RestrictedMixin, View):
    model = Program
    action = Action.CHANGE

    def get(self, request):
        return render(
            request, "programs/program_form.html", {"form": ProgramForm(user=request.user)}
        )

    def post(self, request):
        form = ProgramForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                program = create_program(
                    actor=request.user,
                    agency=request.user.agency,
                    region=request.user.region,
                    **form.program_fields(),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Program %s dibuat.") % program.name)
                return redirect("programs:program-detail", program.code)
        return render(request, "programs/program_form.html", {"form": form}, status=400)


def _area_names(codes: list[str]) -> list[str]:
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return [names.get(code, code) for code in codes]


class ProgramDetailView(RestrictedMixin, View):
    """A program: who it is for in words, its cycles with their figures and verdicts, and
    (for its agency) importing or proposing the next cycle's list."""

    model = Program

    def get(self, request, code, forms=None):
        program = get_object_or_404(self.get_queryset().select_related("agency"), code=code)
        user = request.user
        can_change = Program.objects.restrict(user, Action.CHANGE).filter(pk=program.pk).exists()
        cycles = list(
            Cycle.objects.restrict(user, Action.VIEW)
            .filter(program=program)
            .prefetch_related("verdicts")
            .order_by("-starts_on", "-pk")
        )
        for cycle in cycles:
            summary = cycle.summary or {}
            cycle.unlinked = summary.get("calon", 0) + summary.get("tidak_ditemukan", 0)
        rules = CombinationRule.objects.filter(
            Q(program=program) | Q(other_program=program) | Q(sector=program.sector)
            | Q(other_sector=program.sector)
        ).select_related("program", "other_program")  # fmt: skip
        forms = forms or {}
        total, areas = program_figures(program)
        context = {
            "program": program,
            "figures": total,
            "area_figures": areas,
            "can_export_missing": _may_export_missing(user, program),
            "criteria": [describe(condition) for condition in program.criteria],
            "areas": _area_names(program.target_areas or []),
            "rules": rules,
            "cycles": cycles,
            "can_change": can_change,
            "import_form": forms.get("import") or ListImportForm(),
            "propose_form": forms.get("propose") or CycleDatesForm(prefix="usulan"),
            "exclusion_form": ExclusionForm(program=program, user=user) if can_change else None,
            "run": ProgramRun.objects.filter(program=program).order_by("-pk").first()
            if can_change
            else None,
        }
        status = 400 if forms else 200
        return render(request, "programs/program_detail.html", context, status=status)


def _may_export_missing(user, program: Program) -> bool:
    """The eligible families a program missed: its agency's to act on, and whoever may
    export families in the region."""
    own = Program.objects.restrict(user, Action.CHANGE).filter(pk=program.pk).exists()
    return own or policy.allows(user, Family, Action.EXPORT)


class NotReachedExportView(RestrictedMixin, View):
    """The eligible families (or persons) no cycle of the program reached, as Excel."""

    model = Program

    def get(self, request, code):
        program = get_object_or_404(self.get_queryset(), code=code)
        if not _may_export_missing(request.user, program):
            raise PermissionDenied(_("Peran Anda tidak dapat mengekspor daftar ini."))
        sheet = not_reached_sheet(program)
        if request.user.region_id:
            sheet = sheet.filter(pl.col("KODE DESA").str.starts_with(f"{request.user.region_id}."))
        log_access(
            request.user,
            kind=AccessKind.EXPORT,
            object_type="program_not_reached",
            object_id=program.code,
            detail=f"layak belum terjangkau {program.code} ({sheet.height} baris)",
            request=request,
        )
        return download(
            xlsx_bytes(sheet, "Belum terjangkau"), f"belum-terjangkau-{program.code}.xlsx"
        )


class ProgramStepView(RestrictedMixin, View):
    """Queue an import or a proposal of a cycle's list (the agency's own programs)."""

    model = Program
    step = RunStep.IMPORT

    def post(self, request, code):
        program = get_object_or_404(self.get_queryset(), code=code)
        step = self.step
        if step == RunStep.IMPORT:
            form = ListImportForm(request.POST, request.FILES)
        else:
            form = CycleDatesForm(request.POST, prefix="usulan")
        if not form.is_valid():
            key = "import" if step == RunStep.IMPORT else "propose"
            return ProgramDetailView(request=request).get(request, code, forms={key: form})
        data = form.cleaned_data
        queue_program_run(
            program,
            step=step,
            actor=request.user,
            cycle_name=data["cycle_name"],
            starts_on=data.get("starts_on"),
            ends_on=data.get("ends_on"),
            upload=data.get("file"),
        )
        messages.success(request, _("Dikerjakan di latar belakang; kemajuannya tampil di bawah."))
        return redirect("programs:program-detail", program.code)


class RunStatusView(RestrictedMixin, PolledStatusView):
    template_name = "programs/_run_status.html"
    context_object_name = "run"
    model = ProgramRun
    active_statuses = ACTIVE_RUN_STATUSES


class RunCancelView(RestrictedMixin, View):
    model = ProgramRun

    def post(self, request, pk):
        run = get_object_or_404(self.get_queryset(), pk=pk)
        cancel_program_run(run, actor=request.user)
        messages.info(request, _("Pembatalan diminta."))
        return redirect("programs:program-detail", run.program.code)


#: The import issues a cycle's page lists (the rest are counted).
ISSUES_SHOWN = 100


class CycleDetailView(RestrictedMixin, View):
    """A cycle: its figures, its beneficiaries narrowed to a problem, each with the reasons
    of its failed checks, the rows to link by hand, and the steps open to the user."""

    model = Cycle

    def get(self, request, pk, verdict_form=None):
        cycle = get_object_or_404(
            self.get_queryset().select_related("program__agency", "batch"), pk=pk
        )
        user = request.user
        if request.GET.get("format") == "xlsx":
            return self._export(request, cycle)
        rows = Beneficiary.objects.restrict(user, Action.VIEW).filter(cycle=cycle)
        problem = request.GET.get("masalah", "")
        narrowed = _problem_filter(problem)
        if narrowed is not None:
            rows = rows.filter(narrowed)
        sought = " ".join(request.GET.get("q", "").split())[:60]
        if sought:
            match = Q(written_name__icontains=sought)
            digits = sought.replace(" ", "")
            if digits.isdigit():
                match |= Q(written_nik__startswith=digits) | Q(written_kk__startswith=digits)
            rows = rows.filter(match)
        rows = rows.select_related("person", "family__village").order_by("row_number", "pk")
        page = CountedOncePaginator(rows, 50).get_page(request.GET.get("page"))
        shown = list(page.object_list)
        candidates = _candidates_of(
            user, [c["person"] for row in shown for c in row.candidates or []]
        )
        for row in shown:
            row.failed_list = failed_checks(row)
            row.candidate_people = [
                (candidates.get(c["person"]), c["probability"])
                for c in (row.candidates or [])
                if c["person"] in candidates
            ]
        log_access(
            user,
            kind=AccessKind.LIST,
            object_type="program_beneficiary",
            object_id=str(cycle.pk),
            detail=f"{cycle} · {PROBLEMS.get(problem, 'semua')} · halaman {page.number}",
            request=request,
        )
        allowed = {
            action: Cycle.objects.restrict(user, action).filter(pk=cycle.pk).exists()
            for action in (Action.CHANGE, Action.APPROVE, Action.CHECK)
        }
        summary = cycle.summary or {}
        unlinked = summary.get("calon", 0) + summary.get("tidak_ditemukan", 0)
        issues = (
            ImportIssue.objects.filter(batch_id=cycle.batch_id).order_by("severity", "row_number")
            if cycle.batch_id
            else ImportIssue.objects.none()
        )
        context = {
            "cycle": cycle,
            "issues": issues[:ISSUES_SHOWN],
            "issue_count": issues.count(),
            "program": cycle.program,
            "page_obj": page,
            "rows": shown,
            "problem": problem,
            "problems": [
                (key, label, unlinked if key == "belum_tertaut" else summary.get(key, 0))
                for key, label in PROBLEMS.items()
            ]
            if summary
            else [],
            "sought": sought,
            "can_change": allowed[Action.CHANGE] and not cycle.is_frozen,
            "can_change_membership": allowed[Action.CHANGE] and cycle.is_frozen,
            "membership_changes": {
                state: [(target, Membership(target).label) for target in targets]
                for state, targets in MEMBERSHIP_CHANGES.items()
            },
            "can_approve": allowed[Action.APPROVE] and not cycle.is_frozen,
            "can_judge": allowed[Action.CHECK],
            "can_export": policy.allows(user, Beneficiary, Action.EXPORT),
            "verdicts": cycle.verdicts.select_related("verifier"),
            "verdict_form": verdict_form or VerdictForm(),
        }
        return render(
            request, "programs/cycle_detail.html", context, status=400 if verdict_form else 200
        )

    def _export(self, request, cycle: Cycle):
        if not policy.allows(request.user, Beneficiary, Action.EXPORT):
            raise PermissionDenied(_("Peran Anda tidak dapat mengekspor penerima manfaat."))
        rows = Beneficiary.objects.restrict(request.user, Action.EXPORT).filter(cycle=cycle)
        report = check_report(rows, reveal=request.user.sees_full_identifiers)
        log_access(
            request.user,
            kind=AccessKind.EXPORT,
            object_type="program_beneficiary",
            object_id=str(cycle.pk),
            detail=f"laporan pemeriksaan {cycle} ({report.height} baris)",
            request=request,
        )
        name = f"pemeriksaan-{cycle.program.code}-{cycle.pk}.xlsx"
        return download(xlsx_bytes(report, "Pemeriksaan"), name)


class CycleStepView(RestrictedMixin, View):
    """Check a draft cycle again, or approve it (frozen): in the background."""

    model = Cycle
    step = RunStep.CHECK

    def current_action(self) -> str:
        return Action.APPROVE if self.step == RunStep.APPROVE else Action.CHANGE

    def post(self, request, pk):
        step = self.step
        cycle = get_object_or_404(self.get_queryset().select_related("program"), pk=pk)
        if cycle.is_frozen:
            messages.error(request, _("Siklus ini sudah disetujui dan dibekukan."))
        else:
            queue_program_run(cycle.program, step=step, actor=request.user, cycle=cycle)
            messages.success(request, _("Dikerjakan di latar belakang; lihat halaman program."))
        return redirect("programs:program-detail", cycle.program.code)


class VerdictView(RestrictedMixin, View):
    """Bappeda/TKPK records yes or no, tepat sasaran and tepat lokasi, with a note."""

    model = Cycle
    post_action = Action.CHECK

    def post(self, request, pk):
        cycle = get_object_or_404(self.get_queryset(), pk=pk)
        form = VerdictForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_verdict(
                    cycle,
                    on_target=data["on_target"] == "ya",
                    right_place=data["right_place"] == "ya",
                    note=data["note"],
                    actor=request.user,
                )
            except CycleError as error:
                form.add_error("note", str(error))
            else:
                messages.success(request, _("Penilaian dicatat; OPD melihatnya di halaman ini."))
                return redirect("programs:cycle-detail", cycle.pk)
        return CycleDetailView(request=request, kwargs={"pk": pk}).get(
            request, pk, verdict_form=form
        )


class DecideLinkView(RestrictedMixin, View):
    """The agency decides who a row Padu could not link is: a candidate, or nobody."""

    model = Beneficiary

    def post(self, request, pk):
        row = get_object_or_404(self.get_queryset().select_related("cycle"), pk=pk)
        chosen = request.POST.get("person", "")
        person = None
        if chosen:
            allowed = [c["person"] for c in row.candidates or []]
            if not chosen.isdigit() or int(chosen) not in allowed:
                raise Http404
            person = _candidates_of(request.user, [int(chosen)]).get(int(chosen))
            if person is None:
                raise Http404
        try:
            decide_link(row, person=person, actor=request.user)
        except CycleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Tautan baris %s disimpan.") % row.row_number)
        url = reverse("programs:cycle-detail", args=[row.cycle_id])
        return redirect(f"{url}?masalah=belum_tertaut")


def _district_of(request) -> Region | None:
    """The district the user picked, if it lies in their region."""
    code = request.GET.get("kecamatan", "")
    if not code:
        return None
    district = Region.objects.filter(code=code, level=3).first()
    if district is None or not policy.covers(request.user, district.code):
        raise Http404
    return district


class SynergyView(RestrictedMixin, View):
    """Need × area: who is in need, which programs reached them, overlaps and gaps."""

    model = Program

    def get(self, request):
        user = request.user
        district = _district_of(request)
        districts = Region.objects.filter(level=3)
        if user.region_id:
            districts = districts.filter(code__startswith=f"{user.region_id}.")
        gap_rows, gap_total = gaps(user.region_id)
        context = {
            "rows": need_matrix(user.region_id, district.code if district else None),
            "district": district,
            "districts": districts.order_by("code"),
            "gaps": gap_rows,
            "gap_total": gap_total,
            "can_export": policy.allows(user, Family, Action.EXPORT),
            "overlap_at": OVERLAP_AT,
        }
        return render(request, "programs/synergy.html", context)


class UnreachedExtremeExportView(RestrictedMixin, View):
    """The extremely poor families no program reached, as Excel: the list toward zero."""

    model = Family
    action = Action.EXPORT

    def get(self, request):
        missing = unreached_extreme(request.user.region_id)
        families = Family.objects.restrict(request.user, Action.EXPORT).filter(
            pk__in=missing["family_id"].to_list()
        )
        rows = list(
            families.annotate(head=head_name())
            .order_by("village_id", "rw", "rt", "pk")
            .values_list("kk_number", "head", "address", "rt", "rw", "village__name", "village_id")
        )
        sheet = pl.DataFrame(
            rows,
            schema=[
                "NO KK",
                "KEPALA KELUARGA",
                "ALAMAT",
                "RT",
                "RW",
                "DESA/KELURAHAN",
                "KODE DESA",
            ],
            orient="row",
        )
        log_access(
            request.user,
            kind=AccessKind.EXPORT,
            object_type="family",
            object_id="*",
            detail=f"miskin ekstrem belum terjangkau program ({sheet.height} keluarga)",
            request=request,
        )
        return download(
            xlsx_bytes(sheet, "Belum terjangkau"), "miskin-ekstrem-belum-terjangkau.xlsx"
        )


class FlagListView(RestrictedMixin, View):
    """Anomaly flags for Bappeda/TKPK's verifiers: dismiss with a reason, or send to the
    field as a verivali task."""

    model = AnomalyFlag

    def get(self, request):
        flags = self.get_queryset().select_related("family__village", "person", "assignment")
        kind, status = request.GET.get("jenis", ""), request.GET.get("status", FlagStatus.OPEN)
        if kind in FlagKind.values:
            flags = flags.filter(kind=kind)
        if status in FlagStatus.values:
            flags = flags.filter(status=status)
        page = CountedOncePaginator(flags.order_by("-found_at", "pk"), 50).get_page(
            request.GET.get("page")
        )
        log_access(
            request.user,
            kind=AccessKind.LIST,
            object_type="anomaly_flag",
            object_id="*",
            detail=f"tanda anomali {kind or 'semua'} {status} halaman {page.number}",
            request=request,
        )
        context = {
            "page_obj": page,
            "flags": page.object_list,
            "kinds": FlagKind.choices,
            "statuses": FlagStatus.choices,
            "kind": kind,
            "status": status,
            "can_decide": policy.allows(request.user, AnomalyFlag, Action.CHANGE),
        }
        return render(request, "programs/flag_list.html", context)


class FlagDetectView(RestrictedMixin, View):
    model = AnomalyFlag

    def post(self, request):
        raised = detect_anomalies(actor=request.user)
        messages.success(request, _("%s tanda baru.") % raised)
        return redirect("programs:flag-list")


class FlagDecideView(RestrictedMixin, View):
    model = AnomalyFlag

    def post(self, request, pk):
        flag = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            if request.POST.get("decision") == "verivali":
                send_flag_to_verivali(flag, actor=request.user)
                messages.success(request, _("Dikirim sebagai tugas verivali."))
            else:
                dismiss_flag(flag, reason=request.POST.get("reason", ""), actor=request.user)
                messages.success(request, _("Tanda diabaikan; alasannya dicatat."))
        except CycleError as error:
            messages.error(request, str(error))
        return redirect("programs:flag-list")


class SimulationView(RestrictedMixin, View):
    """Two designs of a program side by side, before a budget is set: whom each reaches,
    at what error and cost (aggregates only)."""

    model = Program

    def get(self, request):
        bound = any(key.startswith(("a-", "b-")) for key in request.GET)
        data = request.GET if bound else None
        designs = [
            DesignForm(data, prefix=prefix, user=request.user, initial=initial)
            for prefix, initial in (
                ("a", {"max_desil": 2, "unit": "keluarga", "amount": 300_000}),
                ("b", {"max_desil": 4, "unit": "keluarga", "amount": 300_000}),
            )
        ]
        outcomes = []
        if bound and all(form.is_valid() for form in designs):
            for name, form in zip(("A", "B"), designs, strict=True):
                design = Design(
                    name=name,
                    criteria=form.criteria(),
                    areas=form.target_areas(),
                    unit=form.cleaned_data["unit"],
                    amount=form.cleaned_data["amount"],
                    budget=form.cleaned_data["budget"],
                )
                outcomes.append(simulate(design, within=request.user.region_id))
        context = {"designs": designs, "outcomes": outcomes}
        return render(request, "programs/simulation.html", context, status=200)


class ProgramStatusView(RestrictedMixin, View):
    """The agency starts its program (aktif) or closes it (selesai)."""

    model = Program

    def post(self, request, code):
        program = get_object_or_404(self.get_queryset(), code=code)
        status = request.POST.get("status", "")
        if status not in ProgramStatus.values:
            raise Http404
        try:
            update_program(program, {"status": status}, actor=request.user)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("Status program: %s.") % ProgramStatus(status).label)
        return redirect("programs:program-detail", program.code)


class MembershipView(RestrictedMixin, View):
    """The agency pauses, resumes or ends a beneficiary's membership of an approved cycle."""

    model = Beneficiary

    def post(self, request, pk):
        row = get_object_or_404(self.get_queryset(), pk=pk)
        try:
            change_membership(
                row,
                membership=request.POST.get("membership", ""),
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        except (CycleError, ValueError) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Keanggotaan baris %s diubah.") % row.row_number)
        return redirect("programs:cycle-detail", row.cycle_id)


class ProgramUpdateView(RestrictedMixin, View):
    """The agency edits its program: its facts and who it is for."""

    model = Program
    action = Action.CHANGE

    def get(self, request, code):
        program = get_object_or_404(self.get_queryset(), code=code)
        form = ProgramForm(instance=program, user=request.user)
        return render(request, "programs/program_form.html", {"form": form, "program": program})

    def post(self, request, code):
        program = get_object_or_404(self.get_queryset(), code=code)
        # The form writes its values into the instance it is given; update_program needs
        # the program as it was, for the change log.
        form = ProgramForm(
            request.POST, instance=Program.objects.get(pk=program.pk), user=request.user
        )
        if form.is_valid():
            changes = form.program_fields()
            try:
                update_program(program, changes, actor=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Program disimpan."))
                return redirect("programs:program-detail", program.code)
        context = {"form": form, "program": program}
        return render(request, "programs/program_form.html", context, status=400)


class ExclusionView(RestrictedMixin, View):
    """The agency says whom its program is not for: those already receiving another."""

    model = Program

    def post(self, request, code):
        program = get_object_or_404(self.get_queryset(), code=code)
        form = ExclusionForm(request.POST, program=program, user=request.user)
        if form.is_valid():
            try:
                add_combination_rule(actor=request.user, program=program, **form.rule_fields())
            except ValidationError as error:
                messages.error(request, "; ".join(error.messages))
            else:
                messages.success(request, _("Aturan kombinasi ditambahkan."))
        else:
            messages.error(request, _("Pilih program atau bidang, dan jumlah tahun (1–20)."))
        return redirect("programs:program-detail", program.code)
