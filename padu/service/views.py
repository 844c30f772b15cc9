"""The one-stop service's pages: the resident's (no login, phone first), the desk's, and
Dinsos' queue with what it does with each request."""

import segno
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from padu.accounts import policy
from padu.accounts.choices import AccessKind
from padu.accounts.mixins import restricted
from padu.accounts.policy import Action
from padu.accounts.services import log_shown, village_operators
from padu.registry.models import Family
from padu.registry.queries import head_name
from padu.registry.search import filter_by_search
from padu.verification import services as verivali
from padu.verification.forms import ProposalForm

from . import services
from .choices import KIND_SLUGS, Channel, RequestKind, RequestStatus
from .filters import RequestFilterSet
from .forms import LinkFamilyForm, ServiceRequestForm, StatusCheckForm, TrackForm, TriageForm
from .models import TRACKING_SALT, RequestPhoto, ServiceRequest
from .notify import tracking_url
from .queries import service_villages

KIND_TITLES = {
    RequestKind.PROPOSAL: _("Usulkan keluarga"),
    RequestKind.OBJECTION: _("Sanggah penerima"),
    RequestKind.COMPLAINT: _("Pengaduan"),
    RequestKind.QUESTION: _("Bertanya"),
}
#: The session key under which a new request's check code waits to be shown, once.
_CODE_KEY = "padu.service.code.{ticket}"


class _PerClient(SimpleRateThrottle):
    """A rate per client address (REST framework's throttle, over the shared cache)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LookupThrottle(_PerClient):
    scope = "service-lookup"


class SubmitThrottle(_PerClient):
    scope = "service-submit"


def _throttled(request, throttle_class) -> int | None:
    """Minutes to wait when this client has used up its rate, else None."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, round((throttle.wait() or 60) / 60))


def _too_many(request, minutes: int):
    return render(request, "service/too_many.html", {"minutes": minutes}, status=429)


# -- the resident ---------------------------------------------------------------------------


def home(request):
    return render(request, "service/home.html", {"kinds": KIND_SLUGS})


def check_status(request):
    """Cek status: the same answer for an unknown NIK and a wrong second fact."""
    form = StatusCheckForm(request.POST or None)
    answer, checked = None, False
    if request.method == "POST":
        if minutes := _throttled(request, LookupThrottle):
            return _too_many(request, minutes)
        if form.is_valid():
            data = form.cleaned_data
            answer = services.check_status(
                nik=data["nik"],
                name=data["name"],
                kk_number=data["kk_number"],
                village=data["village"],
            )
            checked = True
    return render(
        request,
        "service/check.html",
        {"form": form, "answer": answer, "checked": checked},
    )


def submit(request, kind_slug, *, channel=Channel.ONLINE):
    kind = KIND_SLUGS.get(kind_slug)
    if kind is None:
        raise Http404
    desk = channel == Channel.DESK
    villages = service_villages([request.user.region_id]) if desk else None
    form = ServiceRequestForm(
        request.POST or None, request.FILES or None, kind=kind, desk=desk, villages=villages
    )
    if request.method == "POST":
        if not desk and (minutes := _throttled(request, SubmitThrottle)):
            return _too_many(request, minutes)
        if form.is_valid():
            try:
                created, code = services.submit_request(
                    form.details(),
                    actor=request.user if desk else None,
                    channel=channel,
                    received_on=form.cleaned_data.get("received_on"),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                request.session[_CODE_KEY.format(ticket=created.ticket)] = code
                return redirect("service:receipt", token=created.token)
    return render(
        request,
        "service/request_form.html",
        {"form": form, "kind": kind, "title": KIND_TITLES[kind], "desk": desk},
    )


submit.model = ServiceRequest  # its kind_slug fills the address, for the URL matrix


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.error_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error)


def _by_token(token: str) -> ServiceRequest:
    try:
        ticket = signing.loads(token, salt=TRACKING_SALT)
    except signing.BadSignature as error:
        raise Http404 from error
    return get_object_or_404(ServiceRequest.objects.select_related("village"), ticket=ticket)


def receipt(request, token):
    """The ticket, its check code (shown this once) and the tracking link; printable at a
    desk, with a QR code of the link for the resident's phone."""
    found = _by_token(token)
    code = request.session.pop(_CODE_KEY.format(ticket=found.ticket), None)
    link = tracking_url(found)
    return render(
        request,
        "service/receipt.html",
        {
            "request_": found,
            "code": code,
            "link": link,
            "qr_svg": segno.make(link, error="m").svg_inline(scale=3),
        },
    )


