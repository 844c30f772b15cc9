import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from padu.accounts import policy
from padu.accounts.choices import AccessKind, Role
from padu.accounts.mixins import denied_message, restricted
from padu.accounts.models import User
from padu.accounts.policy import Action
from padu.accounts.services import log_access, log_shown
from padu.core.spreadsheet import xlsx_bytes
from padu.core.views import download
from padu.regions.choices import RegionLevel
from padu.regions.codes import is_within
from padu.regions.models import Boundary, Region
from padu.registry.queries import head_name

from . import services
from .choices import AssignmentState, RoundStatus, VisitStatus
from .coverage import coverage as area_coverage
from .coverage import league, progress_counts, villages_not_started
from .export import round_results
from .filters import AssignmentFilterSet
from .findings import described_visit_changes
from .forms import CoverageForm, MeetingForm, ProposalForm, ReturnForm, RoundForm, VisitForm
from .models import Assignment, Round, VillageMeeting, Visit, VisitPhoto


@login_required
def home(request):
    """Verivali starts where the user's part of it is."""
    if policy.allows(request.user, Assignment, Action.CHANGE):
        return redirect("verification:tasks")
    if policy.allows(request.user, Round, Action.VIEW):
        return redirect("verification:round-list")
    return redirect("verification:coverage")


# -- the operator (mobile first) --------------------------------------------------------


@restricted(Assignment, get=Action.CHANGE)
def tasks(request):
    """The operator's assigned families in open rounds, searchable by name, NIK or No KK."""
    mine = Assignment.objects.restrict(request.user, Action.CHANGE)
    found = AssignmentFilterSet(request.GET, queryset=mine.filter(round__status=RoundStatus.OPEN))
    assignments = found.qs if found.is_valid() else found.queryset.none()
    chosen = found.form.cleaned_data if found.is_valid() else {}
    query, state = (chosen.get("q") or "").strip(), chosen.get("tahap") or ""
    counts = dict(
        mine.filter(round__status=RoundStatus.OPEN).values_list("state").annotate(n=Count("id"))
    )
    latest_visit = Visit.objects.filter(assignment=OuterRef("pk")).order_by("-pk")
    page = (
        assignments.select_related("family", "village", "round")
        .annotate(
            head_name=head_name("family_id"),
            visit_id=Subquery(latest_visit.values("pk")[:1]),
        )
        .order_by("state", "village_id", "family__rw", "family__rt", "id")[:50]
    )
    returned = Visit.objects.restrict(request.user, Action.CHANGE).filter(
        status=VisitStatus.RETURNED
    )
    log_shown(
        request,
        object_type="family",
        ids=[assignment.family_id for assignment in page],
        detail=f"tugas verivali q={query!r}" if query else "tugas verivali",
    )
    return render(
        request,
        "verification/tasks.html",
        {
            "assignments": page,
            "query": query,
            "state": state,
            "states": [(v, label, counts.get(v, 0)) for v, label in AssignmentState.choices],
            "returned": returned.select_related("family")[:20],
        },
    )


