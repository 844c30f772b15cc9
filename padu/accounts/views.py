from base64 import b32encode

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, services
from .choices import AccessKind, ApplicationStatus, Role
from .forms import (
    AccessLogFilterForm,
    AccountChangeForm,
    ApplicationForm,
    DecisionForm,
    OneTimeCodeForm,
    TimeZoneForm,
)
from .mixins import restricted
from .models import AccessLog, Application, User
from .policy import Action


def home(request):
    """Each user starts where their work is; a user with no page open to them yet (the
    public account, or an account still without its region or OPD) is told why rather than
    shown an empty list. A visitor who is not signed in gets the public statistics."""
    if not request.user.is_authenticated:
        return redirect("portal:home")
    if request.user.home_url_name:
        return redirect(request.user.home_url_name)
    role = request.user.role
    without_agency = role == Role.AGENCY_OFFICER and not request.user.agency_id
    missing = _("OPD") if without_agency else _("wilayah kerja")
    return render(request, "home.html", {"public": role == Role.PUBLIC, "missing": missing})


# -- signing in: the second factor, the password, every session ------------------------------


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(wanted, {request.get_host()}, request.is_secure())
    return wanted if safe else reverse("home")


@login_required
def second_factor(request):
    """The one-time code of the user's authenticator app; the first time, the app is set up
    here from a QR code (or its key typed in)."""
    user = request.user
    if not user.needs_second_factor or user.is_verified():
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    setting_up = device is None
    if setting_up:
        device = services.authenticator_to_set_up(user, actor=user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if setting_up:
                services.confirm_authenticator(device, actor=user)
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "token",
            _("Kode salah atau sudah kedaluwarsa: periksa jam ponsel Anda, lalu coba kode baru."),
        )
    context = {"form": form, "setting_up": setting_up, "next": _next_url(request)}
    if setting_up:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=5)
        key = b32encode(device.bin_key).decode()
        context["secret"] = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
    return render(request, "accounts/second_factor.html", context)


@login_required
def account(request):
    """The user's own account: scope, expiry, second factor, time zone, and where to change
    them."""
    form = TimeZoneForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        services.set_time_zone(request.user, form.cleaned_data["time_zone"], actor=request.user)
        messages.success(request, _("Zona waktu disimpan."))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {
            "authenticator": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
            "zone_form": form,
        },
    )


#: What a browser is told to forget at sign-out: cached pages, and the drafts of visits
#: (names, NIKs, photos in localStorage and IndexedDB) on a phone that may be shared.
CLEAR_SITE_DATA = '"cache", "storage"'


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