receipt.model = ServiceRequest


def track(request, token):
    """What became of a request, step by step, in words for the resident (no one's data)."""
    found = _by_token(token)
    followed = found.duplicate_of or found
    steps = list(found.steps.all()) if followed is found else [
        *found.steps.all(), *followed.steps.exclude(status=RequestStatus.RECEIVED)
    ]  # fmt: skip
    return render(
        request,
        "service/track.html",
        {
            "request_": found,
            "followed": followed,
            "steps": steps,
            "referral": followed.referral,
        },
    )


track.model = ServiceRequest


def find(request):
    """A ticket and its check code open the tracking page."""
    form = TrackForm(request.POST or None)
    if request.method == "POST":
        if minutes := _throttled(request, LookupThrottle):
            return _too_many(request, minutes)
        if form.is_valid():
            found = services.request_by_ticket(
                form.cleaned_data["ticket"], form.cleaned_data["code"]
            )
            if found is not None:
                return redirect("service:track", token=found.token)
            form.add_error(
                None, _("Nomor tiket atau kode cek tidak cocok. Periksa tanda terima Anda.")
            )
    return render(request, "service/find.html", {"form": form})


# -- the desk -------------------------------------------------------------------------------


@restricted(ServiceRequest, get=Action.RECEIVE, post=Action.RECEIVE)
def desk(request, kind_slug=None):
    if kind_slug is None:
        return render(request, "service/desk.html", {"kinds": KIND_SLUGS, "titles": KIND_TITLES})
    return submit(request, kind_slug, channel=Channel.DESK)


# -- Dinsos' queue --------------------------------------------------------------------------


@restricted(ServiceRequest)
def queue(request):
    visible = ServiceRequest.objects.restrict(request.user, Action.VIEW)
    data = request.GET.copy()
    data.setdefault("status", "terbuka")
    found = RequestFilterSet(data, queryset=visible)
    rows = found.qs if found.is_valid() else visible.none()
    page = Paginator(rows.select_related("village").order_by("due_on", "pk"), 25).get_page(
        request.GET.get("page")
    )
    log_shown(
        request, object_type="service_request", ids=[r.pk for r in page], detail="antrean layanan"
    )
    counts = {kind: n for kind, n in visible.open().values_list("kind").annotate(n=Count("id"))}
    return render(
        request,
        "service/queue.html",
        {
            "filter": found,
            "page": page,
            "open_counts": [(label, counts.get(kind, 0)) for kind, label in RequestKind.choices],
            "overdue": visible.overdue().count(),
            "can_receive": policy.allows(request.user, ServiceRequest, Action.RECEIVE),
        },
    )


@restricted(ServiceRequest, get=Action.VIEW, post=Action.CHANGE)
def detail(request, pk):
    found = get_object_or_404(
        ServiceRequest.objects.restrict(request.user, Action.VIEW).select_related(
            "village", "family", "program", "operator", "referral__agency", "duplicate_of"
        ),
        pk=pk,
    )
    may_triage = ServiceRequest.objects.restrict(request.user, Action.CHANGE).filter(pk=pk).exists()
    form = TriageForm(request.POST or None, operators=village_operators(found.village_id))
    if request.method == "POST":
        if not may_triage:
            raise PermissionDenied(_("Peran Anda tidak dapat menelaah permintaan ini."))
        if "family" in request.POST:
            return _link_family(request, found)
        if form.is_valid():
            try:
                _carry_out(found, form.cleaned_data, actor=request.user)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Permintaan %(t)s diperbarui.") % {"t": found.ticket})
                return redirect("service:detail", pk=pk)
    log_shown(request, object_type="service_request", ids=[pk], kind=AccessKind.VIEW)
    query = request.GET.get("cari", "").strip()
    candidates = []
    if may_triage and not found.is_closed and query:
        families = Family.objects.restrict(request.user, Action.VIEW).filter(
            village_id=found.village_id
        )
        candidates = list(
            filter_by_search(families, query).annotate(head=head_name("pk")).order_by("pk")[:10]
        )
        log_shown(
            request,
            object_type="family",
            ids=[f.pk for f in candidates],
            detail=f"layanan {found.ticket}",
        )
    return render(
        request,
        "service/detail.html",
        {
            "request_": found,
            "steps": found.steps.select_related("actor"),
            "photos": found.photos.all(),
            "form": form,
            "may_triage": may_triage and not found.is_closed,
            "duplicates": services.possible_duplicates(found) if not found.is_closed else [],
            "query": query,
            "candidates": candidates,
            "is_my_proposal": (
                found.operator_id == request.user.pk
                and found.family_id is None
                and found.visit_id is None
                and found.status == RequestStatus.IN_VERIVALI
            ),
        },
    )


