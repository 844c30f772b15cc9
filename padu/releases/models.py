from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padu.accounts.policy import RestrictedQuerySet, ScopedBy
from padu.core.fields import actor_field
from padu.core.models import BackgroundRun, BackgroundRunQuerySet
from padu.regions.codes import ancestor_codes

from .choices import FROZEN_LIFECYCLES, ReleaseLifecycle


def _covering(code: str) -> Q:
    """Releases a user of region ``code`` works from: those of their region, of a region
    above it (a camat reads the city's release, for the district) and below it."""
    return (
        Q(region__isnull=True)
        | Q(region__code__in=[*ancestor_codes(code), code])
        | Q(region__code__within=code)
    )


class ReleaseQuerySet(BackgroundRunQuerySet, RestrictedQuerySet):
    def published(self):
        return self.filter(lifecycle=ReleaseLifecycle.PUBLISHED)

    def frozen(self):
        return self.filter(lifecycle__in=FROZEN_LIFECYCLES)

    def series_of(self, release: "Release") -> list["Release"]:
        """The published releases of ``release``'s area up to it, and ``release`` itself,
        oldest first: what a trend is drawn through."""
        published = list(
            self.published()
            .filter(region_id=release.region_id, number__lte=release.number, status="completed")
            .exclude(manifest={})
        )
        if release not in published:
            published.append(release)
        return sorted(published, key=lambda r: (r.as_of, r.number))


class Release(BackgroundRun):
    """A frozen, named version of the registry as of one moment, written as Parquet files
    checked against its manifest (``padu.releases.storage``). Its build is a background
    run (``status``); its way to publication is ``lifecycle``. Once published, neither its
    data nor its decree changes: services refuse, and a database trigger refuses the rest."""

    status_url_name = "releases:release-status"

    number = models.PositiveIntegerField(_("nomor"), unique=True)
    name = models.CharField(_("nama"), max_length=200)
    period = models.CharField(
        _("periode"), max_length=60, help_text=_("mis. Semester II 2026, atau Desember 2026")
    )
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("kosong: seluruh data instalasi ini"),
    )
    year = models.PositiveSmallIntegerField(_("tahun garis kemiskinan"))
    as_of = models.DateTimeField(_("keadaan data per"), null=True, blank=True)
    lifecycle = models.CharField(
        _("status rilis"),
        max_length=10,
        choices=ReleaseLifecycle.choices,
        default=ReleaseLifecycle.DRAFT,
    )
    notes = models.TextField(_("catatan"), blank=True)
    decree_number = models.CharField(_("nomor keputusan"), max_length=120, blank=True)
    decree_date = models.DateField(_("tanggal keputusan"), null=True, blank=True)
    decree_signatory = models.CharField(_("penanda tangan"), max_length=200, blank=True)
    decree_file = models.FileField(
        _("keputusan bertanda tangan (PDF)"), upload_to="releases/decrees/", blank=True
    )
    schema_version = models.PositiveSmallIntegerField(_("versi skema"), default=0)
    manifest = models.JSONField(_("manifes"), default=dict, blank=True, editable=False)
    cancel_requested = models.BooleanField(_("diminta batal"), default=False)

    checked_by = actor_field(_("diperiksa oleh"))
    checked_at = models.DateTimeField(_("diperiksa"), null=True, blank=True)
    approved_by = actor_field(_("disetujui oleh"))
    approved_at = models.DateTimeField(_("disetujui"), null=True, blank=True)
    published_by = actor_field(_("diterbitkan oleh"))
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True)
    withdrawn_by = actor_field(_("ditarik oleh"))
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("alasan penarikan"), blank=True)

    objects = ReleaseQuerySet.as_manager()
    scoped_by = ScopedBy(region=_covering)

    class Meta:
        verbose_name = _("rilis data")
        verbose_name_plural = _("rilis data")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Rilis {self.number}: {self.name}"

    @property
    def is_frozen(self) -> bool:
        return self.lifecycle in FROZEN_LIFECYCLES

    @property
    def is_built(self) -> bool:
        return bool(self.manifest.get("tables"))

    @property
    def summary(self) -> dict:
        """Headline counts written with the files (families, persons, poor, extreme)."""
        return self.manifest.get("summary", {})
