from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import Sector


class Agency(models.Model):
    """A regional government agency (OPD) such as Dinsos, Perkim, Dinkes: what accounts,
    need rules, source datasets and programs point at."""

    code = models.SlugField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=40)
    sectors = models.JSONField(
        _("bidang"),
        default=list,
        blank=True,
        help_text=_('bidang kebutuhan yang ditangani, mis. ["kesehatan"]'),
    )

    class Meta:
        verbose_name = _("perangkat daerah (OPD)")
        verbose_name_plural = _("perangkat daerah (OPD)")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name

    def clean(self):
        unknown = [s for s in self.sectors or [] if s not in Sector.values]
        if not isinstance(self.sectors, list) or unknown:
            raise ValidationError(
                {"sectors": _("Bidang tidak dikenal: %(s)s. Pilih dari: %(known)s.")
                 % {"s": ", ".join(map(str, unknown)) or self.sectors,
                    "known": ", ".join(Sector.values)}}
            )  # fmt: skip

    def get_sectors_display(self) -> list[str]:
        return [str(Sector(s).label) for s in self.sectors or [] if s in Sector.values]