def _carry_out(found: ServiceRequest, data: dict, *, actor) -> None:
    action = data["action"]
    if action == "verivali":
        services.send_to_verivali(found, actor=actor, operator=data.get("operator"))
    elif action == "rujuk":
        services.refer_request(found, data["rule"], actor=actor)
    elif action in ("jawab", "tolak"):
        outcome = RequestStatus.ANSWERED if action == "jawab" else RequestStatus.REJECTED
        services.answer_request(found, answer=data["answer"], actor=actor, outcome=outcome)
    elif action == "gabung":
        into = (
            ServiceRequest.objects.restrict(actor, Action.CHANGE)
            .filter(ticket=data["into"].strip().upper())
            .first()
        )
        if into is None:
            raise ValidationError(
                _("Tiket %(t)s tidak ditemukan di wilayah Anda.") % {"t": data["into"]}
            )
        services.join_request(found, into=into, actor=actor)


def _link_family(request, found: ServiceRequest):
    form = LinkFamilyForm(request.POST)
    if form.is_valid():
        family = get_object_or_404(
            Family.objects.restrict(request.user, Action.VIEW), pk=form.cleaned_data["family"]
        )
        try:
            services.link_family(found, family, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Keluarga tertaut ke permintaan ini."))
    return redirect("service:detail", pk=found.pk)


@restricted(RequestPhoto)
def photo(request, pk):
    picture = get_object_or_404(RequestPhoto.objects.restrict(request.user, Action.VIEW), pk=pk)
    log_shown(request, object_type="service_photo", ids=[pk], kind=AccessKind.VIEW)
    return FileResponse(picture.image.open("rb"), content_type="image/jpeg")


# -- the operator ---------------------------------------------------------------------------


@restricted(ServiceRequest, get=Action.VIEW, post=Action.VIEW)
def proposal_visit(request, pk):
    """The operator visits a family a resident proposed and records it as a new family,
    starting from what the resident wrote."""
    found = get_object_or_404(
        ServiceRequest.objects.restrict(request.user, Action.VIEW).select_related("village"),
        pk=pk,
        operator=request.user,
        family__isnull=True,
        visit__isnull=True,
        status=RequestStatus.IN_VERIVALI,
    )
    verification_round = verivali.open_round_over(found.village_id)
    if verification_round is None:
        messages.error(
            request,
            _("Belum ada putaran verivali yang berjalan di wilayah ini: minta Dinsos membukanya."),
        )
        return redirect("service:detail", pk=pk)
    initial = {
        "village": found.village,
        "kk_number": found.subject_kk,
        "address": found.address,
        "rt": found.rt,
        "rw": found.rw,
        "latitude": found.latitude,
        "longitude": found.longitude,
        "new0_full_name": found.subject_name,
        "new0_nik": found.subject_nik,
        "new0_relationship": "kepala",
        "notes": _("Usulan warga, tiket %(t)s: %(d)s")
        % {"t": found.ticket, "d": found.description},
    }
    form = ProposalForm(
        request.POST or None, request.FILES or None, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = verivali.propose_family(
                verification_round,
                actor=request.user,
                village=data["village"],
                report=form.report(),
                family_values={
                    k: data[k]
                    for k in ("kk_number", "address", "rt", "rw")
                    if data[k] not in ("", None)
                },
                members=form.new_members(),
            )
            services.record_proposal_visit(found, visit, actor=request.user)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Kunjungan tersimpan dan menunggu musyawarah desa."))
            return redirect(reverse("verification:visit-detail", args=[visit.pk]))
    log_shown(request, object_type="service_request", ids=[pk], kind=AccessKind.VIEW)
    return render(
        request,
        "service/proposal_visit.html",
        {"form": form, "round": verification_round, "request_": found},
    )
