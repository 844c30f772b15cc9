from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import RegionKind, RegionLevel
from .codes import ancestor_codes, name_key, normalize_code, split_name
from .fields import RegionCodeField


class RegionQuerySet(models.QuerySet):
    def subtree(self, code: str) -> "RegionQuerySet":
        """The region and everything below it, in one indexed prefix query."""
        return self.filter(code__within=code)

    def by_name(self, name: str, *, level: int | None = None, within: str | None = None):
        """Regions whose name matches, ignoring case, spacing and prefixes like KAB./KOTA.

        A written kind (KOTA, KABUPATEN, KEC., DESA) narrows the match: "Kota Semarang" and
        "Kab. Semarang" are different regions; plain "Semarang" returns both.
        """
        kind, _bare = split_name(name)
        qs = self.filter(name_key=name_key(name))
        if kind in {"kabupaten", "kota"}:
            qs = qs.filter(kind=kind)
        elif kind in {"kecamatan", "distrik"}:
            qs = qs.filter(level=RegionLevel.DISTRICT)
        elif kind in {"kelurahan", "desa"}:
            qs = qs.filter(level=RegionLevel.VILLAGE)
        elif kind == "provinsi":
            qs = qs.filter(level=RegionLevel.PROVINCE)
        if level:
            qs = qs.filter(level=level)
        if within:
            qs = qs.filter(code__within=within)
        return qs.order_by("level", "code")


class RegionManager(models.Manager.from_queryset(RegionQuerySet)):
    def get_by_code(self, code: str) -> "Region":
        """By dotted or undotted code; raises Region.DoesNotExist when unknown or malformed."""
        dotted = normalize_code(code)
        if dotted is None:
            raise self.model.DoesNotExist(f"Kode wilayah tidak valid: {code!r}")
        return self.get(code=dotted)


class Region(models.Model):
    """One Kemendagri region. The dotted code is its own path: a subtree is a prefix query."""

    code = RegionCodeField(_("kode wilayah"), max_length=13, primary_key=True)
    name = models.CharField(_("nama"), max_length=100)
    name_key = models.CharField(max_length=100, db_index=True, editable=False)
    level = models.PositiveSmallIntegerField(_("tingkat"), choices=RegionLevel.choices)
    kind = models.CharField(_("jenis"), max_length=12, choices=RegionKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    postal_code = models.CharField(_("kode pos"), max_length=5, blank=True)

    objects = RegionManager()

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        indexes = [
            # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' in any
            # collation; other databases ignore the operator class.
            models.Index(
                fields=["code"], name="region_code_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "name_key"], name="region_level_name"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_kelurahan(self) -> bool:
        return self.kind == RegionKind.KELURAHAN

    def ancestors(self) -> list["Region"]:
        """Province first, in one query."""
        return list(Region.objects.filter(code__in=ancestor_codes(self.code)).order_by("level"))


class Boundary(models.Model):
    """An area's outline for maps (simplified GeoJSON, [lng, lat]) and a point inside it."""

    region = models.OneToOneField(
        Region,
        verbose_name=_("wilayah"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="boundary",
    )
    geometry = models.JSONField(_("batas (GeoJSON)"))
    latitude = models.FloatField(_("lintang titik tengah"))
    longitude = models.FloatField(_("bujur titik tengah"))
    source = models.CharField(_("sumber"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("batas wilayah")
        verbose_name_plural = _("batas wilayah")

    def __str__(self) -> str:
        return f"{self.region_id}"
