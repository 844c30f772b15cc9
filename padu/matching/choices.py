from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("berjalan")
    COMPLETED = "completed", _("selesai")
    FAILED = "failed", _("gagal")
    CANCELLED = "cancelled", _("dibatalkan")


class PairStatus(models.TextChoices):
    PENDING = "pending", _("menunggu keputusan")
    SAME = "same", _("orang yang sama")
    DIFFERENT = "different", _("orang berbeda")


class RunMode(models.TextChoices):
    AUTO = "auto", _("otomatis")
    FULL = "full", _("penuh: latih ulang, cocokkan semua")
    NEW = "new", _("rekaman baru saja")
