"""The canonical fields of a source row, and the headers they arrive under.

The header table is the importer's truth (see shared/spec/source-fields.md). A header is
recognised after normalising it: upper case, anything but letters and digits removed.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

from padu.registry import choices as c

from .choices import ProposalKind, ProposalResult


class Kind(StrEnum):
    ID = "id"  # a record id, kept as text
    NIK = "nik"
    KK = "kk"
    NAME = "name"
    TEXT = "text"
    DATE = "date"
    SEX = "sex"
    CHOICE = "choice"
    FLAG = "flag"
    INTEGER = "integer"
    MONEY = "money"
    RT_RW = "rt_rw"
    RT = "rt"
    RW = "rw"
    REGION_CODE = "region_code"
    REGION_NAME = "region_name"
    COORDINATE = "coordinate"
    COORDINATES = "coordinates"  # "-6.98, 110.41" in one cell


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    headers: tuple[str, ...]
    family: bool = False
    choices: type | None = None
    synonyms: dict[str, str] = field(default_factory=dict)  # value spelling -> choice value


_COLUMN_NUMBER = re.compile(r"\s*\(\d+\)\s*$")  # "Nama KRT (13)": BDT's column numbers
_QUESTION_NUMBER = re.compile(r"^\s*\d{3}[a-z]?\s+(?=[A-Za-z])")  # "403 NIK": Regsosek's


def header_key(header: str) -> str:
    """A column title as it is recognised: upper case, letters and digits only, without a
    column number after it ("Nama KRT (13)") or a question number before a name ("403 NIK")."""
    text = _QUESTION_NUMBER.sub("", _COLUMN_NUMBER.sub("", str(header)))
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def code_key(value) -> str:
    """A coded value as it is compared: upper case, letters and digits only ("Kawin
    Tercatat" and "KAWIN_TERCATAT" are one; ">" stays, for "> 2200")."""
    return re.sub(r"[^A-Z0-9>]", "", str(value).strip().upper())


#: Spellings of coded values that mean the same in every export (words, never bare numbers:
#: what a number means is its layout's code list, padu/sources/data/layouts).
_RELATIONSHIP = {
    "KEPALAKELUARGA": "kepala",
    "KEPALARUMAHTANGGA": "kepala",
    "KRT": "kepala",
    "KK": "kepala",
    "ISTRI": "pasangan",
    "SUAMI": "pasangan",
    "ISTRISUAMI": "pasangan",
    "SUAMIISTRI": "pasangan",
    "ANAK": "anak",
    "ANAKKANDUNG": "anak",
    "ANAKTIRI": "anak",
    "ANAKANGKAT": "anak",
    "MENANTU": "menantu",
    "CUCU": "cucu",
    "ORANGTUA": "orang_tua",
    "MERTUA": "orang_tua",
    "ORANGTUAMERTUA": "orang_tua",
    "FAMILILAIN": "famili",
    "FAMILI": "famili",
    "LAINNYA": "lainnya",
    "PEMBANTU": "pembantu",
    "PEMBANTURUMAHTANGGA": "pembantu",
    "PEMBANTUSOPIR": "pembantu",
}
_MARITAL = {
    "BELUMKAWIN": "belum_kawin",
    "KAWIN": "kawin",
    "KAWINTERCATAT": "kawin",
    "KAWINBELUMTERCATAT": "kawin",
    "CERAIHIDUP": "cerai_hidup",
    "CERAIMATI": "cerai_mati",
    "KAWINNIKAH": "kawin",
}
_EDUCATION = {
    "TIDAKBELUMSEKOLAH": "tidak_punya",
    "BELUMTAMATSD": "tidak_punya",
    "TIDAKTAMATSD": "tidak_punya",
    "SD": "sd",
    "TAMATSD": "sd",
    "SDMI": "sd",
    "SMP": "smp",
    "SLTP": "smp",
    "SMPMTS": "smp",
    "TAMATSMP": "smp",
    "SMA": "sma",
    "SLTA": "sma",
    "SMK": "sma",
    "SMASMK": "sma",
    "TAMATSMA": "sma",
    "D1": "diploma",
    "D2": "diploma",
    "D3": "diploma",
    "DIPLOMA": "diploma",
    "D4": "s1",
    "S1": "s1",
    "S2": "s2_s3",
    "S3": "s2_s3",
    # Dukcapil's list (SIAK, OpenSID, BIP), and P3KE's "Tamat … /sederajat".
    "BELUMTAMATSDSEDERAJAT": "tidak_punya",
    "TIDAKTAMATSDSEDERAJAT": "tidak_punya",
    "SDSEDERAJAT": "sd",
    "TAMATSDSEDERAJAT": "sd",
    "SLTPSEDERAJAT": "smp",
    "SMPSEDERAJAT": "smp",
    "TAMATSMPSEDERAJAT": "smp",
    "TAMATSLTPSEDERAJAT": "smp",
    "SLTASEDERAJAT": "sma",
    "SMASEDERAJAT": "sma",
    "TAMATSMASEDERAJAT": "sma",
    "TAMATSLTASEDERAJAT": "sma",
    "DIPLOMAIII": "diploma",  # "Diploma I/II" and "Diploma III" both
    "AKADEMIDIPLOMAIIISMUDA": "diploma",
    "DIPLOMAIVSTRATAI": "s1",
    "STRATAI": "s1",
    "STRATAII": "s2_s3",
    "STRATAIII": "s2_s3",
}
_DISABILITY = {
    "TIDAK": "tidak_ada",
    "TIDAKADA": "tidak_ada",
    "TIDAKCACAT": "tidak_ada",
    "CACATFISIK": "fisik",
    "TUNADAKSA": "fisik",
    "CACATNETRABUTA": "sensorik",
    "CACATRUNGUWICARA": "sensorik",
    "TUNANETRA": "sensorik",
    "TUNARUNGU": "sensorik",
    "TUNAWICARA": "sensorik",
    "TUNARUNGUWICARA": "sensorik",
    "CACATMENTALJIWA": "mental",
    "CACATFISIKDANMENTAL": "ganda",
}
_DRINKING_WATER = {
    "LEDING": "ledeng",
    "LEDINGMETERAN": "ledeng",
    "LEDINGECERAN": "ledeng",
    "PDAM": "ledeng",
    "AIRISIULANG": "kemasan",
    "AIRKEMASANBERMERK": "kemasan",
    "AIRKEMASANBERMEREK": "kemasan",
    "AIRSUNGAIDANAUWADUK": "air_permukaan",
    "SUNGAI": "air_permukaan",
}
_FLOOR = {
    "KAYUPAPANKUALITASTINGGI": "kayu_papan",
    "KAYUPAPANKUALITASRENDAH": "kayu_papan",
    "SEMENTARABATAMERAH": "semen_bata",
    "PARKETVINILPERMADANI": "parket_vinil",
}
_ROOF = {
    "BETONGENTENGBETON": "beton",
    "GENTENGKERAMIK": "genteng",
    "GENTENGMETAL": "genteng",
    "GENTENGTANAHLIAT": "genteng",
    "SIRAP": "kayu_sirap",
    "JERAMIIJUKDAUNDAUNANRUMBIA": "jerami_ijuk",
}
_LIGHTING = {
    # "Listrik PLN" without a word on the meter (BDT 2015, P3KE): a meter is the rule, and
    # those exports write "tanpa meteran" in the power column instead.
    "LISTRIKPLN": "pln_meteran",
    "PLN": "pln_meteran",
    "LISTRIKNONPLN": "non_pln",
}
_COOKING_FUEL = {
    "GAS3KG": "elpiji_3kg",
    "ELPIJI3KG": "elpiji_3kg",
    "GASELPIJI3KG": "elpiji_3kg",
    "LPG3KG": "elpiji_3kg",
    "GAS>3KG": "elpiji_besar",
    "GASLEBIHDARI3KG": "elpiji_besar",
    "GASELPIJI12KG": "elpiji_besar",
    "GASELPIJI55KGBLUEGAZ": "elpiji_besar",
    "GASKOTAMETERANPGN": "elpiji_besar",
}


def _choice(name, header_list, choices, synonyms=None, family=False):
    return Field(name, Kind.CHOICE, tuple(header_list), family, choices, synonyms or {})


FIELDS: tuple[Field, ...] = (
    Field(
        "record_id",
        Kind.ID,
        (
            "ID",
            "ID ART",
            "IDARTBDT",
            "ID DTKS",
            "ID P3KE",
            "ID INDIVIDU",
            "ID ANGGOTA",
            "ID ANGGOTA KELUARGA",
        ),
    ),
    Field(
        "family_record_id",
        Kind.ID,
        ("ID KELUARGA", "IDBDT", "ID RUTA", "ID KELUARGA P3KE", "ID RUMAH TANGGA"),
        family=True,
    ),
    Field("nik", Kind.NIK, ("NIK", "NO NIK", "NIK ART", "NOMOR INDUK KEPENDUDUKAN", "NOMOR NIK")),
    Field(
        "kk_number",
        Kind.KK,
        ("NO KK", "NOKK", "NOMOR KK", "NOMOR KARTU KELUARGA", "NO KARTU KELUARGA", "KK"),
        family=True,
    ),
    Field(
        "full_name",
        Kind.NAME,
        (
            "NAMA",
            "NAMA LENGKAP",
            "NAMA ART",
            "NAMA ANGGOTA",
            "NAMA PENERIMA",
            "NAMA ANGGOTA KELUARGA",
        ),
    ),
    Field("sex", Kind.SEX, ("JENIS KELAMIN", "JK", "L/P", "JNS KEL", "JENKEL", "KELAMIN")),
    Field("birth_place", Kind.TEXT, ("TEMPAT LAHIR", "TMP LAHIR", "TEMPAT LHR")),
    Field("birth_date", Kind.DATE, ("TANGGAL LAHIR", "TGL LAHIR", "TANGGAL LHR", "TGLLAHIR")),
    _choice(
        "relationship",
        (
            "HUBUNGAN KELUARGA",
            "HUB KRT",
            "SHDK",
            "HUBUNGAN DENGAN KEPALA KELUARGA",
            "HUBUNGAN DENGAN KEPALA RUMAH TANGGA",
            "HUBUNGAN",
        ),
        c.Relationship,
        _RELATIONSHIP,
    ),
    Field("mother_name", Kind.NAME, ("NAMA IBU KANDUNG", "IBU KANDUNG", "NAMA IBU")),
    _choice("marital_status", ("STATUS KAWIN", "STATUS PERKAWINAN"), c.MaritalStatus, _MARITAL),
    _choice(
        "education",
        ("PENDIDIKAN", "PENDIDIKAN TERAKHIR", "IJAZAH TERTINGGI"),
        c.Education,
        _EDUCATION,
    ),
    _choice(
        "school_participation", ("PARTISIPASI SEKOLAH", "STATUS SEKOLAH"), c.SchoolParticipation
    ),
    _choice("work_status", ("STATUS PEKERJAAN", "STATUS BEKERJA"), c.WorkStatus),
    Field("occupation", Kind.TEXT, ("PEKERJAAN", "LAPANGAN USAHA", "JENIS PEKERJAAN")),
    _choice(
        "disability",
        ("DISABILITAS", "JENIS DISABILITAS", "PENYANDANG DISABILITAS"),
        c.Disability,
        _DISABILITY,
    ),
    _choice(
        "chronic_illness",
        ("PENYAKIT KRONIS", "PENYAKIT KRONIS MENAHUN"),
        c.ChronicIllness,
        {"TIDAK": "tidak_ada", "TIDAKADA": "tidak_ada"},
    ),
    _choice(
        "health_insurance",
        ("JAMINAN KESEHATAN", "JAMKES", "KEPEMILIKAN JAMINAN KESEHATAN"),
        c.HealthInsurance,
        {"PBI": "pbi_jk", "PBIJK": "pbi_jk", "TIDAK": "tidak_ada"},
    ),
    Field("is_pregnant", Kind.FLAG, ("HAMIL", "SEDANG HAMIL", "STATUS HAMIL")),
    Field("address", Kind.TEXT, ("ALAMAT", "ALAMAT LENGKAP", "ALAMAT RUMAH"), family=True),
    Field("rt_rw", Kind.RT_RW, ("RT/RW", "RTRW", "RT RW"), family=True),
    Field("rt", Kind.RT, ("RT", "NO RT"), family=True),
    Field("rw", Kind.RW, ("RW", "NO RW"), family=True),
    Field(
        "village_code",
        Kind.REGION_CODE,
        (
            "KODE DESA",
            "KODE WILAYAH",
            "KODE KELURAHAN",
            "KDDESA",
            "KODE DESA KELURAHAN",
            "KODE WIL",
        ),
        family=True,
    ),
    Field(
        "village_name",
        Kind.REGION_NAME,
        ("DESA/KELURAHAN", "KELURAHAN", "DESA", "KELURAHAN/DESA", "NAMA DESA", "NAMA KELURAHAN"),
        family=True,
    ),
    Field("district_name", Kind.REGION_NAME, ("KECAMATAN", "NAMA KECAMATAN"), family=True),
    Field(
        "regency_name",
        Kind.REGION_NAME,
        ("KABUPATEN/KOTA", "KABUPATEN", "KOTA", "KAB/KOTA", "NAMA KABUPATEN"),
        family=True,
    ),
    Field("province_name", Kind.REGION_NAME, ("PROVINSI", "NAMA PROVINSI"), family=True),
    Field(
        "desil",
        Kind.INTEGER,
        ("DESIL", "DESIL KESEJAHTERAAN", "PERINGKAT KESEJAHTERAAN"),
        family=True,
    ),
    _choice(
        "house_tenure",
        ("STATUS KEPEMILIKAN RUMAH", "STATUS RUMAH", "KEPEMILIKAN RUMAH"),
        c.HouseTenure,
        {"SEWA": "kontrak_sewa", "KONTRAK": "kontrak_sewa"},
        family=True,
    ),
    Field("floor_area_m2", Kind.INTEGER, ("LUAS LANTAI", "LUAS LANTAI M2"), family=True),
    _choice("floor_material", ("JENIS LANTAI", "LANTAI"), c.FloorMaterial, _FLOOR, family=True),
    _choice(
        "wall_material", ("JENIS DINDING", "DINDING"), c.WallMaterial, {"KAYU": "kayu_papan"}, True
    ),
    _choice("roof_material", ("JENIS ATAP", "ATAP"), c.RoofMaterial, _ROOF, family=True),
    _choice(
        "toilet_facility",
        ("FASILITAS BAB", "FASILITAS BUANG AIR BESAR", "JAMBAN"),
        c.ToiletFacility,
        family=True,
    ),
    _choice(
        "drinking_water",
        ("SUMBER AIR MINUM", "AIR MINUM"),
        c.DrinkingWater,
        _DRINKING_WATER,
        family=True,
    ),
    _choice("lighting", ("SUMBER PENERANGAN", "PENERANGAN"), c.Lighting, _LIGHTING, family=True),
    _choice(
        "electricity_capacity",
        ("DAYA LISTRIK", "DAYA TERPASANG"),
        c.ElectricityCapacity,
        {
            "450": "450",
            "450WATT": "450",
            "900": "900",
            "1300": "1300",
            "2200": "2200",
            "LEBIHDARI2200": ">2200",
        },
        family=True,
    ),
    _choice(
        "cooking_fuel",
        ("BAHAN BAKAR MEMASAK", "BAHAN BAKAR"),
        c.CookingFuel,
        _COOKING_FUEL,
        family=True,
    ),
    Field(
        "has_lpg_5kg_or_more",
        Kind.FLAG,
        ("TABUNG GAS 5.5 KG", "TABUNG GAS", "GAS 5.5 KG"),
        family=True,
    ),
    Field("has_refrigerator", Kind.FLAG, ("KULKAS", "LEMARI ES"), family=True),
    Field("has_air_conditioner", Kind.FLAG, ("AC",), family=True),
    Field("has_water_heater", Kind.FLAG, ("PEMANAS AIR", "WATER HEATER"), family=True),
    Field("has_television", Kind.FLAG, ("TELEVISI", "TV"), family=True),
    Field("has_gold_10g", Kind.FLAG, ("EMAS 10 GRAM", "EMAS", "EMAS PERHIASAN"), family=True),
    Field("has_computer", Kind.FLAG, ("KOMPUTER", "LAPTOP"), family=True),
    Field("has_smartphone", Kind.FLAG, ("SMARTPHONE", "HP", "TELEPON SELULER"), family=True),
    Field("has_motorcycle", Kind.FLAG, ("SEPEDA MOTOR", "MOTOR"), family=True),
    Field("has_car", Kind.FLAG, ("MOBIL",), family=True),
    Field("has_boat", Kind.FLAG, ("PERAHU MOTOR", "KAPAL MOTOR", "PERAHU"), family=True),
    Field("owns_land", Kind.FLAG, ("LAHAN", "MEMILIKI LAHAN"), family=True),
    Field("livestock_units", Kind.INTEGER, ("TERNAK", "JUMLAH TERNAK"), family=True),
    Field("receives_pkh", Kind.FLAG, ("PKH", "PENERIMA PKH"), family=True),
    Field("receives_bpnt", Kind.FLAG, ("BPNT", "SEMBAKO", "PENERIMA BPNT"), family=True),
    Field("receives_pbi_jk", Kind.FLAG, ("PBI JK", "PBI", "PBIJK"), family=True),
    Field("receives_pip", Kind.FLAG, ("PIP",), family=True),
    Field("receives_blt_dd", Kind.FLAG, ("BLT DD", "BLT DANA DESA"), family=True),
    Field("latitude", Kind.COORDINATE, ("LATITUDE", "LAT", "LINTANG"), family=True),
    Field("longitude", Kind.COORDINATE, ("LONGITUDE", "LONG", "LON", "LNG", "BUJUR"), family=True),
    Field("coordinates", Kind.COORDINATES, ("KOORDINAT", "TITIK KOORDINAT"), family=True),
    Field(
        "expenditure_per_capita",
        Kind.MONEY,
        ("PENGELUARAN PER KAPITA", "PENGELUARAN PERKAPITA"),
        family=True,
    ),
    # What a program's beneficiary list adds: the benefit of the row.
    Field("program_name", Kind.TEXT, ("PROGRAM", "NAMA PROGRAM", "JENIS BANTUAN")),
    Field(
        "benefit_period",
        Kind.TEXT,
        ("PERIODE", "PERIODE PENYALURAN", "TAHAP", "TAHAP PENYALURAN", "BULAN PENYALURAN"),
    ),
    Field(
        "benefit_amount",
        Kind.MONEY,
        ("NOMINAL", "NOMINAL BANTUAN", "NILAI BANTUAN", "JUMLAH BANTUAN", "BESARAN BANTUAN"),
    ),
    # What the national system (SIKS-NG) answers to a region's usulan and sanggahan: the
    # one-stop service closes the residents' requests with it (padu.service.receivers).
    _choice(
        "proposal_kind",
        ("JENIS USULAN", "JENIS PENGAJUAN", "USULAN/SANGGAHAN"),
        ProposalKind,
        {"USULANBARU": "usulan", "USUL": "usulan", "SANGGAH": "sanggah"},
    ),
    _choice(
        "proposal_result",
        ("HASIL USULAN", "HASIL SANGGAHAN", "HASIL PUSAT", "STATUS HASIL"),
        ProposalResult,
        {
            "DISETUJUI": "diterima",
            "LAYAK": "diterima",
            "TIDAKLAYAK": "ditolak",
            "TIDAKDISETUJUI": "ditolak",
        },
    ),
    Field("proposal_reason", Kind.TEXT, ("ALASAN HASIL", "ALASAN PENOLAKAN")),
)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}
HEADER_INDEX: dict[str, str] = {}
for _f in FIELDS:
    for _h in _f.headers:
        HEADER_INDEX.setdefault(header_key(_h), _f.name)
for _f in FIELDS:  # canonical names are accepted as headers too
    HEADER_INDEX.setdefault(header_key(_f.name), _f.name)


def unique_headers(header: list[str]) -> list[str]:
    """Column titles made unique (a second NAMA becomes \"NAMA (2)\"); empty ones named."""
    seen: Counter = Counter()
    out = []
    for title in header:
        title = title or "(tanpa judul)"
        seen[title] += 1
        out.append(title if seen[title] == 1 else f"{title} ({seen[title]})")
    return out
