from django.db import models
from django.utils.translation import gettext_lazy as _


class PairStatus(models.TextChoices):
    PENDING = "pending", _("menunggu keputusan")
    SAME = "same", _("orang yang sama")
    DIFFERENT = "different", _("orang berbeda")


class RunMode(models.TextChoices):
    AUTO = "auto", _("otomatis")
    FULL = "full", _("penuh: latih ulang, cocokkan semua")
    NEW = "new", _("rekaman baru saja")


class PairKind(models.TextChoices):
    DOUBTFUL = "doubtful", _("ragu: menunggu keputusan")
    NEAR_MISS_NIK = "near_miss_nik", _("digabung karena NIK hampir sama")
