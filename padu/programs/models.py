from django.db import models
from django.utils.translation import gettext_lazy as _


class Agency(models.Model):
    """A regional government agency (OPD) such as Dinsos, Perkim, Dinkes."""

    code = models.SlugField(_("kode"), max_length=32, unique=True)
    name = models.CharField(_("nama"), max_length=200)
    short_name = models.CharField(_("singkatan"), max_length=40)

    class Meta:
        verbose_name = _("perangkat daerah (OPD)")
        verbose_name_plural = _("perangkat daerah (OPD)")
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name
