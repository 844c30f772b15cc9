from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    DATA_CUSTODIAN = "data_custodian", _("Wali data")
    DINSOS_OFFICER = "dinsos_officer", _("Petugas Dinas Sosial")
    VILLAGE_OPERATOR = "village_operator", _("Operator desa/kelurahan")
    VERIFIER = "verifier", _("Verifikator Bappeda/TKPK")
    AGENCY_OFFICER = "agency_officer", _("Petugas OPD")
    LEADER = "leader", _("Pimpinan daerah")
    PUBLIC = "public", _("Masyarakat umum")


#: Roles that may read personal data (names, NIK) of the families in their region subtree.
REGION_SCOPED_ROLES = frozenset(
    {Role.DATA_CUSTODIAN, Role.DINSOS_OFFICER, Role.VILLAGE_OPERATOR, Role.VERIFIER}
)
#: Roles that follow verivali: its coverage by area (aggregates), and their own part of it.
VERIVALI_ROLES = REGION_SCOPED_ROLES | {Role.LEADER}


class AccessKind(models.TextChoices):
    VIEW = "view", _("lihat")
    LIST = "list", _("daftar")
    EXPORT = "export", _("ekspor")
    REVEAL = "reveal", _("tampilkan NIK")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("menunggu keputusan sekretariat TKPK")
    APPROVED = "approved", _("disetujui")
    REJECTED = "rejected", _("ditolak")


#: Roles whose accounts see personal data, and so must sign in with a second factor.
PERSONAL_DATA_ROLES = REGION_SCOPED_ROLES | {Role.AGENCY_OFFICER, Role.ADMIN}
#: Roles a person may ask for when registering (the administrator is appointed, not applied for).
REQUESTABLE_ROLES = [role for role in Role if role not in (Role.ADMIN, Role.PUBLIC)]


class TimeZone(models.TextChoices):
    """Indonesia's three zones: times are shown on the clock of the user's own office."""

    WIB = "Asia/Jakarta", _("WIB (Waktu Indonesia Barat)")
    WITA = "Asia/Makassar", _("WITA (Waktu Indonesia Tengah)")
    WIT = "Asia/Jayapura", _("WIT (Waktu Indonesia Timur)")


class TokenScope(models.TextChoices):
    """What a machine's token may do, within what its user's role may do."""

    READ = "read", _("membaca")
    WRITE = "write", _("menulis (mengubah status rujukan, mengirim intervensi)")
