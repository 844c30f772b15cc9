from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    DTKS = "dtks", _("DTKS (SIKS-NG)")
    P3KE = "p3ke", _("P3KE")
    REGSOSEK = "regsosek", _("Regsosek")
    AGENCY_LIST = "agency_list", _("Daftar penerima OPD")
    FIELD = "field", _("Verifikasi lapangan")


#: Kinds whose records are linked to the registry (a program's beneficiaries) and never
#: shape it: a mistyped or ineligible row must not become a person.
LINKED_ONLY_KINDS = (SourceKind.AGENCY_LIST,)


class ProposalKind(models.TextChoices):
    """What a region sent up to the national system about a family (SIKS-NG's results)."""

    PROPOSAL = "usulan", _("Usulan")
    OBJECTION = "sanggah", _("Sanggahan")


class ProposalResult(models.TextChoices):
    """The national system's answer to an usulan or a sanggahan."""

    ACCEPTED = "diterima", _("Diterima")
    REJECTED = "ditolak", _("Ditolak")


class BatchStatus(models.TextChoices):
    DRAFT = "draft", _("pratinjau")
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("berjalan")
    COMPLETED = "completed", _("selesai")
    FAILED = "failed", _("gagal")
    CANCELLED = "cancelled", _("dibatalkan")
    DUPLICATE = "duplicate", _("file sudah pernah diimpor")
    WITHDRAWN = "withdrawn", _("ditarik")


class Severity(models.TextChoices):
    ERROR = "error", _("galat (baris ditolak)")
    WARNING = "warning", _("peringatan (baris diterima)")
    SKIPPED = "skipped", _("dilewati (baris kembar atau bukan data)")
