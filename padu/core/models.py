from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ACTIVE_RUN_STATUSES, ChangeAction, RunStatus
from .fields import actor_field


class ChangeLog(models.Model):
    """Who changed what, when, from what to what: one row per change, written by services."""

    changed_at = models.DateTimeField(_("waktu"), auto_now_add=True, db_index=True)
    actor = actor_field(_("pelaku"))
    request_id = models.CharField(_("ID permintaan"), max_length=36, blank=True)
    action = models.CharField(_("aksi"), max_length=16, choices=ChangeAction.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(_("ID objek"), max_length=64)
    object_repr = models.CharField(_("objek"), max_length=200)
    before = models.JSONField(_("sebelum"), null=True, blank=True)
    after = models.JSONField(_("sesudah"), null=True, blank=True)
    origin = models.CharField(
        _("asal"), max_length=200, blank=True, help_text=_("sumber perubahan, mis. batch impor")
    )

    class Meta:
        verbose_name = _("catatan perubahan")
        verbose_name_plural = _("catatan perubahan")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr} ({self.changed_at:%Y-%m-%d %H:%M})"


class Progress(models.Model):
    """How far a piece of background work has come, for its page and its progress bar."""

    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_label = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def percent(self) -> int:
        return int(100 * self.progress_done / self.progress_total) if self.progress_total else 0


class BackgroundRunQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=ACTIVE_RUN_STATUSES)


class BackgroundRun(Progress):
    """A run of long work started by a person and done by the background worker. Its
    progress block (templates/_run_status.html) polls ``status_url_name``."""

    status_url_name = ""

    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    message = models.TextField(_("pesan"), blank=True)
    started_by = actor_field(_("dijalankan oleh"))
    started_at = models.DateTimeField(_("mulai"), auto_now_add=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    objects = BackgroundRunQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def duration_seconds(self) -> float | None:
        if self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
