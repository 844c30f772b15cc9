from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    NEW = "baru", _("Baru")
    ACCEPTED = "diterima", _("Diterima")
    IN_PROGRESS = "diproses", _("Diproses")
    DONE = "selesai", _("Selesai")
    REJECTED = "ditolak", _("Ditolak")


#: A referral in one of these is closed; a need raised again later opens a new one.
CLOSED_STATUSES = (ReferralStatus.DONE, ReferralStatus.REJECTED)
