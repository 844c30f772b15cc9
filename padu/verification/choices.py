from django.db import models
from django.utils.translation import gettext_lazy as _


class RoundStatus(models.TextChoices):
    OPEN = "berjalan", _("Berjalan")
    CLOSED = "selesai", _("Selesai")


class AssignmentState(models.TextChoices):
    """Where one family of a round stands; coverage counts these."""

    PENDING = "belum", _("Belum dikunjungi")
    VISITED = "dikunjungi", _("Sudah dikunjungi")
    AGREED = "musdes", _("Disepakati musdes/muskel")
    APPROVED = "disetujui", _("Disetujui Dinsos")
    RETURNED = "dikembalikan", _("Dikembalikan")


class VisitStatus(models.TextChoices):
    SUBMITTED = "diajukan", _("Diajukan operator")
    AGREED = "musdes", _("Disepakati musdes/muskel")
    APPROVED = "disetujui", _("Disetujui Dinsos")
    RETURNED = "dikembalikan", _("Dikembalikan")


class MemberStatus(models.TextChoices):
    """What the operator found of one listed member."""

    PRESENT = "ada", _("Ada")
    DECEASED = "meninggal", _("Meninggal")
    MOVED = "pindah", _("Pindah")