@require_POST
@login_required
def sign_out_everywhere(request):
    services.sign_out_everywhere(request.user, actor=request.user)
    logout(request)
    messages.success(request, _("Semua sesi akun Anda diakhiri, juga di perangkat lain."))
    response = redirect("accounts:login")
    response["Clear-Site-Data"] = CLEAR_SITE_DATA
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Any user changes their own password (their other sessions end: Django signs each
    session with the password)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_password_change(self.request.user, actor=self.request.user, how="diubah")
        messages.success(self.request, _("Kata sandi diubah. Sesi lain akun ini diakhiri."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """A forgotten password: a link by email to the address of the account."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-done")
    #: The records its URL names (for the URL matrix: it fills the link with a user's id).
    model = User

    def form_valid(self, form):
        response = super().form_valid(form)
        services.record_password_change(form.user, actor=form.user, how="diatur ulang lewat surel")
        return response


# -- registration through the TKPK secretariat -------------------------------------------------


def register(request):
    """Anyone asks for an account; the TKPK secretariat of the region decides."""
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit_application(
                details=form.details(),
                password=form.cleaned_data["password1"],
                letter=form.cleaned_data["letter"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("accounts:application-status", token=application.token)
    return render(request, "accounts/register.html", {"form": form})


def application_status(request, token):
    """The applicant's page: where the application stands (the link is its only key)."""
    application = services.application_by_token(token)
    if application is None:
        raise Http404
    return render(
        request,
        "accounts/application_status.html",
        {"application": application, "status_url": request.build_absolute_uri()},
    )


# Named for the URL matrix, which fills ``token`` with this attribute of an application.
application_status.model = Application


@restricted(Application, get=Action.VIEW, post=Action.APPROVE)
def application_list(request):
    applications = Application.objects.restrict(request.user, Action.VIEW).select_related(
        "region", "agency"
    )
    status = request.GET.get("status", ApplicationStatus.PENDING)
    if status not in ApplicationStatus.values:
        status = ApplicationStatus.PENDING
    page = Paginator(applications.filter(status=status), 25).get_page(request.GET.get("page"))
    services.log_shown(
        request, object_type="application", ids=[a.pk for a in page], detail="pendaftaran"
    )
    counts = {
        value: applications.filter(status=value).count() for value in ApplicationStatus.values
    }
    return render(
        request,
        "accounts/application_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [(v, label, counts[v]) for v, label in ApplicationStatus.choices],
        },
    )


@restricted(Application, get=Action.VIEW, post=Action.APPROVE)
def application_detail(request, pk):
    application = get_object_or_404(
        Application.objects.restrict(request.user, Action.VIEW).select_related("region", "agency"),
        pk=pk,
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "approve":
                user = services.approve_application(
                    application, expires_on=form.cleaned_data["expires_on"], actor=request.user
                )
                messages.success(
                    request,
                    _("Disetujui: akun %(name)s berlaku sampai %(until)s; pemohon diberi tahu.")
                    % {"name": user.username, "until": user.expires_on.strftime("%d-%m-%Y")},
                )
            else:
                services.reject_application(
                    application, reason=form.cleaned_data["reason"], actor=request.user
                )
                messages.success(request, _("Ditolak; pemohon diberi tahu alasannya."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("accounts:application-list")
    services.log_shown(
        request, object_type="application", ids=[application.pk], kind=AccessKind.VIEW
    )
    return render(
        request, "accounts/application_detail.html", {"application": application, "form": form}
    )


@restricted(Application)
def application_letter(request, pk):
    application = get_object_or_404(Application.objects.restrict(request.user, Action.VIEW), pk=pk)
    services.log_shown(
        request, object_type="application", ids=[pk], kind=AccessKind.VIEW, detail="surat tugas"
    )
    return FileResponse(application.letter.open("rb"), content_type="application/pdf")


@restricted(User, get=Action.VIEW, post=Action.CHANGE)
def user_list(request):
    """The accounts of the region: who may see what, until when."""
    users = (
        User.objects.restrict(request.user, Action.VIEW)
        .select_related("region", "agency")
        .order_by("-is_active", "expires_on", "username")
    )
    query = (request.GET.get("q") or "").strip()[:150]
    if query:
        users = users.filter(username__icontains=query) | users.filter(first_name__icontains=query)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page, "query": query})


@restricted(User, get=Action.VIEW, post=Action.CHANGE)
def user_detail(request, pk):
    account = get_object_or_404(
        User.objects.restrict(request.user, Action.VIEW).select_related("region", "agency"), pk=pk
    )
    form = AccountChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == "renew":
                if not data["expires_on"]:
                    raise ValidationError(_("Isi sampai kapan akun berlaku."))
                services.renew_account(account, expires_on=data["expires_on"], actor=request.user)
                messages.success(request, _("Akun diperpanjang."))
            elif data["action"] == "deactivate":
                services.deactivate_account(account, reason=data["reason"], actor=request.user)
                messages.success(request, _("Akun dinonaktifkan; semua sesinya diakhiri."))
            else:
                services.reset_authenticator(account, actor=request.user)
                messages.success(
                    request,
                    _("Autentikator dihapus: pada masuk berikutnya pengguna memasang yang baru."),
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("accounts:user-detail", pk=pk)
    return render(request, "accounts/user_detail.html", {"account": account, "form": form})


# -- who looked at personal data -------------------------------------------------------------


@restricted(AccessLog)
def access_log(request):
    """The data custodian reads the log by user, by family and by period, the unusual first
    to the eye: far more reading than the user's usual, or outside working hours."""
    form = AccessLogFilterForm(request.GET or None)
    rows = AccessLog.objects.restrict(request.user, Action.VIEW).select_related("user")
    if form.is_valid():
        rows = audit.filtered(rows, **form.cleaned_data)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    entries = list(page)
    flags = audit.flags_for(entries)
    return render(
        request,
        "accounts/access_log.html",
        {
            "form": form,
            "page": page,
            "rows": [(entry, flags.get(entry.pk, [])) for entry in entries],
        },
    )
