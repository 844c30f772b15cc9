import datetime as dt
import hashlib
import secrets

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from padu.core import context
from padu.core.choices import ChangeAction
from padu.core.history import diff, record_change, snapshot
from padu.regions.codes import ancestor_codes

from .choices import AccessKind, ApplicationStatus, Role, TokenScope
from .models import APPLICATION_SALT, AccessLog, ApiToken, Application, User
from .policy import Action, require

#: The fields of an account that its access rests on, for the change log.
ACCESS_FIELDS = [
    "username",
    "role",
    "region_id",
    "agency_id",
    "is_staff",
    "is_superuser",
    "is_active",
    "expires_on",
    "time_zone",
]


def log_access(user, *, kind: AccessKind, object_type: str, object_id="", detail="", request=None):
    """Record a look at personal data. Called by every view and export that shows it."""
    return AccessLog.objects.create(
        user=user,
        kind=kind,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:300],
        request_id=context.request_id.get(),
        ip_address=request.META.get("REMOTE_ADDR") if request is not None else None,
    )


def log_shown(request, *, object_type: str, ids, kind=AccessKind.LIST, detail="") -> None:
    """Record a page or file that shows these records (a list's page: which rows were on
    it). Nothing is written when nothing was shown."""
    ids = [str(pk) for pk in ids]
    if not ids:
        return
    log_access(
        request.user,
        kind=kind,
        object_type=object_type,
        object_id=ids[0] if len(ids) == 1 else "*",
        detail=" ".join(part for part in (str(detail), "id=" + ",".join(ids)) if part),
        request=request,
    )


@transaction.atomic
def create_user(
    *, username: str, password: str, role: Role, region=None, agency=None, actor=None, **extra
) -> User:
    user = User(username=username, role=role, region=region, agency=agency, **extra)
    user.set_password(password)
    user.full_clean()
    user.save()
    after = snapshot(user, ACCESS_FIELDS)
    record_change(user, actor=actor, action=ChangeAction.CREATE, after=after)
    return user


@transaction.atomic
def ensure_account(
    *, username: str, password: str, role: Role, region=None, agency=None, actor=None, **extra
) -> User:
    """The account ``username`` with this role, scope and password, made or brought up to
    date (the demo's accounts); what changed is in the change log."""
    user = User.objects.filter(username=username).first()
    if user is None:
        return create_user(
            username=username,
            password=password,
            role=role,
            region=region,
            agency=agency,
            actor=actor,
            **extra,
        )
    before = snapshot(user, ACCESS_FIELDS)
    for name, value in {"role": role, "region": region, "agency": agency, **extra}.items():
        setattr(user, name, value)
    user.set_password(password)
    user.full_clean()
    user.save()
    old, new = diff(before, snapshot(user, ACCESS_FIELDS))
    record_change(user, actor=actor, action=ChangeAction.UPDATE, before=old, after=new)
    return user


def village_operators(village_code: str):
    """The active operators who work in a village (its own, or an area holding it): whom an
    agency calls about a family there."""
    return User.objects.filter(
        role=Role.VILLAGE_OPERATOR,
        is_active=True,
        region_id__in=[*ancestor_codes(village_code), village_code],
    ).order_by("region_id", "first_name")


# -- registration through the TKPK secretariat, and the life of an account ------------------

#: The fields of an application its decision rests on, for the change log.
APPLICATION_FIELDS = ["number", "full_name", "nip", "office", "role", "region_id", "agency_id",
                      "status", "reason"]  # fmt: skip


def _new_application_number() -> str:
    # Random, so that numbers say nothing about how many people applied; the status page
    # needs the signed link besides.
    return f"{timezone.localdate():%Y}-{secrets.token_hex(3).upper()}"


@transaction.atomic
def submit_application(*, details: dict, password: str, letter, actor=None) -> Application:
    """A person's request for an account, waiting for the TKPK secretariat. The password is
    checked against the policy now and kept as a hash only."""
    application = Application(**details, letter=letter, number=_new_application_number())
    password_validation.validate_password(
        password, User(username=application.username, email=application.email)
    )
    application.password_hash = make_password(password)
    application.full_clean(exclude=["password_hash"])
    application.save()
    record_change(
        application,
        actor=actor,
        action=ChangeAction.CREATE,
        after=snapshot(application, APPLICATION_FIELDS),
    )
    return application


