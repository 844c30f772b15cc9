from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.accounts.policy import RestrictedQuerySet, ScopedBy
from padu.core.fields import actor_field
from padu.core.models import BackgroundRun, BackgroundRunQuerySet

from .choices import PairKind, PairStatus, RunMode


class LinkageRunQuerySet(BackgroundRunQuerySet, RestrictedQuerySet):
    pass


class LinkageRun(BackgroundRun):
    """One matching run: its thresholds, the model it estimated, and what it found."""

    status_url_name = "matching:run-status"
    # A run matches every current record, so it has no place: the role alone decides.
    scoped_by = ScopedBy(region=None)

    mode = models.CharField(
        _("cara"),
        max_length=4,
        choices=RunMode.choices,
        default=RunMode.AUTO,
        help_text=_(
            "rekaman baru saja: rekaman yang belum pernah dicocokkan dibandingkan dengan semua "
            "yang lain memakai model terakhir; penuh: model dilatih ulang dan semua dicocokkan"
        ),
    )
    match_threshold = models.FloatField(_("ambang cocok"))
    review_threshold = models.FloatField(_("ambang tinjauan"))
    model = models.JSONField(
        _("model"), default=dict, blank=True, help_text=_("pengaturan Splink dan parameter m/u")
    )
    records = models.PositiveIntegerField(_("rekaman"), default=0)
    comparisons = models.PositiveBigIntegerField(_("pasangan dibandingkan"), default=0)
    clusters = models.PositiveIntegerField(_("kelompok (orang)"), default=0)
    pairs_queued = models.PositiveIntegerField(_("pasangan untuk ditinjau"), default=0)

    objects = LinkageRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("proses pencocokan")
        verbose_name_plural = _("proses pencocokan")
        ordering = ["-started_at"]


class MatchPair(models.Model):
    """A pair the model is unsure about, waiting for a data custodian's verdict."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pairs")
    left = models.ForeignKey(
        "sources.SourceRecord", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    right = models.ForeignKey(
        "sources.SourceRecord", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    match_weight = models.FloatField(_("bobot kecocokan"))
    match_probability = models.FloatField(_("peluang sama"))
    contributions = models.JSONField(
        _("sumbangan tiap perbandingan"),
        default=list,
        help_text=_("[{comparison, level, weight}] — mengapa Padu menilai keduanya mirip"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PairStatus.choices, default=PairStatus.PENDING
    )
    kind = models.CharField(
        _("jenis"),
        max_length=16,
        choices=PairKind.choices,
        default=PairKind.DOUBTFUL,
        help_text=_(
            "Ragu: Padu tidak menggabungkan dan menunggu keputusan. NIK hampir sama: Padu "
            "menggabungkan hanya karena NIK-nya hampir sama; periksa dan batalkan bila keliru."
        ),
    )

    objects = RestrictedQuerySet.as_manager()
    # Both records are personal data: a pair is in scope only when both are.
    scoped_by = ScopedBy(region=("left__village__code", "right__village__code"))

    class Meta:
        verbose_name = _("pasangan untuk ditinjau")
        verbose_name_plural = _("pasangan untuk ditinjau")
        ordering = ["-match_probability"]
        indexes = [models.Index(fields=["run", "status"], name="pair_run_status")]

    def __str__(self) -> str:
        return f"{self.left_id}~{self.right_id} ({self.match_probability:.2f})"


class MatchDecision(models.Model):
    """A person's verdict on two source records, kept by their stable keys (dataset and
    record id), so that every later run honours it, whatever the model says."""

    left_dataset = models.ForeignKey(
        "sources.SourceDataset", on_delete=models.CASCADE, related_name="+"
    )
    left_record_id = models.CharField(max_length=64)
    right_dataset = models.ForeignKey(
        "sources.SourceDataset", on_delete=models.CASCADE, related_name="+"
    )
    right_record_id = models.CharField(max_length=64)
    same = models.BooleanField(_("orang yang sama"))
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    decided_by = actor_field(_("diputuskan oleh"))
    decided_at = models.DateTimeField(_("waktu"), auto_now_add=True)

    class Meta:
        verbose_name = _("keputusan pencocokan")
        verbose_name_plural = _("keputusan pencocokan")
        constraints = [
            models.UniqueConstraint(
                fields=["left_dataset", "left_record_id", "right_dataset", "right_record_id"],
                name="one_decision_per_pair",
            )
        ]

    def __str__(self) -> str:
        verdict = "sama" if self.same else "berbeda"
        return f"{self.left_record_id} / {self.right_record_id}: {verdict}"


class RecordLink(models.Model):
    """The golden person and family a source record belongs to, by the record's stable key
    (dataset and record id), so that the next run can keep everyone's ids."""

    dataset = models.ForeignKey(
        "sources.SourceDataset", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    record_id = models.CharField(max_length=64)
    source_record = models.ForeignKey(
        "sources.SourceRecord",
        on_delete=models.DO_NOTHING,
        related_name="links",
        db_constraint=False,
        help_text=_("versi rekaman yang berlaku"),
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="record_links"
    )
    family = models.ForeignKey(
        "registry.Family", on_delete=models.CASCADE, related_name="record_links"
    )
    run = models.ForeignKey(
        LinkageRun,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        help_text=_("kosong: ditautkan langsung oleh kunjungan verivali yang disetujui"),
    )

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="family__village__code")

    class Meta:
        verbose_name = _("tautan rekaman")
        verbose_name_plural = _("tautan rekaman")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "record_id"], name="one_link_per_record")
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.record_id} → {self.person_id}"
