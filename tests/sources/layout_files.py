"""Synthetic files in the layouts offices really have, written the way each system writes
them: its sheets, title and numbering rows, header rows and, above all, its own codes.

Each writer codes the same people with **its system's code list, written out here from the
system's documentation**, independently of Padu's presets (padu/sources/data/layouts): a
test that read the codes back through the preset it checks could not catch a wrong preset.
"""

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
import xlwt

EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class Person:
    nik: str
    kk: str
    name: str
    sex: str  # L / P
    born: date
    relationship: str  # Padu's values
    marital: str
    education: str
    disability: str = "tidak_ada"
    pregnant: bool = False
    family: str = "A"

    @property
    def pregnancy(self) -> bool | None:
        """Whether she is pregnant: a question asked of women only."""
        return self.pregnant if self.sex == "P" else None

    @property
    def village(self) -> tuple[str, str]:
        """(Kemendagri code, name) of the person's village."""
        return ("3374011001", "MIROTO") if self.family == "A" else ("3374011002", "BRUMBUNGAN")


KK_A, KK_B = "3374010101100001", "3374010101100002"
PEOPLE = [
    Person(
        "3374011708800001", KK_A, "BUDI SANTOSO", "L", date(1980, 8, 17), "kepala", "kawin", "sma"
    ),
    Person(
        "3374015708820002",
        KK_A,
        "SITI AMINAH",
        "P",
        date(1982, 8, 17),
        "pasangan",
        "kawin",
        "smp",
        pregnant=True,
    ),
    Person(
        "3374014501100003",
        KK_A,
        "DEWI LESTARI",
        "P",
        date(2010, 1, 5),
        "anak",
        "belum_kawin",
        "tidak_punya",
    ),
    Person(
        "3374014404450004",
        KK_A,
        "SUMARNI",
        "P",
        date(1945, 4, 4),
        "orang_tua",
        "cerai_mati",
        "sd",
        disability="sensorik",
    ),
    Person(
        "3374010303750005",
        KK_B,
        "AGUS SALIM",
        "L",
        date(1975, 3, 3),
        "kepala",
        "cerai_hidup",
        "s1",
        family="B",
    ),
    Person(
        "3374015512990006",
        KK_B,
        "RINA WATI",
        "P",
        date(1999, 12, 15),
        "menantu",
        "kawin",
        "diploma",
        family="B",
    ),
    Person(
        "3374010707200007",
        KK_B,
        "BAYU SAPUTRA",
        "L",
        date(2020, 7, 7),
        "cucu",
        "belum_kawin",
        "tidak_punya",
        family="B",
    ),
    Person(
        "3374016606700008",
        KK_B,
        "MARNI",
        "P",
        date(1970, 6, 26),
        "pembantu",
        "belum_kawin",
        "sd",
        family="B",
    ),
]
FAMILIES = {
    "A": [p for p in PEOPLE if p.family == "A"],
    "B": [p for p in PEOPLE if p.family == "B"],
}
ADDRESS = {"A": "JL. MELATI 1", "B": "JL. MAWAR 2"}
RT_RW = {"A": ("001", "002"), "B": ("003", "004")}
#: Every system here codes "pregnant" 1 (ya) and 2 (tidak), and leaves it empty for men.
PREGNANT = {True: "1", False: "2", None: None}


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    with xlsxwriter.Workbook(path) as book:
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        sheet.write(r, c, value)
    return path


