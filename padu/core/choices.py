from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeAction(models.TextChoices):
    CREATE = "create", _("dibuat")
    UPDATE = "update", _("diubah")
    DELETE = "delete", _("dihapus")
    BULK_CREATE = "bulk_create", _("dibuat massal")
