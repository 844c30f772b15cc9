from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    NEW = "baru", _("Baru")
    ACCEPTED = "diterima", _("Diterima")
    IN_PROGRESS = "diproses", _("Diproses")
    DONE = "selesai", _("Selesai")
    REJECTED = "ditolak", _("Ditolak")


#: A referral in one of these is closed; a need raised again later opens a new one.
CLOSED_STATUSES = (ReferralStatus.DONE, ReferralStatus.REJECTED)


class FundingLevel(models.TextChoices):
    APBN = "apbn", _("APBN")
    APBD_PROVINCE = "apbd_prov", _("APBD provinsi")
    APBD_REGENCY = "apbd_kab", _("APBD kabupaten/kota")
    VILLAGE_FUND = "dana_desa", _("Dana Desa")
    CSR = "csr", _("CSR")
    ZAKAT = "baznas", _("BAZNAS/zakat")


class BenefitUnit(models.TextChoices):
    FAMILY = "keluarga", _("Keluarga")
    PERSON = "orang", _("Orang")


class BenefitKind(models.TextChoices):
    CASH = "tunai", _("Uang tunai per siklus")
    IN_KIND = "barang", _("Barang")
    SERVICE = "layanan", _("Layanan")
    HOUSING_REPAIR = "rehab_rumah", _("Perbaikan rumah")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Rancangan")
    ACTIVE = "aktif", _("Berjalan")
    CLOSED = "selesai", _("Selesai")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Rancangan")
    APPROVED = "disetujui", _("Disetujui (dibekukan)")


class CycleOrigin(models.TextChoices):
    PROPOSED = "usulan", _("Diusulkan dari data terpadu menurut kriteria")
    IMPORTED = "impor", _("Diimpor dari daftar OPD")
    SOURCE_FLAGS = "sumber", _("Penanda program di data sumber")
    REFERRALS = "rujukan", _("Intervensi dari rujukan")


class Membership(models.TextChoices):
    """A beneficiary's state in a cycle (after OpenG2P)."""

    PROPOSED = "diusulkan", _("Diusulkan")
    ENROLLED = "terdaftar", _("Terdaftar")
    PAUSED = "ditunda", _("Ditunda")
    EXITED = "keluar", _("Keluar")
    NOT_ELIGIBLE = "tidak_layak", _("Tidak layak")
    DUPLICATE = "ganda", _("Ganda")


class LinkStatus(models.TextChoices):
    LINKED = "tertaut", _("Tertaut otomatis")
    CONFIRMED = "dipastikan", _("Dipastikan petugas")
    CANDIDATES = "calon", _("Ada calon, perlu diputuskan")
    UNLINKED = "tidak_ada", _("Tidak ditemukan di data terpadu")


#: Link states whose row is tied to a golden person or family.
LINKED_STATES = (LinkStatus.LINKED, LinkStatus.CONFIRMED)


class Check(models.TextChoices):
    """The targeting checks, named as the check report's columns. Each is a yes/no
    question; ``FAILS_WHEN`` says which answer is the failure."""

    ON_TARGET = "tepat_sasaran", _("Tepat sasaran")
    RIGHT_PLACE = "tepat_lokasi", _("Tepat lokasi")
    ALIVE_RESIDENT = "hidup_menetap", _("Hidup dan menetap")
    DUPLICATE = "ganda_program", _("Ganda dalam program")
    FORBIDDEN_COMBINATION = "kombinasi_terlarang", _("Kombinasi terlarang")


#: The answer of each check that marks a beneficiary as a targeting error.
FAILS_WHEN = {
    Check.ON_TARGET: False,
    Check.RIGHT_PLACE: False,
    Check.ALIVE_RESIDENT: False,
    Check.DUPLICATE: True,
    Check.FORBIDDEN_COMBINATION: True,
}


class RunStep(models.TextChoices):
    IMPORT = "impor", _("Impor daftar penerima")
    PROPOSE = "usulan", _("Usulan dari data terpadu")
    CHECK = "periksa", _("Pemeriksaan ketepatan sasaran")
    APPROVE = "setujui", _("Persetujuan siklus")


class FlagKind(models.TextChoices):
    """What looks wrong (after SIPMAS' checks on false claims)."""

    DEPARTED_RECIPIENT = "penerima_pergi", _("Penerima meninggal atau pindah")
    SHARED_NIK = "nik_ganda", _("Satu NIK di dua keluarga")
    ASSETS = "aset_tidak_sesuai", _("Aset atau pekerjaan tidak sesuai status")
    DESIL_JUMP = "desil_melompat", _("Desil melompat tanpa alasan tercatat")


class FlagStatus(models.TextChoices):
    OPEN = "terbuka", _("Menunggu verifikator")
    DISMISSED = "diabaikan", _("Diabaikan dengan alasan")
    SENT = "diverivali", _("Dikirim sebagai tugas verivali")
