from django.db import models
from django.utils.translation import gettext_lazy as _


class LineKind(models.TextChoices):
    POVERTY = "miskin", _("Garis kemiskinan (BPS)")
    EXTREME = "ekstrem", _("Garis kemiskinan ekstrem")


class PovertyStatus(models.TextChoices):
    """From the poorest: below the extreme line, below the poverty line, below 1.5 times
    the poverty line (vulnerable), above."""

    EXTREME = "ekstrem", _("Miskin ekstrem")
    POOR = "miskin", _("Miskin")
    VULNERABLE = "rentan", _("Rentan miskin")
    NOT_POOR = "tidak_miskin", _("Tidak miskin")


#: The statuses whose needs become referrals to an agency.
POOR_STATUSES = (PovertyStatus.EXTREME, PovertyStatus.POOR)


class RuleMatch(models.TextChoices):
    ANY = "any", _("salah satu syarat")
    ALL = "all", _("semua syarat")
