from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DciMessage(models.Model):
    """A DCI message Padu answered: its id (a repeated one is refused), who sent it, and how
    each of its requests ended, for ``txn/status``. The records returned are not kept."""

    message_id = models.CharField(_("ID pesan"), max_length=99, unique=True)
    sender_id = models.CharField(_("pengirim"), max_length=99)
    caller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transaction_id = models.CharField(_("ID transaksi"), max_length=99, blank=True, db_index=True)
    correlation_id = models.CharField(_("ID korelasi"), max_length=99, db_index=True)
    received_at = models.DateTimeField(_("diterima"), auto_now_add=True)
    #: [{reference_id, status, status_reason_code, found}] of each search request.
    outcomes = models.JSONField(_("hasil"), default=list)

    class Meta:
        verbose_name = _("pesan DCI")
        verbose_name_plural = _("pesan DCI")

    def __str__(self) -> str:
        return f"{self.sender_id} {self.message_id}"
