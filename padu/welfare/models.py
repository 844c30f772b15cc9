from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.accounts.policy import RestrictedQuerySet, ScopedBy
from padu.core.fields import actor_field
from padu.core.models import BackgroundRun, BackgroundRunQuerySet
from padu.organisations.choices import Sector

from .choices import LineKind, PovertyStatus, RuleMatch


class PovertyLine(models.Model):
    """Rupiah per person per month, for a year and an area (none: the national line).
    A family's area takes the most specific line that covers it."""

    year = models.PositiveSmallIntegerField(_("tahun"))
    kind = models.CharField(_("jenis"), max_length=8, choices=LineKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("kosong: garis nasional"),
    )
    amount = models.PositiveIntegerField(_("Rp per kapita per bulan"))
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("garis kemiskinan")
        verbose_name_plural = _("garis kemiskinan")
        ordering = ["-year", "kind", "region"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "kind", "region"], name="one_line_per_year_kind_region"
            ),
            models.UniqueConstraint(
                fields=["year", "kind"],
                condition=models.Q(region__isnull=True),
                name="one_national_line_per_year_kind",
            ),
        ]

    def __str__(self) -> str:
        where = self.region_id or "nasional"
        return f"{self.get_kind_display()} {self.year} {where}: Rp{self.amount:,}"


class WelfareModel(models.Model):
    """One version of the proxy means test of a regency or city: log per-capita expenditure
    predicted from what can be observed of a household, fitted on the families whose
    expenditure is known. Versions are never changed once used; a new fit is a new version."""

    regency = models.ForeignKey(
        "regions.Region", verbose_name=_("kabupaten/kota"), on_delete=models.PROTECT
    )
    version = models.PositiveIntegerField(_("versi"))
    year = models.PositiveSmallIntegerField(_("tahun garis kemiskinan"))
    fitted_at = models.DateTimeField(_("dilatih"), auto_now_add=True)
    fitted_by = actor_field(_("dilatih oleh"))
    specification = models.JSONField(
        _("spesifikasi"),
        default=dict,
        help_text=_("variabel, kategori, nilai pengganti data kosong, koefisien, konstanta"),
    )
    statistics = models.JSONField(_("statistik kecocokan"), default=dict)
    cutoffs = models.JSONField(
        _("batas"),
        default=dict,
        help_text=_("skor batas desil 1–9, dan skor batas miskin ekstrem dan miskin"),
    )
    families = models.PositiveIntegerField(_("keluarga dinilai"), default=0)

    class Meta:
        verbose_name = _("model kesejahteraan (PMT)")
        verbose_name_plural = _("model kesejahteraan (PMT)")
        ordering = ["regency", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["regency", "version"], name="one_pmt_version")
        ]

    def __str__(self) -> str:
        return f"PMT {self.regency_id} v{self.version}"


class FamilyWelfare(models.Model):
    """A family's classification by one model version; every version's results are kept."""

    family = models.ForeignKey(
        "registry.Family", on_delete=models.CASCADE, related_name="welfare", db_index=False
    )
    model = models.ForeignKey(WelfareModel, on_delete=models.CASCADE, related_name="results")
    score = models.FloatField(_("skor (log pengeluaran per kapita)"))
    predicted_expenditure = models.PositiveIntegerField(_("perkiraan pengeluaran per kapita"))
    observed_expenditure = models.PositiveIntegerField(
        _("pengeluaran per kapita tercatat"), null=True, blank=True
    )
    desil = models.PositiveSmallIntegerField(_("desil"))
    status = models.CharField(_("status"), max_length=12, choices=PovertyStatus.choices)
    criteria_met = models.PositiveSmallIntegerField(_("kriteria BPS terpenuhi"))
    criteria_known = models.PositiveSmallIntegerField(_("kriteria BPS yang ada datanya"))
    criteria = models.JSONField(_("kriteria terpenuhi"), default=list)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="family__village__code", family="family_id")

    class Meta:
        verbose_name = _("hasil kesejahteraan keluarga")
        verbose_name_plural = _("hasil kesejahteraan keluarga")
        constraints = [
            models.UniqueConstraint(fields=["family", "model"], name="one_result_per_model")
        ]
        indexes = [
            models.Index(fields=["model", "desil"]),
            models.Index(fields=["model", "status"]),
            # A list page's status and desil, and sorting by them, from the index alone.
            models.Index(fields=["family", "model", "desil", "status"], name="welfare_list_result"),
        ]

    def __str__(self) -> str:
        return f"{self.family_id}: desil {self.desil} ({self.model})"