@transaction.atomic
def approve_application(application: Application, *, expires_on, actor) -> User:
    """The account the applicant asked for, valid until ``expires_on``, with the password
    they chose; the applicant is told by email."""
    application = _pending(application, actor=actor)
    _check_expiry(expires_on)
    if User.objects.filter(username__iexact=application.username).exists():
        raise ValidationError(
            _(
                "Nama pengguna %(name)s sudah dipakai: tolak dengan alasan itu, pemohon mendaftar lagi."
            )
            % {"name": application.username}
        )
    first, _space, last = application.full_name.partition(" ")
    user = User(
        username=application.username,
        password=application.password_hash,
        first_name=first[:150],
        last_name=last[:150],
        email=application.email,
        phone=application.phone,
        role=application.role,
        region=application.region,
        agency=application.agency,
        expires_on=expires_on,
    )
    user.full_clean(exclude=["password"])
    user.save()
    record_change(
        user,
        actor=actor,
        action=ChangeAction.CREATE,
        after=snapshot(user, ACCESS_FIELDS),
    )
    _decide(application, actor=actor, status=ApplicationStatus.APPROVED, user=user)
    return user


@transaction.atomic
def reject_application(application: Application, *, reason: str, actor) -> Application:
    application = _pending(application, actor=actor)
    if not reason.strip():
        raise ValidationError(_("Tulis alasan penolakan: pemohon membacanya."))
    return _decide(
        application, actor=actor, status=ApplicationStatus.REJECTED, reason=reason.strip()
    )


def _pending(application: Application, *, actor) -> Application:
    """The application, locked, if ``actor`` may decide it and no one has yet."""
    require(actor, application, Action.APPROVE)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(_("Pendaftaran ini sudah diputuskan."))
    return application


def _decide(application: Application, *, actor, **values) -> Application:
    """Write the decision with its change-log row; the applicant is told once it is saved."""
    before = snapshot(application, APPLICATION_FIELDS)
    for name, value in {**values, "decided_by": actor, "decided_at": timezone.now()}.items():
        setattr(application, name, value)
    application.save()
    old, new = diff(before, snapshot(application, APPLICATION_FIELDS))
    record_change(application, actor=actor, action=ChangeAction.UPDATE, before=old, after=new)
    transaction.on_commit(lambda: tell_applicant(application))
    return application


def application_by_token(token: str) -> Application | None:
    try:
        number = signing.loads(token, salt=APPLICATION_SALT)
    except signing.BadSignature:
        return None
    return Application.objects.filter(number=number).first()


def tell_applicant(application: Application) -> None:
    """The decision, by email to the address the applicant gave."""
    if application.status == ApplicationStatus.APPROVED:
        body = _(
            "Pendaftaran akun Padu Anda (%(number)s) disetujui. Masuk dengan nama pengguna "
            "%(username)s dan kata sandi yang Anda pilih. Akun berlaku sampai %(until)s."
        ) % {
            "number": application.number,
            "username": application.username,
            "until": application.user.expires_on.strftime("%d-%m-%Y"),
        }
    else:
        body = _(
            "Pendaftaran akun Padu Anda (%(number)s) ditolak oleh sekretariat TKPK. "
            "Alasannya: %(reason)s"
        ) % {"number": application.number, "reason": application.reason}
    send_mail(
        _("Pendaftaran akun Padu %(number)s") % {"number": application.number},
        body,
        None,
        [application.email],
        fail_silently=True,  # the status page says the same; a mail server down blocks nothing
    )


@transaction.atomic
def renew_account(user: User, *, expires_on, actor) -> User:
    require(actor, user, Action.CHANGE)
    _check_expiry(expires_on)
    return _change_account(user, actor=actor, expires_on=expires_on, is_active=True)


@transaction.atomic
def deactivate_account(user: User, *, reason: str, actor) -> User:
    """A leaver's account: closed (kept, with its history), every session ended."""
    require(actor, user, Action.CHANGE)
    if not reason.strip():
        raise ValidationError(_("Tulis alasan penonaktifan (pindah tugas, pensiun …)."))
    if user.pk == actor.pk:
        raise ValidationError(_("Akun Anda sendiri dinonaktifkan oleh sekretariat lain."))
    _end_every_session(user)
    return _change_account(user, actor=actor, is_active=False, note=reason.strip())


