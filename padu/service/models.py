"""What residents ask of the one-stop service (layanan terpadu), and what became of it."""

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padu.accounts.policy import RestrictedQuerySet, ScopedBy
from padu.core.fields import actor_field
from padu.sources.choices import ProposalResult

from .choices import (
    CLOSED_STATUSES,
    KIND_SLUGS,
    Channel,
    NotificationChannel,
    RequestKind,
    RequestStatus,
)

#: The salt of the tracking link: the link (or the ticket with its check code) is the only
#: key a resident holds.
TRACKING_SALT = "padu.service.tracking"


class ServiceRequestQuerySet(RestrictedQuerySet):
    def open(self) -> "ServiceRequestQuerySet":
        return self.exclude(status__in=CLOSED_STATUSES)

    def overdue(self, today=None) -> "ServiceRequestQuerySet":
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ServiceRequest(models.Model):
    """A proposal (usulan), objection (sanggah), complaint (pengaduan) or question, from a
    resident online or at a service desk; its ticket and check code let them follow it."""

    ticket = models.CharField(_("nomor tiket"), max_length=16, unique=True, editable=False)
    check_code_hash = models.CharField(max_length=64, editable=False)
    kind = models.CharField(_("jenis"), max_length=10, choices=RequestKind.choices)
    channel = models.CharField(
        _("saluran"), max_length=6, choices=Channel.choices, default=Channel.ONLINE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    # Where it is about: the village of the family proposed or objected to, or of the
    # complaint. Staff see the requests of their area by it.
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    # The family it is about, as the resident wrote it; staff link the registry's family.
    subject_name = models.CharField(
        _("nama kepala keluarga yang dimaksud"), max_length=150, blank=True
    )
    subject_nik = models.CharField(_("NIK yang dimaksud"), max_length=16, blank=True)
    subject_kk = models.CharField(_("No KK yang dimaksud"), max_length=16, blank=True)
    family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("keluarga di registri"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program yang diadukan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    description = models.TextField(_("uraian"))
    # Who asked, and how to tell them: never shown to anyone but staff.
    reporter_name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    reporter_nik = models.CharField(_("NIK pelapor"), max_length=16, blank=True)
    phone = models.CharField(_("nomor ponsel"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)
    gps_accuracy_m = models.FloatField(_("akurasi GPS (m)"), null=True, blank=True)
    # The day the government had it: today online; at a desk, the day a paper form was
    # handed in. The deadline runs from it.
    received_on = models.DateField(_("tanggal diterima"))
    due_on = models.DateField(_("batas waktu"))
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("digabung dengan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    # Where triage sent it.
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator yang memeriksa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    assignment = models.ForeignKey(
        "verification.Assignment",
        verbose_name=_("tugas verivali"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visit = models.ForeignKey(
        "verification.Visit",
        verbose_name=_("kunjungan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    referral = models.ForeignKey(
        "programs.Referral",
        verbose_name=_("rujukan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answer = models.TextField(_("jawaban untuk pemohon"), blank=True)
    # The national system's answer to an usulan or sanggahan sent up (SIKS-NG's results).
    national_result = models.CharField(
        _("hasil pusat"), max_length=10, choices=ProposalResult.choices, blank=True
    )
    national_batch = models.ForeignKey(
        "sources.ImportBatch",
        verbose_name=_("dari impor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = actor_field(_("dicatat di loket oleh"))
    created_at = models.DateTimeField(_("diterima"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    closed_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("dieskalasi"), null=True, blank=True)

    objects = ServiceRequestQuerySet.as_manager()
    scoped_by = ScopedBy(region="village__code", owner="operator")

    class Meta:
        verbose_name = _("permintaan layanan")
        verbose_name_plural = _("permintaan layanan")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="request_queue"),
            models.Index(fields=["kind", "village", "status"], name="request_duplicates"),
        ]

    def __str__(self) -> str:
        return self.ticket

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return not self.is_closed and self.due_on < timezone.localdate()

    @property
    def kind_slug(self) -> str:
        return next(slug for slug, kind in KIND_SLUGS.items() if kind == self.kind)

    @property
    def token(self) -> str:
        """The tracking link's key: the ticket, signed."""
        return signing.dumps(self.ticket, salt=TRACKING_SALT)


class RequestStep(models.Model):
    """One step of a request, as its tracking page shows it (``note``) and as staff know it
    (``staff_note``)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices)
    note = models.TextField(_("keterangan untuk pemohon"), blank=True)
    staff_note = models.TextField(_("catatan petugas"), blank=True)
    actor = actor_field(_("petugas"))
    at = models.DateTimeField(_("waktu"), default=timezone.now)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="request__village__code", owner="request__operator")

    class Meta:
        verbose_name = _("langkah permintaan")
        verbose_name_plural = _("langkah permintaan")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request} {self.status}"


class RequestPhoto(models.Model):
    """A photo sent with a request, resized and stripped of its EXIF; where and when it was
    taken (from that EXIF) kept for the officer alone."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("foto"), upload_to="layanan/%Y/%m/")
    taken_at = models.DateTimeField(_("waktu pengambilan"), null=True, blank=True)
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="request__village__code", owner="request__operator")

    class Meta:
        verbose_name = _("foto permintaan")
        verbose_name_plural = _("foto permintaan")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.request} foto {self.pk}"


class Notification(models.Model):
    """A message sent to a resident about their request, and whether it left."""

    request = models.ForeignKey(
        ServiceRequest, on_delete=models.CASCADE, related_name="notifications"
    )
    channel = models.CharField(_("saluran"), max_length=6, choices=NotificationChannel.choices)
    recipient = models.CharField(_("tujuan"), max_length=254)
    message = models.TextField(_("pesan"))
    sent = models.BooleanField(_("terkirim"), default=False)
    error = models.CharField(_("galat"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="request__village__code")

    class Meta:
        verbose_name = _("pemberitahuan")
        verbose_name_plural = _("pemberitahuan")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.request} → {self.channel}"