@restricted(Assignment, get=Action.CHANGE)
def visit_form(request, pk):
    """Record a visit of an assigned family. The page keeps a draft on the phone (see
    static/padu/visit.js), and a form sent twice is one visit."""
    assignment = get_object_or_404(
        Assignment.objects.restrict(request.user, Action.CHANGE).select_related(
            "family__village", "round"
        ),
        pk=pk,
    )
    family = assignment.family
    if request.method == "POST":
        form = VisitForm(request.POST, request.FILES, family=family)
        if form.is_valid():
            try:
                visit = services.submit_visit(
                    assignment,
                    actor=request.user,
                    report=form.report(),
                    outcome=form.cleaned_data["outcome"],
                    family_changes=form.family_changes(),
                    member_changes=form.member_changes(),
                    seen=form.seen_values(),
                )
            except services.VisitConflict as conflict:
                # Shown what changed; sent again, the form compares with today's values.
                form.data = form.data.copy()
                form.data["seen"] = json.dumps(services.family_snapshot(family))
                return render(
                    request,
                    "verification/visit_form.html",
                    {"form": form, "assignment": assignment, "conflicts": conflict.conflicts},
                    status=409,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Kunjungan tersimpan dan menunggu musyawarah desa."))
                url = reverse("verification:visit-detail", args=[visit.pk])
                return redirect(f"{url}?terkirim={visit.client_key}")
    else:
        form = VisitForm(family=family)
    log_access(
        request.user,
        kind=AccessKind.VIEW,
        object_type="family",
        object_id=family.pk,
        request=request,
    )
    return render(request, "verification/visit_form.html", {"form": form, "assignment": assignment})


@restricted(Visit, get=Action.CHANGE)
def propose(request):
    """Usulan baru: a family that no source listed."""
    verification_round = (
        Round.objects.filter(status=RoundStatus.OPEN, assignments__operator=request.user)
        .distinct()
        .first()
    )
    if verification_round is None:
        messages.error(request, _("Belum ada putaran verivali yang berjalan untuk Anda."))
        return redirect("verification:tasks")
    form = ProposalForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        family_values = {
            k: data[k] for k in ("kk_number", "address", "rt", "rw") if data[k] not in ("", None)
        }
        try:
            visit = services.propose_family(
                verification_round,
                actor=request.user,
                village=data["village"],
                report=form.report(),
                family_values=family_values,
                members=form.new_members(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Usulan keluarga baru tersimpan."))
            url = reverse("verification:visit-detail", args=[visit.pk])
            return redirect(f"{url}?terkirim={visit.client_key}")
    return render(
        request, "verification/proposal_form.html", {"form": form, "round": verification_round}
    )


@restricted(VillageMeeting, get=Action.CHANGE)
def meeting(request):
    """The operator records the village meeting (musdes/muskel) that agreed on visits."""
    waiting = list(
        Visit.objects.restrict(request.user, Action.CHANGE)
        .filter(status=VisitStatus.SUBMITTED)
        .select_related("family", "village", "round")
        .annotate(head_name=head_name("family"))
        .order_by("village_id", "pk")
    )
    form = MeetingForm(request.POST or None, request.FILES or None, visits=waiting)
    if request.method == "POST" and form.is_valid():
        chosen = [v for v in waiting if str(v.pk) in form.cleaned_data["visits"]]
        villages = {v.village_id for v in chosen}
        rounds = {v.round_id for v in chosen}
        if len(villages) != 1 or len(rounds) != 1:
            form.add_error("visits", _("Satu musyawarah untuk satu desa dan satu putaran."))
        else:
            try:
                services.record_meeting(
                    chosen[0].round,
                    village=chosen[0].village,
                    held_on=form.cleaned_data["held_on"],
                    minutes=form.cleaned_data["minutes"],
                    notes=form.cleaned_data["notes"],
                    visits=chosen,
                    actor=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(n)s kunjungan disepakati musyawarah; menunggu persetujuan Dinsos.")
                    % {"n": len(chosen)},
                )
                return redirect("verification:tasks")
    log_shown(request, object_type="visit", ids=[v.pk for v in waiting], detail="musyawarah")
    return render(request, "verification/meeting_form.html", {"form": form, "waiting": waiting})


# -- a visit, for its operator and for Dinsos --------------------------------------------


@restricted(Visit)
def visit_detail(request, pk):
    visit = get_object_or_404(
        Visit.objects.restrict(request.user, Action.VIEW).select_related(
            "family", "village", "round", "operator", "meeting", "decided_by"
        ),
        pk=pk,
    )
    family_changes, member_changes = described_visit_changes(visit)
    can_decide = (
        visit.status == VisitStatus.AGREED
        and Visit.objects.restrict(request.user, Action.APPROVE).filter(pk=visit.pk).exists()
    )
    conflicts = []
    if visit.family_id and can_decide:
        conflicts = services.changed_meanwhile(
            visit.family, visit.family_changes, visit.member_changes, visit.seen
        )
    if visit.family_id:
        log_access(
            request.user,
            kind=AccessKind.VIEW,
            object_type="family",
            object_id=visit.family_id,
            detail=f"kunjungan {visit.pk}",
            request=request,
        )
    return render(
        request,
        "verification/visit_detail.html",
        {
            "visit": visit,
            "family_changes": family_changes,
            "member_changes": member_changes,
            "members": visit.family.members.filter(lifecycle="aktif").order_by("pk")
            if visit.family_id
            else [],
            "visit_map": visit_map(visit),
            "new_members": visit.member_changes.get("baru", []),
            "conflicts": conflicts,
            "can_decide": can_decide,
            "return_form": ReturnForm(),
            "sent_key": request.GET.get("terkirim", ""),
        },
    )


def visit_map(visit: Visit) -> dict | None:
    """The points a visit was recorded at (the form's GPS, each photo's) and where the family
    is recorded, over the village's outline: for Dinsos to see it was made at the house."""
    points = []
    if visit.latitude is not None:
        points.append({"lat": visit.latitude, "lng": visit.longitude, "label": _("titik kunjungan"),
                       "kind": "visit", "accuracy": visit.gps_accuracy_m})  # fmt: skip
    for number, photo in enumerate(visit.photos.all(), start=1):
        if photo.latitude is not None:
            points.append({"lat": photo.latitude, "lng": photo.longitude,
                           "label": _("foto %(n)s") % {"n": number}, "kind": "photo"})  # fmt: skip
    family = visit.family
    if family is not None and family.latitude is not None:
        points.append({"lat": family.latitude, "lng": family.longitude,
                       "label": _("alamat tercatat"), "kind": "family"})  # fmt: skip
    if not points:
        return None
    outline = Boundary.objects.filter(region_id=visit.village_id).values_list("geometry", flat=True)
    return {"points": points, "outline": outline.first(), "tiles": settings.MAP_TILE_URL}


@require_POST
@restricted(Visit, post=Action.APPROVE)
def decide(request, pk):
    """Dinsos approves a visit (or, having seen a conflict, approves it anyway) or sends it back."""
    visit = get_object_or_404(Visit.objects.restrict(request.user, Action.APPROVE), pk=pk)
    try:
        if request.POST.get("action") == "return":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Tuliskan alasan pengembalian."))
            services.return_visit(visit, reason=form.cleaned_data["reason"], actor=request.user)
            messages.success(request, _("Kunjungan dikembalikan ke operator."))
        else:
            force = request.POST.get("action") == "force"
            services.approve_visit(visit, actor=request.user, force=force)
            messages.success(request, _("Kunjungan disetujui; data keluarga diperbarui."))
    except services.VisitConflict:
        messages.error(
            request,
            _("Data keluarga ini diubah orang lain sejak kunjungan dicatat. Periksa perbedaannya."),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("verification:visit-detail", pk=visit.pk)


@restricted(VisitPhoto)
def photo(request, pk):
    """A visit photo, to those who may see the visit (personal data: never a public URL)."""
    picture = get_object_or_404(VisitPhoto.objects.restrict(request.user, Action.VIEW), pk=pk)
    log_shown(request, object_type="visit_photo", ids=[pk], kind=AccessKind.VIEW)
    return FileResponse(picture.image.open("rb"), content_type="image/jpeg")


# -- Dinsos: rounds, assignments, approvals ------------------------------------------------


@restricted(Round, get=Action.VIEW, post=Action.CHANGE)
def round_list(request):
    form = RoundForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.create_round(
                name=data["name"],
                purpose=data["purpose"],
                region=data["region"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                max_desil=data["max_desil"],
                statuses=data["statuses"],
                stale_only=data["stale_only"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Putaran dibuat: %(n)s keluarga.") % {"n": created.assignments.count()},
            )
            return redirect("verification:round-detail", pk=created.pk)
    rounds = _rounds_for(request.user).annotate(
        families=Count("assignments"),
        approved=Count("assignments", filter=Q(assignments__state=AssignmentState.APPROVED)),
    )
    return render(request, "verification/round_list.html", {"rounds": rounds, "form": form})


def _rounds_for(user):
    return Round.objects.restrict(user, Action.VIEW).select_related("region")


@restricted(Round, get=Action.VIEW, post=Action.CHANGE)
def round_detail(request, pk):
    verification_round = get_object_or_404(_rounds_for(request.user), pk=pk)
    scoped = Assignment.objects.restrict(request.user, Action.VIEW).filter(round=verification_round)
    if request.method == "POST" and request.POST.get("action") == "approve-agreed":
        approved, held = services.approve_agreed(verification_round, actor=request.user)
        messages.success(
            request,
            _("%(n)s kunjungan disetujui; %(held)s ditahan karena datanya diubah orang lain.")
            % {"n": approved, "held": held},
        )
        return redirect("verification:round-detail", pk=pk)
    if request.method == "POST":
        village = get_object_or_404(Region, code=request.POST.get("village", ""))
        operator = get_object_or_404(User, pk=request.POST.get("operator") or 0)
        try:
            count = services.assign_village(
                verification_round, village, operator, actor=request.user
            )
            messages.success(
                request,
                _("%(n)s keluarga di %(village)s ditugaskan kepada %(user)s.")
                % {"n": count, "village": village.name, "user": operator.username},
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("verification:round-detail", pk=pk)
    districts = Region.objects.filter(
        level=RegionLevel.DISTRICT, code__within=verification_round.region_id
    ).order_by("name")
    district = request.GET.get("kecamatan", "")
    if district and not districts.filter(code=district).exists():
        district = ""
    progress = request.GET.get("tahap", "")
    in_area = scoped.filter(village__code__within=district) if district else scoped
    villages = (
        in_area.values("village_id", "village__name")
        .annotate(**progress_counts(), operators=Count("operator", distinct=True))
        .order_by("village_id")
    )
    villages = {
        "tanpa-operator": villages.filter(operators=0),
        "berjalan": villages.filter(operators__gt=0, approved__lt=F("in_scope")),
        "selesai": villages.filter(approved=F("in_scope")),
    }.get(progress, villages)
    village_page = Paginator(villages, 25).get_page(request.GET.get("halaman"))
    operators = list(
        User.objects.filter(role=Role.VILLAGE_OPERATOR, is_active=True, region__isnull=False)
        .filter(region__code__within=verification_round.region_id)
        .order_by("username")
    )
    codes = [row["village_id"] for row in village_page]
    assigned = dict(
        scoped.filter(operator__isnull=False, village_id__in=codes)
        .values_list("village_id", "operator__username")
        .distinct()
    )
    rows = [
        {
            **row,
            "assigned": assigned.get(row["village_id"], ""),
            "candidates": [o for o in operators if is_within(row["village_id"], o.region_id)],
        }
        for row in village_page
    ]
    waiting = (
        Visit.objects.restrict(request.user, Action.VIEW)
        .filter(round=verification_round, status__in=[VisitStatus.SUBMITTED, VisitStatus.AGREED])
        .select_related("family", "village", "operator", "meeting")
        .annotate(head_name=head_name("family"))
        .order_by("-status", "village_id", "pk")  # agreed in the meeting (ready) first
    )
    if district:
        waiting = waiting.filter(village__code__within=district)
    waiting_shown = list(waiting[:100])
    log_shown(
        request,
        object_type="visit",
        ids=[visit.pk for visit in waiting_shown],
        detail=f"putaran {verification_round.pk}",
    )
    return render(
        request,
        "verification/round_detail.html",
        {
            "round": verification_round,
            "villages": rows,
            "village_page": village_page,
            "districts": districts,
            "district": district,
            "progress": progress,
            "progress_choices": [
                ("tanpa-operator", _("belum ada operator")),
                ("berjalan", _("belum selesai")),
                ("selesai", _("selesai disetujui")),
            ],
            "waiting": waiting_shown,
            "agreed": waiting.filter(status=VisitStatus.AGREED).count(),
        },
    )


@restricted(Round)
def round_export(request, pk):
    """A round's results in SIKS-NG's verivali upload layout: the visits the user may export."""
    if not policy.allows(request.user, Visit, Action.EXPORT):
        raise PermissionDenied(denied_message(Visit, Action.EXPORT))
    verification_round = get_object_or_404(_rounds_for(request.user), pk=pk)
    frame = round_results(verification_round, Visit.objects.restrict(request.user, Action.EXPORT))
    log_access(
        request.user,
        kind=AccessKind.EXPORT,
        object_type="verification_round",
        object_id=verification_round.pk,
        request=request,
    )
    return download(xlsx_bytes(frame, "verivali"), f"verivali-{verification_round.pk}.xlsx")


# -- coverage: aggregates for officers and leaders -----------------------------------------


@login_required
def coverage(request):
    user = request.user
    if not user.can_follow_verivali:
        raise PermissionDenied
    form = CoverageForm(request.GET)
    asked = form.cleaned_data if form.is_valid() else {}
    code = asked.get("wilayah") or user.region_id
    if not code:
        code = Round.objects.values_list("region_id", flat=True).first()
    if not code:
        return render(request, "verification/coverage.html", {"rows": [], "rounds": []})
    if user.region_id and not is_within(code, user.region_id):
        code = user.region_id
    region = get_object_or_404(Region, code=code)
    rounds = Round.objects.touching(region.code)
    available = list(rounds.order_by("-starts_on", "-id"))
    chosen = asked.get("putaran")
    if chosen:
        rounds = rounds.filter(pk=chosen)
    rows, total = area_coverage(region, rounds)
    return render(
        request,
        "verification/coverage.html",
        {
            "region": region,
            "crumbs": [*region.ancestors(), region],
            "rows": rows,
            "total": total,
            "league": league(rows),
            "not_started": villages_not_started(region, rounds),
            "rounds": available,
            "chosen": str(chosen or ""),
            "drill": region.level < 4,
        },
    )