def write_xls(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A BIFF .xls, as SIAK and the BIP prints are saved."""
    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def write_csv(path: Path, rows: list[list], separator: str = ",") -> Path:
    path.write_text(
        "\n".join(separator.join("" if v is None else str(v) for v in row) for row in rows)
    )
    return path


def stamp(day: date) -> str:
    """A date as Excel exports with a time write it."""
    return datetime(day.year, day.month, day.day).strftime("%Y-%m-%d %H:%M:%S")


# OpenSID ---------------------------------------------------------------------------------

OPENSID_COLUMNS = [
    "alamat",
    "dusun",
    "rw",
    "rt",
    "nama",
    "no_kk",
    "nik",
    "sex",
    "tempatlahir",
    "tanggallahir",
    "agama_id",
    "pendidikan_kk_id",
    "pendidikan_sedang_id",
    "pekerjaan_id",
    "status_kawin",
    "kk_level",
    "warganegara_id",
    "ayah_nik",
    "nama_ayah",
    "ibu_nik",
    "nama_ibu",
    "golongan_darah_id",
    "akta_lahir",
    "dokumen_pasport",
    "tanggal_akhir_paspor",
    "dokumen_kitas",
    "akta_perkawinan",
    "tanggalperkawinan",
    "akta_perceraian",
    "tanggalperceraian",
    "cacat_id",
    "cara_kb_id",
    "hamil",
    "ktp_el",
    "status_rekam",
    "alamat_sekarang",
    "status_dasar",
    "suku",
    "tag_id_card",
    "id_asuransi",
    "no_asuransi",
    "lat",
    "lng",
]
#: The "Kode Data" sheet of OpenSID's template.
OPENSID_SEX = {"L": "1", "P": "2"}
OPENSID_KK_LEVEL = {"kepala": "1", "anak": "4", "menantu": "5", "cucu": "6", "pembantu": "10"}
OPENSID_MARITAL = {"belum_kawin": "1", "kawin": "2", "cerai_hidup": "3", "cerai_mati": "4"}
OPENSID_EDUCATION = {
    "tidak_punya": "1",
    "sd": "3",
    "smp": "4",
    "sma": "5",
    "diploma": "7",
    "s1": "8",
}
OPENSID_DISABILITY = {"tidak_ada": "7", "sensorik": "2"}


def opensid_level(person: Person) -> str:
    if person.relationship == "pasangan":
        return "3" if person.sex == "P" else "2"  # istri, suami
    if person.relationship == "orang_tua":
        return "8"  # mertua
    return OPENSID_KK_LEVEL[person.relationship]


def opensid_penduduk(folder: Path, *, kk_level=opensid_level) -> Path:
    rows = [OPENSID_COLUMNS]
    for p in PEOPLE:
        cells = dict.fromkeys(OPENSID_COLUMNS)
        cells.update(
            alamat=ADDRESS[p.family],
            dusun="DUSUN I",
            rt=RT_RW[p.family][0],
            rw=RT_RW[p.family][1],
            nama=p.name,
            no_kk=p.kk,
            nik=p.nik,
            sex=OPENSID_SEX[p.sex],
            tempatlahir="SEMARANG",
            tanggallahir=p.born.isoformat(),
            agama_id="1",
            pendidikan_kk_id=OPENSID_EDUCATION[p.education],
            status_kawin=OPENSID_MARITAL[p.marital],
            kk_level=kk_level(p),
            warganegara_id="1",
            cacat_id=OPENSID_DISABILITY[p.disability],
            hamil=PREGNANT[p.pregnancy],
            status_dasar="1",
        )
        rows.append([cells[c] for c in OPENSID_COLUMNS])
    codes = [["sex", "id", "kk_level", None], ["LAKI-LAKI", "1", "KEPALA KELUARGA", "1"]]
    return write_xlsx(folder / "FormatImporExcel.xlsx", {"Data Penduduk": rows, "Kode Data": codes})


# Dukcapil: SIAK and the BIP prints --------------------------------------------------------

DUKCAPIL_SEX = {"L": "Laki-Laki", "P": "Perempuan"}
DUKCAPIL_MARITAL = {
    "belum_kawin": "Belum Kawin",
    "kawin": "Kawin",
    "cerai_hidup": "Cerai Hidup",
    "cerai_mati": "Cerai Mati",
}
DUKCAPIL_EDUCATION = {
    "tidak_punya": "Tidak/Belum Sekolah",
    "sd": "Tamat SD/Sederajat",
    "smp": "SLTP/Sederajat",
    "sma": "SLTA/Sederajat",
    "diploma": "Akademi/Diploma III/S. Muda",
    "s1": "Diploma IV/Strata I",
}
DUKCAPIL_DISABILITY = {"tidak_ada": None, "sensorik": "Cacat Netra/Buta"}


def dukcapil_shdk(person: Person) -> str:
    return {
        "kepala": "Kepala Keluarga",
        "pasangan": "Istri" if person.sex == "P" else "Suami",
        "anak": "Anak",
        "menantu": "Menantu",
        "cucu": "Cucu",
        "orang_tua": "Mertua",
        "pembantu": "Pembantu",
    }[person.relationship]


SIAK_HEADER = [
    "Nomor KK",
    "NIK",
    "Nama Penduduk",
    "Status",
    "Tempat Lahir",
    "Tanggal Lahir",
    "Kelamin",
    "NIK Ayah",
    "Ayah",
    "NIK Ibu",
    "Ibu",
    "Status Kawin",
    "SHDK",
    "Agama",
    "Kecamatan",
    "Desa/Kel",
    "Alamat",
    "RW",
    "RT",
    "Pendidikan",
    "Pekerjaan",
    "Deskripsi Pekerjaan",
    "Gol. Darah",
    "Cacat",
    "Cetak KTP",
    "Ganti KTP",
    "KTP Berakhir",
    "Nomor Paspor",
    "Nomor Akta Lahir",
    "Nomor Akta Kawin",
    "Tanggal Kwn",
    "Nomor Akta Cerai",
    "Tgl Cerai",
    "Petugas Registrasi",
    "Tgl Ubah",
    "Petugas Entri",
    "Tgl Entri",
]


def siak(folder: Path) -> Path:
    rows = [SIAK_HEADER]
    for p in PEOPLE:
        cells = dict.fromkeys(SIAK_HEADER)
        cells.update(
            {
                "Nomor KK": p.kk,
                "NIK": p.nik,
                "Nama Penduduk": p.name,
                "Status": "Hidup",
                "Tempat Lahir": "semarang",
                "Tanggal Lahir": stamp(p.born),
                "Kelamin": DUKCAPIL_SEX[p.sex],
                "Ibu": "IBU " + p.name.split()[0],
                "Status Kawin": DUKCAPIL_MARITAL[p.marital],
                "SHDK": dukcapil_shdk(p),
                "Agama": "Islam",
                "Kecamatan": "SEMARANG TENGAH",
                "Desa/Kel": p.village[1],
                "Alamat": ADDRESS[p.family],
                "RW": RT_RW[p.family][1].lstrip("0"),
                "RT": RT_RW[p.family][0].lstrip("0"),
                "Pendidikan": DUKCAPIL_EDUCATION[p.education],
                "Pekerjaan": "Wiraswasta",
                "Gol. Darah": "Tdk Th",
                "Cacat": DUKCAPIL_DISABILITY[p.disability],
                "Tgl Entri": "2006-03-14 00:00:00",
            }
        )
        rows.append([cells[c] for c in SIAK_HEADER])
    return write_xls(folder / "format_siak.xls", {"Sheet1": rows})


#: The BIP prints abbreviate: Lk/Pr, and the marital status BK, K, CH, CM.
BIP_SEX = {"L": "Lk", "P": "Pr"}
BIP_MARITAL = {"belum_kawin": "BK", "kawin": "K", "cerai_hidup": "CH", "cerai_mati": "CM"}
BIP_EDUCATION = {
    "tidak_punya": "TIDAK / BELUM SEKOLAH",
    "sd": "TAMAT SD / SEDERAJAT",
    "smp": "SLTP / SEDERAJAT",
    "sma": "SLTA / SEDERAJAT",
    "diploma": "AKADEMI/ DIPLOMA III/S. MUDA",
    "s1": "DIPLOMA IV/ STRATA I",
}
BIP_EKTP_HEADER = [
    "NO",
    "Nama Lengkap",
    "NIK",
    "Tempat dan Tanggal Lahir",
    None,
    "JK",
    "Stat Kwn",
    "Gol. Drh",
    "SHDK",
    "Agama",
    "Pendidikan Terakhir",
    "No Akta Lahir",
    "Pekerjaan",
    "Nama  Ibu",
    "Nama Ayah",
    "Wjb KTP",
    "KTP-eL",
    "Status",
    "Stat Rkm",
]


def bip_ektp(folder: Path) -> Path:
    rows = [
        BIP_EKTP_HEADER,
        [None, None, None, "Tempat Lahir", "Tgl/Bln/Th"],
        [f"-{i}" for i in range(1, 20)],
    ]
    number = 0
    for family, members in FAMILIES.items():
        rt, rw = RT_RW[family]
        label = ["No. KK :", None, "Nama Kepala Keluarga :", None, None, None, "No. Blangko KK :"]
        label += [None, None, None, "Tgl Cetak KK :", "Alamat :"]
        head = [members[0].kk, None, members[0].name] + [None] * 8
        head.append(f"{ADDRESS[family]} RT/RW : {rt}/{rw} DUSUN : -")
        rows += [label, head]
        for p in members:
            number += 1
            rows.append(
                [
                    str(number),
                    p.name,
                    p.nik + "\xa0",
                    "SEMARANG",
                    stamp(p.born),
                    BIP_SEX[p.sex],
                    BIP_MARITAL[p.marital],
                    "-",
                    dukcapil_shdk(p).upper(),
                    "ISLAM",
                    BIP_EDUCATION[p.education],
                    None,
                    "WIRASWASTA",
                    "IBU " + p.name.split()[0],
                    "AYAH",
                    "WAJIB",
                    "KTP-eL",
                    "SDH DPT",
                    "CARD PRINTED",
                ]
            )
    return write_xls(folder / "format_bip_ektp.xls", {"Table 1": rows})


def bip_2016(folder: Path) -> Path:
    rows = [
        ["BUKU INDUK PENDUDUK WNI"],
        ["PROVINSI", ":", "\xa0JAWA TENGAH", "KABUPATEN/KOTA\xa0\xa0", ":", "\xa0KOTA SEMARANG"],
        ["KECAMATAN", ":", "\xa0SEMARANG TENGAH", "DESA/KELURAHAN", ":", "\xa0MIROTO"],
        ["PERIODE/TANGGAL", ":", "\xa016-04-2015"],
        [
            "No",
            "Nama Lengkap",
            "NIK",
            "Tempat dan Tanggal Lahir",
            None,
            "JK",
            "SHDK",
            "Agama",
            "Pendidikan",
            "Pekerjaan",
            "Nama Orang Tua Kandung",
            "Nama Orang Tua Kandung",
        ],
        [
            None,
            None,
            None,
            "Tempat Lahir",
            "Tgl/Bln/Th",
            None,
            None,
            None,
            "Terakhir",
            None,
            "Ibu",
            "Ayah",
        ],
        [f"-{i}" for i in range(1, 13)],
    ]
    number = 0
    for family, members in FAMILIES.items():
        rt, rw = RT_RW[family]
        address = f"Alamat : {ADDRESS[family]}, Nama Dusun : -, RT/RW : {rt}/{rw}"
        rows.append([f"No. KK : {members[0].kk} \xa0", None, address])
        for p in members:
            number += 1
            rows.append(
                [
                    str(number),
                    p.name,
                    p.nik + "\xa0",
                    "SEMARANG",
                    stamp(p.born),
                    BIP_SEX[p.sex],
                    dukcapil_shdk(p).upper(),
                    "ISLAM",
                    BIP_EDUCATION[p.education],
                    "BURUH",
                    "IBU " + p.name.split()[0],
                    "AYAH",
                ]
            )
    return write_xls(folder / "format_bip_2016.xls", {"BIP_Desa-Kel_1": rows})


# BPS questionnaires: PBDT 2015 (BDT, SIKS-NG) and Regsosek 2022 ---------------------------

#: The PBDT 2015 questionnaire's codes.
PBDT_RELATIONSHIP = {
    "kepala": "1",
    "pasangan": "2",
    "anak": "3",
    "menantu": "4",
    "cucu": "5",
    "orang_tua": "6",
    "pembantu": "7",
}
PBDT_SEX = {"L": "1", "P": "2"}
PBDT_MARITAL = {"belum_kawin": "1", "kawin": "2", "cerai_hidup": "3", "cerai_mati": "4"}
PBDT_CERTIFICATE = {
    "tidak_punya": "0",
    "sd": "1",
    "smp": "2",
    "sma": "3",
    "diploma": "4",
    "s1": "5",
}
PBDT_DISABILITY = {"tidak_ada": "0", "sensorik": "2"}  # 2: tuna netra
#: House of family A and B: lantai 6 (semen), dinding 1 (tembok) / 4 (anyaman bambu), atap
#: 4 (genteng tanah liat) / 6 (seng), air 6 (sumur terlindung) / 3 (leding meteran),
#: penerangan 1, daya 2 (900) / 6 (tanpa meteran), bahan bakar 3 (gas 3 kg) / 8 (kayu),
#: BAB 1 (sendiri) / 3 (umum).
PBDT_HOUSE = {
    "A": ("1", "36", "6", "1", "4", "6", "1", "2", "3", "1"),
    "B": ("2", "20", "9", "4", "6", "3", "1", "6", "8", "3"),
}
HOUSE_MEANING = {
    "A": {
        "house_tenure": "milik_sendiri",
        "floor_material": "semen_bata",
        "wall_material": "tembok",
        "roof_material": "genteng",
        "drinking_water": "sumur_terlindung",
        "lighting": "pln_meteran",
        "electricity_capacity": "900",
        "cooking_fuel": "elpiji_3kg",
        "toilet_facility": "sendiri",
    },
    "B": {
        "house_tenure": "kontrak_sewa",
        "floor_material": "tanah",
        "wall_material": "anyaman_bambu",
        "roof_material": "seng",
        "drinking_water": "ledeng",
        "lighting": "pln_meteran",
        "electricity_capacity": "tanpa_meteran",
        "cooking_fuel": "kayu_bakar",
        "toilet_facility": "umum",
    },
}
BDT_2015_HEADER = [
    "ruta_6",
    "ID rumah tangga",
    "Provinsi",
    "Kode Provinsi",
    "Kab/Kota",
    "Kode Kab/Kota",
    "Kecamatan",
    "Kode Kecamatan",
    "Desa/Kelurahan",
    "Kode Desa/Kelurahan",
    "Nama SLS",
    "Alamat",
    "Nama KRT",
    "Jumlah ART",
    "Jumlah Keluarga",
    "Status bangunan",
    "Luas lantai",
    "Lantai terluas",
    "Dinding terluas",
    "Atap Terluas",
    "Sumber air minum",
    "Sumber penerangan utama",
    "Daya terpasang",
    "Bahan bakar memasak",
    "Fasilitas BAB",
    "Kepemilikan tabung gas 5,5kg",
    "Nomor urut ART",
    "Nama ART",
    "NIK",
    "HubKRT",
    "Nomor urut keluarga",
    "Hubungan dengan kepala keluarga",
    "jenis kelamin",
    "Umur anggota rumah tangga (tahun)",
    "Status perkawinan",
    "Status kehamilan",
    "Jenis cacat",
    "Penyakit kronis",
    "Partisipasi sekolah",
    "Ijazah tertinggi",
]


def bdt_2015(folder: Path) -> Path:
    header = [f"{title} ({i})" for i, title in enumerate(BDT_2015_HEADER, start=1)]
    rows = [header, ["KOLOM", *[str(i) for i in range(2, len(header) + 1)]]]
    for family, members in FAMILIES.items():
        for order, p in enumerate(members, start=1):
            rows.append(
                [
                    "3GDKWU",
                    f"33740100{family}",
                    "JAWA TENGAH",
                    "33",
                    "KOTA SEMARANG",
                    "74",
                    "SEMARANG TENGAH",
                    "010",
                    p.village[1],
                    "007",
                    "RT 01",
                    ADDRESS[family],
                    members[0].name,
                    str(len(members)),
                    "1",
                    *PBDT_HOUSE[family],
                    "2",
                    str(order),
                    p.name,
                    p.nik,
                    PBDT_RELATIONSHIP[p.relationship],
                    "1",
                    PBDT_RELATIONSHIP[p.relationship],
                    PBDT_SEX[p.sex],
                    "40",
                    PBDT_MARITAL[p.marital],
                    PREGNANT[p.pregnancy],
                    PBDT_DISABILITY[p.disability],
                    "0",
                    "2",
                    PBDT_CERTIFICATE[p.education],
                ]
            )
    return write_xlsx(folder / "contoh-data-bdt2015.xlsx", {"Sheet1": rows})


SIKS_NG_HEADER = [
    "IDARTBDT",
    "IDBDT",
    "KDPROP",
    "KDKAB",
    "KDKEC",
    "KDDESA",
    "NMPROP",
    "NMKAB",
    "NMKEC",
    "NMKEL",
    "Alamat",
    "Nama",
    "JnsKel",
    "TmpLahir",
    "TglLahir",
    "HubKRT",
    "NIK",
    "NoKK",
    "Hub_KRT",
    "NUK",
    "Hubkel",
    "Umur",
    "Sta_kawin",
    "Sta_hamil",
    "Jenis_cacat",
    "Penyakit_kronis",
    "Partisipasi_sekolah",
    "Ijazah_tertinggi",
    "namagadis_ibukandung",
]


def siks_ng_art(folder: Path) -> Path:
    rows = [SIKS_NG_HEADER]
    for family, members in FAMILIES.items():
        for order, p in enumerate(members, start=1):
            code = PBDT_RELATIONSHIP[p.relationship]
            rows.append(
                [
                    f"ART{p.nik[-4:]}",
                    f"RUTA{family}",
                    "33",
                    "74",
                    "010",
                    p.village[0][-3:],
                    "JAWA TENGAH",
                    "KOTA SEMARANG",
                    "SEMARANG TENGAH",
                    p.village[1],
                    ADDRESS[family],
                    p.name,
                    PBDT_SEX[p.sex],
                    "SEMARANG",
                    p.born.strftime("%d/%m/%Y"),
                    dukcapil_shdk(p),
                    p.nik,
                    p.kk,
                    code,
                    str(order),
                    code,
                    "40",
                    PBDT_MARITAL[p.marital],
                    PREGNANT[p.pregnancy],
                    PBDT_DISABILITY[p.disability],
                    "0",
                    "2",
                    PBDT_CERTIFICATE[p.education],
                    "IBU " + p.name.split()[0],
                ]
            )
    return write_csv(folder / "DTKS_ART_3374.csv", rows, ";")


#: Regsosek 2022 form K, as OpenSID's Regsosek2022kEnum lists it.
REGSOSEK_RELATIONSHIP = PBDT_RELATIONSHIP  # 409: the same list, 7 pembantu/sopir
REGSOSEK_CERTIFICATE = {
    "tidak_punya": "23",
    "sd": "3",
    "smp": "8",
    "sma": "13",
    "diploma": "18",
    "s1": "19",
}
REGSOSEK_MEMBER_COLUMNS = [
    "no kartu keluarga",
    "401",
    "402 Nama",
    "403 NIK",
    "404",
    "405",
    "406",
    "407",
    "408",
    "409",
    "410",
    "411",
    "412",
    "413",
    "414",
    "415",
]


def regsosek_2022k(folder: Path) -> Path:
    header = [*REGSOSEK_MEMBER_COLUMNS, "401", "402 Nama", "403 NIK", "430", "431a"]
    rows = [
        [None, "IV. KETERANGAN SOSIAL EKONOMI ANGGOTA KELUARGA"],
        [None, "A. KETERANGAN DEMOGRAFI", *[None] * 10, "B. Pendidikan"],
        header,
    ]
    for members in FAMILIES.values():
        for order, p in enumerate(members, start=1):
            serial = (p.born - EXCEL_EPOCH).days
            rows.append(
                [
                    p.kk if order == 1 else None,
                    order,
                    p.name,
                    p.nik,
                    "1",
                    PBDT_SEX[p.sex],
                    serial,
                    2022 - p.born.year,
                    PBDT_MARITAL[p.marital],
                    REGSOSEK_RELATIONSHIP[p.relationship],
                    PREGNANT[p.pregnancy],
                    "5",
                    "3",
                    None,
                    "8",
                    REGSOSEK_CERTIFICATE[p.education],
                    order,
                    p.name,
                    p.nik,
                    "1",
                    "1",
                ]
            )
    place = [["I. KETERANGAN TEMPAT"], ["no urut bangunan tempat tinggal", "no kartu keluarga"]]
    return write_xlsx(
        folder / "format_impor_dtks_regsosek2022k.xlsx",
        {"1.keterangan tempat": place, "4.ket sos-ek anggota": rows},
    )


# P3KE ------------------------------------------------------------------------------------

P3KE_EDUCATION = {
    "tidak_punya": "Siswa SD/sederajat",
    "sd": "Tamat SD/sederajat",
    "smp": "Tamat SMP/sederajat",
    "sma": "Tamat SMA/sederajat",
    "diploma": "Tamat Perguruan Tinggi",
    "s1": "Tamat Perguruan Tinggi",
}
P3KE_INDIVIDUAL_HEADER = [
    "ID Keluarga P3KE",
    "Provinsi",
    "Kabupaten/Kota",
    "Kecamatan",
    "Desa/Kelurahan",
    "Kode Kemdagri",
    "Desil Kesejahteraan",
    "Alamat",
    "ID Individu",
    "Nama",
    "NIK",
    "Padan Dukcapil",
    "Jenis Kelamin",
    "Hubungan dengan Kepala Keluarga",
    "Tanggal Lahir",
    "Status Kawin",
    "Pekerjaan",
    "Pendidikan",
    "Penerima BPNT",
    "Penerima PKH",
    "Penerima SEMBAKO",
    "Resiko Stunting",
]
P3KE_FAMILY_HEADER = [
    "ID Keluarga P3KE",
    "Kode Kemdagri",
    "Desil Kesejahteraan",
    "Alamat",
    "Kepala Keluarga",
    "NIK Kepala Keluarga",
    "Jenis Kelamin",
    "Kepemilikan Rumah",
    "Jenis Atap",
    "Jenis Dinding",
    "Jenis Lantai",
    "Sumber Penerangan",
    "Bahan Bakar Memasak",
    "Sumber Air Minum",
    "Penerima PKH",
]
#: Each family's house as P3KE writes it, and what it means.
P3KE_HOUSE = {
    "A": (
        "Milik Sendiri",
        "Genteng Tanah Liat",
        "Tembok",
        "Semen/Bata Merah",
        "Listrik PLN",
        "Gas 3 Kg",
        "Air Isi Ulang",
    ),
    "B": ("Sewa", "Seng", "Anyaman Bambu", "Tanah", "Listrik PLN", "Kayu Bakar", "Leding"),
}
P3KE_HOUSE_MEANING = {
    family: dict(
        zip(
            (
                "house_tenure",
                "roof_material",
                "wall_material",
                "floor_material",
                "lighting",
                "cooking_fuel",
                "drinking_water",
            ),
            values,
            strict=True,
        )
    )
    for family, values in {
        "A": (
            "milik_sendiri",
            "genteng",
            "tembok",
            "semen_bata",
            "pln_meteran",
            "elpiji_3kg",
            "kemasan",
        ),
        "B": (
            "kontrak_sewa",
            "seng",
            "anyaman_bambu",
            "tanah",
            "pln_meteran",
            "kayu_bakar",
            "ledeng",
        ),
    }.items()
}


def p3ke_individual(folder: Path) -> Path:
    rows = [["DATA P3KE INDIVIDU"], [], P3KE_INDIVIDUAL_HEADER]
    for family, members in FAMILIES.items():
        for p in members:
            rows.append(
                [
                    f"P3KE-{family}",
                    "JAWA TENGAH",
                    "KOTA SEMARANG",
                    "SEMARANG TENGAH",
                    p.village[1],
                    p.village[0],
                    "1",
                    ADDRESS[family],
                    f"IND-{p.nik[-4:]}",
                    p.name,
                    p.nik,
                    "Padan",
                    DUKCAPIL_SEX[p.sex],
                    dukcapil_shdk(p),
                    p.born.strftime("%d/%m/%Y"),
                    DUKCAPIL_MARITAL[p.marital],
                    "Kosong",
                    P3KE_EDUCATION[p.education],
                    "Tidak",
                    "Ya" if family == "A" else "Tidak",
                    "Ya",
                    "Tidak",
                ]
            )
    return write_xlsx(folder / "p3ke_individu.xlsx", {"Individu": rows})


def p3ke_family(folder: Path) -> Path:
    rows = [P3KE_FAMILY_HEADER]
    for family, members in FAMILIES.items():
        head = members[0]
        rows.append(
            [
                f"P3KE-{family}",
                head.village[0],
                "1",
                ADDRESS[family],
                head.name,
                head.nik,
                DUKCAPIL_SEX[head.sex],
                *P3KE_HOUSE[family],
                "Ya" if family == "A" else "Tidak",
            ]
        )
    return write_xlsx(folder / "p3ke_keluarga.xlsx", {"Keluarga": rows})


# Program lists ---------------------------------------------------------------------------


def opensid_program(folder: Path) -> Path:
    program = [["ID Program", "7"], ["Nama Program", "Bantuan Sosial Tunai"], ["###"]]
    rows = [["Peserta", "No. Peserta", "NIK", "Nama", "Tempat Lahir", "Tanggal Lahir", "Alamat"]]
    for number, p in enumerate(FAMILIES["A"], start=1):
        rows.append(
            [p.nik, str(number), p.nik, p.name, "SEMARANG", p.born.isoformat(), ADDRESS["A"]]
        )
    rows += [
        ["###"],
        ["Catatan:"],
        [
            "1. Sesuaikan kolom peserta (A) berdasarkan sasaran : - penduduk = nik, - keluarga = no. kk"
        ],
        ["2. Kolom Peserta (A) dan kolom NIK (C) wajib di isi"],
    ]
    return write_xlsx(
        folder / "format_impor_program_bantuan.xlsx", {"Program": program, "Peserta": rows}
    )


def blt_dd_bnba(folder: Path) -> Path:
    rows = [
        ["DAFTAR NAMA DAN ALAMAT PENERIMA BLT DANA DESA"],
        ["DESA/KELURAHAN : MIROTO", None, None, "TAHUN ANGGARAN 2025"],
        [],
        [
            "No",
            "Nama KPM",
            "NIK",
            "No KK",
            "Alamat",
            "Dusun",
            "RT",
            "RW",
            "Jenis Kelamin",
            "Pekerjaan",
            "Kriteria",
            "Keterangan",
        ],
        [str(i) for i in range(1, 13)],
    ]
    for number, p in enumerate([FAMILIES["A"][0], FAMILIES["B"][0]], start=1):
        rt, rw = RT_RW[p.family]
        rows.append(
            [
                str(number),
                p.name,
                p.nik,
                p.kk,
                ADDRESS[p.family],
                "DUSUN I",
                rt,
                rw,
                p.sex,
                "BURUH",
                "Kemiskinan ekstrem",
                None,
            ]
        )
    return write_xlsx(folder / "BNBA_BLT_DD_2025.xlsx", {"BNBA": rows})


# The DTSEN desil list ----------------------------------------------------------------------

#: The columns of the desil list as Padu's exchange file writes them (padu/api/exchange.py).
DTSEN_HEADER = ["NO_KK", "NIK_KEPALA", "NAMA_KEPALA", "KODE_WILAYAH", "DESA_KELURAHAN",
                "ALAMAT", "RT", "RW", "JUMLAH_ART", "DESIL", "STATUS"]  # fmt: skip
DTSEN_DESIL = {"A": 2, "B": 7}


def dtsen_desil(folder: Path) -> Path:
    rows = [DTSEN_HEADER]
    for family, members in FAMILIES.items():
        head, code = members[0], members[0].village[0]
        rows.append([
            head.kk, head.nik, head.name, f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}",
            head.village[1], ADDRESS[family], *RT_RW[family], len(members),
            DTSEN_DESIL[family], "miskin" if DTSEN_DESIL[family] <= 2 else "tidak_miskin",
        ])  # fmt: skip
    return write_csv(folder / "dtsen-desil-33.74.csv", rows)