class NeedRule(models.Model):
    """A rule that raises a need of a family, and the agency (OPD) that must act on it.

    ``conditions`` is a list of {"field", "op", "value"}; see padu.welfare.needs.FIELDS for
    the fields and OPERATORS for the operators. An admin edits rules and agencies; no code
    changes."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    dimension = models.CharField(_("dimensi"), max_length=14, choices=Sector.choices)
    label = models.CharField(_("nama kebutuhan"), max_length=120)
    agency = models.ForeignKey(
        "organisations.Agency", verbose_name=_("OPD penanggung jawab"), on_delete=models.PROTECT
    )
    match = models.CharField(
        _("berlaku bila"), max_length=3, choices=RuleMatch.choices, default=RuleMatch.ANY
    )
    conditions = models.JSONField(_("syarat"), default=list)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        verbose_name = _("aturan kebutuhan")
        verbose_name_plural = _("aturan kebutuhan")
        ordering = ["dimension", "code"]

    def __str__(self) -> str:
        return self.label

    def clean(self):
        from .needs import check_conditions

        problems = check_conditions(self.conditions)
        if problems:
            # Not tied to a field: the rule form edits conditions as rows, not as one field.
            raise ValidationError(problems)


class FamilyNeed(models.Model):
    """A need a rule raised for a family under one model version, with the reason."""

    family = models.ForeignKey("registry.Family", on_delete=models.CASCADE, related_name="needs")
    model = models.ForeignKey(WelfareModel, on_delete=models.CASCADE, related_name="+")
    rule = models.ForeignKey(NeedRule, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("alasan"), max_length=500)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="family__village__code", family="family_id")

    class Meta:
        verbose_name = _("kebutuhan keluarga")
        verbose_name_plural = _("kebutuhan keluarga")
        constraints = [
            models.UniqueConstraint(fields=["family", "model", "rule"], name="one_need_per_rule")
        ]
        # The families with a need, for the family list's filter, from the index alone.
        indexes = [models.Index(fields=["rule", "model", "family"], name="welfare_need_families")]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.rule_id}"


class ClassificationRunQuerySet(BackgroundRunQuerySet, RestrictedQuerySet):
    pass


class ClassificationRun(BackgroundRun):
    """Classifying the families of an area in the background, started from the web (the
    command line calls the same service directly)."""

    status_url_name = "welfare:run-status"

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("kosong: semua wilayah"),
    )
    refit = models.BooleanField(
        _("latih model baru"),
        default=True,
        help_text=_("ya: versi model baru tiap kabupaten/kota; tidak: pakai versi terakhir"),
    )
    year = models.PositiveSmallIntegerField(_("tahun garis kemiskinan"))
    cancel_requested = models.BooleanField(_("diminta batal"), default=False)
    families = models.PositiveIntegerField(_("keluarga dinilai"), default=0)
    by_status = models.JSONField(_("per status"), default=dict, blank=True)
    referrals = models.PositiveIntegerField(_("rujukan baru"), default=0)

    objects = ClassificationRunQuerySet.as_manager()
    scoped_by = ScopedBy(region="region__code")

    class Meta:
        verbose_name = _("proses penilaian")
        verbose_name_plural = _("proses penilaian")
        ordering = ["-started_at"]
