"""Registry codes, after Regsosek 2022 / DTSEN variables and the BPS 14 criteria."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "L", _("Laki-laki")
    FEMALE = "P", _("Perempuan")


class Relationship(models.TextChoices):
    HEAD = "kepala", _("Kepala keluarga")
    SPOUSE = "pasangan", _("Istri/suami")
    CHILD = "anak", _("Anak")
    CHILD_IN_LAW = "menantu", _("Menantu")
    GRANDCHILD = "cucu", _("Cucu")
    PARENT = "orang_tua", _("Orang tua/mertua")
    OTHER_RELATIVE = "famili", _("Famili lain")
    HELPER = "pembantu", _("Pembantu/sopir")
    OTHER = "lainnya", _("Lainnya")


class MaritalStatus(models.TextChoices):
    SINGLE = "belum_kawin", _("Belum kawin")
    MARRIED = "kawin", _("Kawin")
    DIVORCED = "cerai_hidup", _("Cerai hidup")
    WIDOWED = "cerai_mati", _("Cerai mati")


class Education(models.TextChoices):
    """Highest certificate held (ijazah tertinggi)."""

    NONE = "tidak_punya", _("Tidak punya ijazah")
    SD = "sd", _("SD/sederajat")
    SMP = "smp", _("SMP/sederajat")
    SMA = "sma", _("SMA/SMK/sederajat")
    DIPLOMA = "diploma", _("D1/D2/D3")
    BACHELOR = "s1", _("D4/S1")
    POSTGRADUATE = "s2_s3", _("S2/S3")


class SchoolParticipation(models.TextChoices):
    NEVER = "tidak_pernah", _("Tidak/belum pernah sekolah")
    ENROLLED = "masih_sekolah", _("Masih sekolah")
    LEFT = "tidak_lagi", _("Tidak bersekolah lagi")


class WorkStatus(models.TextChoices):
    SELF_EMPLOYED = "berusaha_sendiri", _("Berusaha sendiri")
    EMPLOYER = "berusaha_dibantu", _("Berusaha dibantu buruh")
    EMPLOYEE = "buruh_karyawan", _("Buruh/karyawan/pegawai")
    CASUAL = "pekerja_bebas", _("Pekerja bebas")
    FAMILY_WORKER = "pekerja_keluarga", _("Pekerja keluarga/tidak dibayar")
    NOT_WORKING = "tidak_bekerja", _("Tidak bekerja")
    SCHOOL = "sekolah", _("Sekolah")
    HOUSEKEEPING = "mengurus_rt", _("Mengurus rumah tangga")


class Disability(models.TextChoices):
    NONE = "tidak_ada", _("Tidak ada")
    PHYSICAL = "fisik", _("Disabilitas fisik")
    INTELLECTUAL = "intelektual", _("Disabilitas intelektual")
    MENTAL = "mental", _("Disabilitas mental")
    SENSORY = "sensorik", _("Disabilitas sensorik (netra/rungu/wicara)")
    MULTIPLE = "ganda", _("Disabilitas ganda")


class ChronicIllness(models.TextChoices):
    NONE = "tidak_ada", _("Tidak ada")
    HYPERTENSION = "hipertensi", _("Hipertensi")
    DIABETES = "diabetes", _("Diabetes")
    TUBERCULOSIS = "tbc", _("TBC")
    HEART = "jantung", _("Penyakit jantung")
    STROKE = "stroke", _("Stroke")
    CANCER = "kanker", _("Kanker")
    OTHER = "lainnya", _("Lainnya")


class HealthInsurance(models.TextChoices):
    NONE = "tidak_ada", _("Tidak punya")
    PBI_JK = "pbi_jk", _("BPJS Kesehatan PBI")
    BPJS_SELF = "bpjs_mandiri", _("BPJS Kesehatan mandiri")
    BPJS_EMPLOYER = "bpjs_pekerja", _("BPJS Kesehatan pekerja")
    OTHER = "lainnya", _("Asuransi lain")


class Lifecycle(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    DECEASED = "meninggal", _("Meninggal")
    MOVED = "pindah", _("Pindah")
    MERGED = "digabung", _("Digabung ke data lain")
    UNSOURCED = "ditarik", _("Tidak ada lagi di sumber mana pun (batchnya ditarik)")


class HouseTenure(models.TextChoices):
    OWNED = "milik_sendiri", _("Milik sendiri")
    RENTED = "kontrak_sewa", _("Kontrak/sewa")
    RENT_FREE = "bebas_sewa", _("Bebas sewa/menumpang")
    OFFICIAL = "dinas", _("Dinas")
    OTHER = "lainnya", _("Lainnya")


class FloorMaterial(models.TextChoices):
    MARBLE = "marmer_granit", _("Marmer/granit")
    CERAMIC = "keramik", _("Keramik")
    VINYL = "parket_vinil", _("Parket/vinil/karpet")
    TILE = "ubin_tegel", _("Ubin/tegel/teraso")
    WOOD = "kayu_papan", _("Kayu/papan")
    CEMENT = "semen_bata", _("Semen/bata merah")
    BAMBOO = "bambu", _("Bambu")
    EARTH = "tanah", _("Tanah")
    OTHER = "lainnya", _("Lainnya")


class WallMaterial(models.TextChoices):
    MASONRY = "tembok", _("Tembok")
    PLASTERED_BAMBOO = "plesteran_bambu", _("Plesteran anyaman bambu/kawat")
    WOOD = "kayu_papan", _("Kayu/papan")
    WOVEN_BAMBOO = "anyaman_bambu", _("Anyaman bambu")
    LOG = "batang_kayu", _("Batang kayu")
    BAMBOO = "bambu", _("Bambu")
    OTHER = "lainnya", _("Lainnya")


class RoofMaterial(models.TextChoices):
    CONCRETE = "beton", _("Beton")
    CLAY_TILE = "genteng", _("Genteng")
    ZINC = "seng", _("Seng")
    ASBESTOS = "asbes", _("Asbes")
    WOOD = "kayu_sirap", _("Kayu/sirap")
    BAMBOO = "bambu", _("Bambu")
    THATCH = "jerami_ijuk", _("Jerami/ijuk/daun/rumbia")
    OTHER = "lainnya", _("Lainnya")


class ToiletFacility(models.TextChoices):
    PRIVATE = "sendiri", _("Ada, digunakan sendiri")
    SHARED = "bersama", _("Ada, digunakan bersama")
    PUBLIC = "umum", _("MCK umum")
    NONE = "tidak_ada", _("Tidak ada")


class DrinkingWater(models.TextChoices):
    BOTTLED = "kemasan", _("Air kemasan/isi ulang")
    PIPED = "ledeng", _("Leding/PDAM")
    BOREHOLE = "sumur_bor", _("Sumur bor/pompa")
    PROTECTED_WELL = "sumur_terlindung", _("Sumur terlindung")
    UNPROTECTED_WELL = "sumur_tak_terlindung", _("Sumur tak terlindung")
    PROTECTED_SPRING = "mata_air_terlindung", _("Mata air terlindung")
    UNPROTECTED_SPRING = "mata_air_tak_terlindung", _("Mata air tak terlindung")
    SURFACE = "air_permukaan", _("Air permukaan (sungai/danau)")
    RAIN = "air_hujan", _("Air hujan")
    OTHER = "lainnya", _("Lainnya")


class Lighting(models.TextChoices):
    PLN_METERED = "pln_meteran", _("Listrik PLN dengan meteran")
    PLN_UNMETERED = "pln_tanpa_meteran", _("Listrik PLN tanpa meteran")
    NON_PLN = "non_pln", _("Listrik non-PLN")
    NONE = "bukan_listrik", _("Bukan listrik")


class ElectricityCapacity(models.TextChoices):
    VA_450 = "450", _("450 watt")
    VA_900 = "900", _("900 watt")
    VA_1300 = "1300", _("1.300 watt")
    VA_2200 = "2200", _("2.200 watt")
    VA_ABOVE_2200 = ">2200", _("Lebih dari 2.200 watt")
    NONE = "tanpa_meteran", _("Tanpa meteran")


class CookingFuel(models.TextChoices):
    ELECTRIC = "listrik", _("Listrik")
    LPG_LARGE = "elpiji_besar", _("Elpiji 5,5 kg/ 12 kg/ gas kota")
    LPG_3KG = "elpiji_3kg", _("Elpiji 3 kg")
    BIOGAS = "biogas", _("Biogas")
    KEROSENE = "minyak_tanah", _("Minyak tanah")
    BRIQUETTE = "briket", _("Briket")
    CHARCOAL = "arang", _("Arang")
    FIREWOOD = "kayu_bakar", _("Kayu bakar")
    NONE = "tidak_memasak", _("Tidak memasak di rumah")


class FamilyLifecycle(models.TextChoices):
    ACTIVE = "aktif", _("Aktif")
    MOVED = "pindah", _("Pindah keluar wilayah")
    DISSOLVED = "bubar", _("Tidak ada lagi (semua anggota meninggal/pindah)")
    MERGED = "digabung", _("Digabung ke data lain")


class VerificationStatus(models.TextChoices):
    """What a field visit found (verivali), as SIKS-NG names it."""

    ELIGIBLE = "layak", _("Layak")
    NOT_ELIGIBLE = "tidak_layak", _("Tidak layak")
    DECEASED = "meninggal", _("Meninggal")
    MOVED = "pindah", _("Pindah")
    WELL_OFF = "mampu", _("Mampu")
    NOT_FOUND = "tidak_ditemukan", _("Tidak ditemukan")
    NEW = "usulan_baru", _("Usulan baru")
