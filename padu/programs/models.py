from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.accounts.policy import RestrictedQuerySet, ScopedBy
from padu.core.fields import actor_field

from .choices import CLOSED_STATUSES, ReferralStatus


class ReferralQuerySet(RestrictedQuerySet):
    def open_to_agency(self, agency_id) -> "ReferralQuerySet":
        """The referrals still open at the agency: what lets its officers see a family."""
        return self.filter(agency_id=agency_id).exclude(status__in=CLOSED_STATUSES)


class Referral(models.Model):
    """A need of a poor family sent to the agency (OPD) that must act on it."""

    family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("keluarga"),
        on_delete=models.CASCADE,
        related_name="referrals",
    )
    rule = models.ForeignKey(
        "welfare.NeedRule", verbose_name=_("kebutuhan"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    reason = models.CharField(_("alasan kebutuhan"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.NEW
    )
    rejection_reason = models.CharField(_("alasan ditolak"), max_length=500, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    officer = actor_field(_("petugas"))
    created_at = models.DateTimeField(_("dirujuk"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    accepted_at = models.DateTimeField(_("diterima"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = ReferralQuerySet.as_manager()
    scoped_by = ScopedBy(region="family__village__code", agency="agency")

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "rule"],
                condition=~models.Q(status__in=["selesai", "ditolak"]),
                name="one_open_referral_per_need",
            )
        ]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.agency} · {self.rule} · {self.family_id}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES
