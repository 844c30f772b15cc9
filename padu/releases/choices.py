from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseLifecycle(models.TextChoices):
    """A release's way to publication (Satu Data: the custodian checks and publishes, the
    TKPK/Bappeda checks, the leader approves the decree)."""

    DRAFT = "draft", _("Draf")
    CHECKED = "checked", _("Diperiksa")
    APPROVED = "approved", _("Disetujui")
    PUBLISHED = "published", _("Terbit")
    WITHDRAWN = "withdrawn", _("Ditarik")


#: Once here, a release's data and decree never change (the database refuses it too).
FROZEN_LIFECYCLES = (ReleaseLifecycle.PUBLISHED, ReleaseLifecycle.WITHDRAWN)


class ChangeKind(models.TextChoices):
    """How a family differs between two releases."""

    ENTERED = "masuk", _("Masuk")
    LEFT = "keluar", _("Keluar")
    BECAME_POOR = "menjadi_miskin", _("Menjadi miskin")
    NO_LONGER_POOR = "tidak_lagi_miskin", _("Tidak lagi miskin")
    STATUS = "status_berubah", _("Status berubah")
    DESIL = "desil_berubah", _("Desil berubah")


class LeaveReason(models.TextChoices):
    DECEASED = "meninggal", _("Meninggal (seluruh anggota)")
    MOVED = "pindah", _("Pindah")
    MERGED = "digabung", _("Digabung ke keluarga lain")
    WITHDRAWN = "ditarik", _("Tidak ada lagi di sumber mana pun")
    UNKNOWN = "lainnya", _("Tidak ada di rilis baru")


class ChangeSource(models.TextChoices):
    """What made a family's figures change between two releases."""

    VERIVALI = "verivali", _("Kunjungan verivali")
    EXPORT = "ekspor", _("Ekspor sumber baru")
    MODEL = "model", _("Model penilaian baru")
    OTHER = "lainnya", _("Lainnya")
