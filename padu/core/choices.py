from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("dibuat")
    UPDATE = "update", _("diubah")
    DELETE = "delete", _("dihapus")
    BULK_CREATE = "bulk_create", _("dibuat massal")


class RunStatus(models.TextChoices):
    """The states of background work (a matching run, a classification run)."""

    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("berjalan")
    COMPLETED = "completed", _("selesai")
    FAILED = "failed", _("gagal")
    CANCELLED = "cancelled", _("dibatalkan")


#: A run in these is still waiting for the worker or being worked on.
ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
