import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padu.accounts.policy import RestrictedQuerySet, ScopedBy
from padu.core.fields import actor_field
from padu.regions.codes import ancestor_codes
from padu.registry.choices import VerificationStatus

from .choices import AssignmentState, RoundStatus, VisitStatus


def _touching(code: str) -> Q:
    """Rounds over the region ``code``, over an area inside it, or over an area that
    contains it."""
    return Q(region__code__within=code) | Q(region__code__in=ancestor_codes(code))


class RoundQuerySet(RestrictedQuerySet):
    def touching(self, code: str) -> "RoundQuerySet":
        return self.filter(_touching(code))


class Round(models.Model):
    """A verification round (putaran verivali): a period, a purpose, families in scope."""

    name = models.CharField(_("nama"), max_length=120)
    purpose = models.TextField(_("tujuan"), blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("keluarga di wilayah ini dan di bawahnya"),
    )
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    criteria = models.JSONField(
        _("kriteria keluarga"), default=dict, blank=True, help_text=_("mis. desil maksimum")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    created_by = actor_field(_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()
    scoped_by = ScopedBy(region=_touching)

    class Meta:
        verbose_name = _("putaran verivali")
        verbose_name_plural = _("putaran verivali")
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """One family of a round, given to one village operator."""

    round = models.ForeignKey(
        Round, verbose_name=_("putaran"), on_delete=models.CASCADE, related_name="assignments"
    )
    family = models.ForeignKey(
        "registry.Family", verbose_name=_("keluarga"), on_delete=models.PROTECT, related_name="+"
    )
    # The family's village when the round began: coverage rolls up by it even if it moves.
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    state = models.CharField(
        _("tahap"), max_length=12, choices=AssignmentState.choices, default=AssignmentState.PENDING
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="village__code", owner="operator")

    class Meta:
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        ordering = ["village_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "family"], name="one_assignment_per_family")
        ]
        indexes = [
            models.Index(fields=["round", "village", "state"], name="assignment_coverage"),
            # An operator's task list, the page the field opens most.
            models.Index(fields=["operator", "state", "village"], name="assignment_operator_tasks"),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.family}"


class VillageMeeting(models.Model):
    """A musyawarah desa/kelurahan that decided on visits: its date and minutes."""

    round = models.ForeignKey(
        Round, verbose_name=_("putaran"), on_delete=models.CASCADE, related_name="meetings"
    )
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    held_on = models.DateField(_("tanggal musyawarah"))
    minutes = models.FileField(_("berita acara (foto/PDF)"), upload_to="verivali/minutes/%Y/%m/")
    notes = models.TextField(_("catatan"), blank=True)
    recorded_by = actor_field(_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="village__code", owner="recorded_by")

    class Meta:
        verbose_name = _("musdes/muskel")
        verbose_name_plural = _("musdes/muskel")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"Musyawarah {self.village_id} {self.held_on}"


class Visit(models.Model):
    """What an operator found at one family (or a new family proposed): outcome, corrected
    attributes, photos, position, notes. Applied to the golden records once approved."""

    round = models.ForeignKey(
        Round, verbose_name=_("putaran"), on_delete=models.PROTECT, related_name="visits"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("penugasan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        db_index=False,  # the index below starts with it
    )
    family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("keluarga"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        help_text=_("kosong untuk usulan baru sampai disetujui"),
    )
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    # Generated when the form is opened: a form sent twice (a retry on a bad network)
    # is one visit.
    client_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    outcome = models.CharField(_("hasil"), max_length=16, choices=VerificationStatus.choices)
    visited_on = models.DateField(_("tanggal kunjungan"))
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)
    gps_accuracy_m = models.FloatField(_("akurasi GPS (m)"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    family_changes = models.JSONField(
        _("perubahan data keluarga"), default=dict, blank=True, help_text=_("kolom: nilai baru")
    )
    member_changes = models.JSONField(
        _("perubahan anggota"),
        default=dict,
        blank=True,
        help_text=_("id penduduk: {kolom: nilai baru}; anggota baru di bawah 'baru'"),
    )
    seen = models.JSONField(
        _("nilai saat formulir dibuka"),
        default=dict,
        blank=True,
        help_text=_("untuk mengetahui bila orang lain mengubah data yang sama"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.SUBMITTED
    )
    meeting = models.ForeignKey(
        VillageMeeting,
        verbose_name=_("musdes/muskel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    decided_by = actor_field(_("diputuskan oleh"))
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)
    return_reason = models.TextField(_("alasan dikembalikan"), blank=True)
    batch = models.ForeignKey(
        "sources.ImportBatch",
        verbose_name=_("batch rekaman verifikasi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
        help_text=_("rekaman sumber yang ditulis saat disetujui (satu batch per putaran)"),
    )
    created_at = models.DateTimeField(_("diajukan"), auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="village__code", owner="operator")

    class Meta:
        verbose_name = _("kunjungan")
        verbose_name_plural = _("kunjungan")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["round", "status"], name="visit_round_status"),
            # An assignment's latest visit (the task list links each task to it).
            models.Index(fields=["assignment", "-id"], name="visit_latest_per_assignment"),
        ]

    def __str__(self) -> str:
        return f"Kunjungan #{self.pk} ({self.get_outcome_display()})"


class VisitPhoto(models.Model):
    """A photo of the house, resized on upload; when and where it was taken, from its EXIF."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("kunjungan"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("foto"), upload_to="verivali/photos/%Y/%m/")
    taken_at = models.DateTimeField(_("waktu pengambilan"), null=True, blank=True)
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="visit__village__code", owner="visit__operator")

    class Meta:
        verbose_name = _("foto kunjungan")
        verbose_name_plural = _("foto kunjungan")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.visit} foto {self.pk}"
