from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from lokal.phone import parse_phone

from . import policy
from .choices import (
    PERSONAL_DATA_ROLES,
    VERIVALI_ROLES,
    AccessKind,
    ApplicationStatus,
    Role,
    TimeZone,
)
from .policy import RestrictedQuerySet, ScopedBy


class PaduUserManager(UserManager.from_queryset(RestrictedQuerySet)):
    """Django's user manager, with the policy's door (the TKPK secretariat's accounts)."""


class User(AbstractUser):
    """A Padu user: a role, and a scope (a region subtree; for agency officers an agency)."""

    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.PUBLIC)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah kerja"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("pengguna hanya melihat data di wilayah ini dan di bawahnya"),
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    phone = models.CharField(_("telepon"), max_length=20, blank=True)
    expires_on = models.DateField(
        _("berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("sesudah tanggal ini akun tidak dapat masuk sampai diperpanjang"),
    )
    time_zone = models.CharField(
        _("zona waktu"),
        max_length=20,
        choices=TimeZone.choices,
        blank=True,
        help_text=_("kosong: zona waktu instalasi ini"),
    )
    #: Raised by "sign out everywhere": every session signed before it stops being valid.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = PaduUserManager()
    scoped_by = ScopedBy(region="region__code")

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def _get_session_auth_hash(self, secret=None):
        # Django signs each session with a hash of the password; the generation joins it so
        # that "sign out everywhere" ends every session without changing the password.
        return salted_hmac(
            "padu.accounts.User.session",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def has_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    @property
    def needs_second_factor(self) -> bool:
        """Whoever sees personal data signs in with a one-time code as well."""
        return settings.TWO_FACTOR_REQUIRED and (
            self.role in PERSONAL_DATA_ROLES or self.is_superuser
        )

    def clean(self):
        super().clean()
        if self.phone:
            # lokal-id knows Indonesian numbers (mobile prefixes, area codes); stored as
            # +62…, the form WhatsApp and SMS gateways take.
            reading = parse_phone(self.phone)
            if not reading.valid:
                raise ValidationError({"phone": [issue.message for issue in reading.errors]})
            self.phone = reading.e164
        if self.role == Role.AGENCY_OFFICER and not self.agency_id:
            raise ValidationError({"agency": _("Petugas OPD harus terhubung ke satu OPD.")})
        if self.role == Role.VILLAGE_OPERATOR and self.region_id and self.region.level < 3:
            raise ValidationError({"region": _("Operator desa bekerja di kecamatan atau desa.")})

    @property
    def is_padu_admin(self) -> bool:
        return policy.is_administrator(self)

    # What the menu offers and where a user lands, read from the policy. Each page still
    # checks for itself, and every query goes through ``restrict``; these only keep people
    # from doors that are closed to them.

    @property
    def can_manage_sources(self) -> bool:
        """Taking source files in and matching them (the data custodian's work)."""
        return policy.allows(self, "sources.importbatch", policy.Action.CHANGE)

    @property
    def can_read_personal_data(self) -> bool:
        """Names and NIKs of the families in the user's region (for an agency officer: of
        the families referred to their agency, while the referral is open)."""
        return policy.allows(self, "registry.family", policy.Action.VIEW)

    @property
    def can_see_referrals(self) -> bool:
        """An agency's work queue, or the referrals of the families in the user's region."""
        return policy.allows(self, "programs.referral", policy.Action.VIEW)

    @property
    def can_see_programs(self) -> bool:
        """An agency's own programs, or every program of the region (Bappeda, leaders)."""
        return policy.allows(self, "programs.program", policy.Action.VIEW)

    @property
    def can_see_releases(self) -> bool:
        """The releases of the user's region and their figures (custodian, TKPK, leaders)."""
        return policy.allows(self, "releases.release", policy.Action.VIEW)

    @property
    def can_see_service_requests(self) -> bool:
        """Residents' requests of the one-stop service: Dinsos' queue, the requests sent to
        an operator, Bappeda/TKPK following them."""
        return policy.allows(self, "service.servicerequest", policy.Action.VIEW)

    @property
    def sees_full_identifiers(self) -> bool:
        """NIK and No KK whole in lists and files; otherwise masked (``3374••••••••0001``)."""
        return policy.allows(self, "registry.person", policy.Action.REVEAL)

    @property
    def can_decide_applications(self) -> bool:
        """The TKPK secretariat's work: who gets an account, for how long."""
        return policy.allows(self, "accounts.application", policy.Action.APPROVE)

    @property
    def can_read_access_log(self) -> bool:
        return policy.allows(self, "accounts.accesslog", policy.Action.VIEW)

    @property
    def can_follow_verivali(self) -> bool:
        in_role = self.role in VERIVALI_ROLES and self.region_id is not None
        return self.is_active and (self.is_padu_admin or in_role)

    @property
    def home_url_name(self) -> str | None:
        """The page a user starts from, or None when no page of Padu is open to them yet."""
        if self.role == Role.VILLAGE_OPERATOR and self.can_follow_verivali:
            return "verification:tasks"  # an operator's work is the visits
        if self.role == Role.LEADER and self.can_see_releases:
            return "dashboards:dashboard"  # a leader reads the figures
        if self.role == Role.AGENCY_OFFICER and self.can_see_referrals:
            return "programs:referral-list"  # an agency's work is its referrals
        if self.can_read_personal_data:
            return "registry:family-list"
        if self.can_see_referrals:
            return "programs:referral-list"
        if self.can_follow_verivali:
            return "verification:home"
        return None


def _letter_path(application, filename: str) -> str:
    return f"pendaftaran/{timezone.now():%Y/%m}/surat-tugas-{application.username}.pdf"


class Application(models.Model):
    """A person's request for an account, decided by the TKPK secretariat (the verifier
    role of the requested region). The password is chosen by the applicant and kept only as
    a hash; the account is made when the application is approved."""

    number = models.CharField(_("nomor"), max_length=20, unique=True, editable=False)
    submitted_at = models.DateTimeField(_("diajukan"), auto_now_add=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    nip = models.CharField(_("NIP"), max_length=18, help_text=_("Nomor Induk Pegawai, 18 angka"))
    office = models.CharField(_("instansi / unit kerja"), max_length=200)
    position = models.CharField(_("jabatan"), max_length=150, blank=True)
    phone = models.CharField(_("telepon"), max_length=20)
    email = models.EmailField(_("surel"))
    username = models.CharField(_("nama pengguna yang diminta"), max_length=150)
    password_hash = models.CharField(max_length=128, editable=False)
    role = models.CharField(
        _("peran yang diminta"), max_length=20, choices=Role.choices, default=Role.VILLAGE_OPERATOR
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah kerja yang diminta"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    letter = models.FileField(
        _("surat tugas (PDF)"),
        upload_to=_letter_path,
        validators=[FileExtensionValidator(["pdf"])],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diputuskan oleh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    reason = models.TextField(_("alasan penolakan"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="region__code")

    class Meta:
        verbose_name = _("pendaftaran akun")
        verbose_name_plural = _("pendaftaran akun")
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.number} {self.full_name}"

    @property
    def token(self) -> str:
        """What the applicant's status link carries: the number, signed (never guessable)."""
        return signing.dumps(self.number, salt=APPLICATION_SALT)


APPLICATION_SALT = "padu.accounts.application"


class AccessLog(models.Model):
    """Every look at personal data: who, when, what, from which request."""

    accessed_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("pengguna"), on_delete=models.PROTECT
    )
    kind = models.CharField(_("jenis"), max_length=8, choices=AccessKind.choices)
    object_type = models.CharField(_("jenis objek"), max_length=40)
    object_id = models.CharField(_("ID objek"), max_length=64, blank=True)
    detail = models.CharField(_("rincian"), max_length=300, blank=True)
    request_id = models.CharField(_("ID permintaan"), max_length=36, blank=True)
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    # The data custodian reads the looks of the users of their region.
    scoped_by = ScopedBy(region="user__region__code")

    class Meta:
        verbose_name = _("log akses data pribadi")
        verbose_name_plural = _("log akses data pribadi")
        ordering = ["-accessed_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.object_type} {self.object_id}"


class ApiToken(models.Model):
    """A key with which a script or another system (an agency's, SIKS-NG's) calls the API
    as ``user``: only what the user's role may, narrowed by ``scopes``, until it expires or
    is revoked. Only a hash of the key is kept; the key is shown once, when made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("nama"), max_length=100, help_text=_("untuk apa, di sistem mana"))
    prefix = models.CharField(_("awalan"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("cakupan"), default=list)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user}, {self.name})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