def _check_expiry(expires_on) -> None:
    if expires_on <= timezone.localdate():
        raise ValidationError(_("Tanggal berlaku harus sesudah hari ini."))


def _end_every_session(user: User) -> None:
    """Every session signed before this stops being valid (see User._get_session_auth_hash)."""
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)


def _change_account(user: User, *, actor, note: str = "", **values) -> User:
    before = snapshot(user, ACCESS_FIELDS)
    for name, value in values.items():
        setattr(user, name, value)
    user.save(update_fields=[*values])
    old, new = diff(before, snapshot(user, ACCESS_FIELDS))
    if note:
        new["alasan"] = note
    record_change(user, actor=actor, action=ChangeAction.UPDATE, before=old, after=new)
    return user


@transaction.atomic
def sign_out_everywhere(user: User, *, actor) -> None:
    """End every session of ``user`` (a lost phone, a shared computer), this one too."""
    _end_every_session(user)
    record_change(user, actor=actor, action=ChangeAction.UPDATE, after={"sesi": "semua diakhiri"})


def record_password_change(user: User, *, actor, how: str) -> None:
    record_change(user, actor=actor, action=ChangeAction.UPDATE, after={"password": how})


def authenticator_to_set_up(user: User, *, actor) -> TOTPDevice:
    """The authenticator a user is setting up: a new secret the first time, the same one
    until a first code confirms it (a reload shows the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Padu", confirmed=False)
        record_change(
            user, actor=actor, action=ChangeAction.UPDATE, after={"autentikator": "disiapkan"}
        )
    return device


def confirm_authenticator(device, *, actor) -> None:
    """The user's authenticator app, set up and proven with a first code."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record_change(
        device.user, actor=actor, action=ChangeAction.UPDATE, after={"autentikator": "dipasang"}
    )


@transaction.atomic
def reset_authenticator(user: User, *, actor) -> None:
    """A lost phone: the authenticator is removed (the next sign-in sets up a new one) and
    every session of the account ends."""
    require(actor, user, Action.CHANGE)
    TOTPDevice.objects.filter(user=user).delete()
    _end_every_session(user)
    record_change(
        user, actor=actor, action=ChangeAction.UPDATE, after={"autentikator": "diatur ulang"}
    )


def set_time_zone(user: User, zone: str, *, actor) -> User:
    """The zone the user's pages and files show times in ("" for the installation's)."""
    return _change_account(user, actor=actor, time_zone=zone)


#: What every API key begins with, so that a leaked one is recognised (by secret scanners).
TOKEN_PREFIX = "padu_"


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def issue_api_token(
    user: User, *, name: str, scopes: list[str], days: float, actor
) -> tuple[ApiToken, str]:
    """A new key for ``user`` (returned once, with its record), valid ``days`` days."""
    if not user.is_active:
        raise ValidationError(_("Akun %(name)s tidak aktif.") % {"name": user.username})
    unknown = set(scopes) - set(TokenScope.values)
    if not scopes or unknown:
        raise ValidationError(_("Cakupan token: read dan/atau write."))
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: len(TOKEN_PREFIX) + 6],
        key_hash=_key_hash(key),
        scopes=sorted(set(scopes)),
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    record_change(
        user, actor=actor, action=ChangeAction.UPDATE,
        after={"token_api": f"{token.prefix}… dibuat ({name}, {','.join(token.scopes)}, sampai {token.expires_at:%Y-%m-%d %H:%M})"},
    )  # fmt: skip
    return token, key


def token_for_key(key: str) -> ApiToken | None:
    """The usable token a key belongs to, or None."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_key_hash(key)).first()
    return token if token is not None and token.is_usable else None


#: How often a token's last use is written (not on every call: a busy system calls often).
LAST_USED_EVERY = dt.timedelta(minutes=1)


def note_token_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def revoke_api_token(token: ApiToken, *, actor) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    record_change(
        token.user, actor=actor, action=ChangeAction.UPDATE,
        after={"token_api": f"{token.prefix}… dicabut"},
    )  # fmt: skip
