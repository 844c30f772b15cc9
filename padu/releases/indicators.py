"""What a release counts, and what its key indicators mean.

``MEASURES`` are additive counts and sums, one column each of the ``aggregates`` table, so
that any area is the sum of its parts and every level is one GROUP BY. ``INDICATORS`` are
the figures people read, each a measure or a ratio of two, with the metadata BPS publishes
beside an indicator (konsep dan definisi, rumus, satuan, sumber, level penyajian).
"""

from dataclasses import dataclass

from padu.organisations.choices import Sector
from padu.registry import choices as c

from .snapshot import FLAG_PROGRAMS

POOR = "status IN ('ekstrem', 'miskin')"
EXTREME = "status = 'ekstrem'"
WORKING = ", ".join(
    f"'{s}'"
    for s in (
        c.WorkStatus.SELF_EMPLOYED,
        c.WorkStatus.EMPLOYER,
        c.WorkStatus.EMPLOYEE,
        c.WorkStatus.CASUAL,
        c.WorkStatus.FAMILY_WORKER,
    )
)
ANY_PROGRAM = " OR ".join(f"coalesce({field}, false)" for field in FLAG_PROGRAMS)
NEED_DIMENSIONS = [s for s in Sector if s != Sector.SOCIAL_ASSISTANCE]
NON_FOOD = [s for s in NEED_DIMENSIONS if s != Sector.FOOD]


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    #: "family" (over active families) or "person" (over active persons).
    unit: str
    #: SQL summed over the rows: a condition counts them, a number adds up.
    sql: str


def _family(name: str, label: str, condition: str) -> Measure:
    return Measure(name, label, "family", f"CAST(({condition}) AS INTEGER)")


def _person(name: str, label: str, condition: str) -> Measure:
    return Measure(name, label, "person", f"CAST(({condition}) AS INTEGER)")


AGE_GROUPS = [
    ("0_5", "0–5 tahun", "age BETWEEN 0 AND 5"),
    ("6_12", "6–12 tahun", "age BETWEEN 6 AND 12"),
    ("13_15", "13–15 tahun", "age BETWEEN 13 AND 15"),
    ("16_18", "16–18 tahun", "age BETWEEN 16 AND 18"),
    ("19_59", "19–59 tahun", "age BETWEEN 19 AND 59"),
    ("60_plus", "60 tahun ke atas", "age >= 60"),
    ("unknown", "umur tidak diketahui", "age IS NULL"),
]
HEAD_EDUCATION = [
    ("none", "tidak punya ijazah", "coalesce(head_education, '') IN ('', 'tidak_punya')"),
    ("sd", "SD/sederajat", "head_education = 'sd'"),
    ("smp", "SMP/sederajat", "head_education = 'smp'"),
    ("sma_plus", "SMA ke atas", "head_education IN ('sma', 'diploma', 's1', 's2_s3')"),
]

MEASURES: list[Measure] = [
    _family("families", "keluarga", "true"),
    _family("families_assessed", "keluarga dinilai", "status IS NOT NULL"),
    _family("families_poor", "keluarga miskin (termasuk ekstrem)", POOR),
    _family("families_extreme", "keluarga miskin ekstrem", EXTREME),
    _family("families_vulnerable", "keluarga rentan miskin", "status = 'rentan'"),
    _family("families_poor_female_head", "keluarga miskin berkepala perempuan", f"{POOR} AND head_female"),
    _family("families_poor_elderly_alone", "keluarga miskin: lansia tinggal sendiri", f"{POOR} AND elderly_alone"),
    *[
        _family(f"families_poor_head_edu_{key}", f"keluarga miskin, kepala {label}", f"{POOR} AND {sql}")
        for key, label, sql in HEAD_EDUCATION
    ],
    _family(
        "families_poor_head_not_working",
        "keluarga miskin, kepala tidak bekerja",
        f"{POOR} AND coalesce(head_work_status, '') NOT IN ({WORKING})",
    ),
    *[
        _family(f"families_poor_need_{d.value}", f"keluarga miskin berkebutuhan {d.label.lower()}", f"{POOR} AND need_{d.value}")
        for d in NEED_DIMENSIONS
    ],
    _family("families_poor_need_nonfood", "keluarga miskin berkebutuhan non-pangan", f"{POOR} AND need_nonfood"),
    _family("families_any_program", "keluarga penerima program", ANY_PROGRAM),
    _family("families_poor_any_program", "keluarga miskin penerima program", f"{POOR} AND ({ANY_PROGRAM})"),
    _family("families_extreme_no_program", "keluarga miskin ekstrem tanpa program", f"{EXTREME} AND NOT ({ANY_PROGRAM})"),
    *[
        _family(f"families_program_{code.lower().replace('-', '_')}", f"keluarga penerima {label}", f"coalesce({field}, false)")
        for field, (code, label) in FLAG_PROGRAMS.items()
    ],
    _family("families_verified", "keluarga sudah diverivali", "coalesce(verification_status, '') <> ''"),
    _family("families_poor_verified", "keluarga miskin sudah diverivali", f"{POOR} AND coalesce(verification_status, '') <> ''"),
    # Foster–Greer–Thorbecke, over persons: every member of a family shares its per-capita
    # expenditure y; z is its village's poverty line.
    Measure("persons_measured", "jiwa dengan pengeluaran (diamati/diprediksi)", "family", "CASE WHEN expenditure IS NOT NULL AND poverty_line > 0 THEN members ELSE 0 END"),
    Measure("persons_observed", "jiwa dengan pengeluaran hasil pencacahan", "family", "CASE WHEN expenditure_observed AND poverty_line > 0 THEN members ELSE 0 END"),
    Measure("persons_below_line", "jiwa di bawah garis kemiskinan", "family", "CASE WHEN expenditure < poverty_line THEN members ELSE 0 END"),
    Measure("persons_below_extreme_line", "jiwa di bawah garis kemiskinan ekstrem", "family", "CASE WHEN expenditure < extreme_line THEN members ELSE 0 END"),
    Measure("poverty_gap_sum", "jumlah kedalaman (z−y)/z", "family", "CASE WHEN expenditure < poverty_line THEN members * (poverty_line - expenditure) / poverty_line ELSE 0 END"),
    Measure("poverty_gap_squared_sum", "jumlah keparahan ((z−y)/z)²", "family", "CASE WHEN expenditure < poverty_line THEN members * power((poverty_line - expenditure) / poverty_line, 2) ELSE 0 END"),
    # The vulnerable/slum index (kawasan rentan/kumuh): houses with three or more of the six
    # housing deprivations (floor area per person, floor, walls, roof, toilet, water).
    _family("families_housing_assessed", "keluarga dengan data rumah", "housing_deprivations IS NOT NULL"),
    _family("families_housing_deprived", "keluarga dengan rumah tidak layak (3+ kekurangan)", "housing_deprivations >= 3"),
    Measure("housing_deprivations_sum", "jumlah kekurangan rumah", "family", "coalesce(housing_deprivations, 0)"),
    # Where an area's households are (their mean position), for a map without outlines.
    _family("families_located", "keluarga dengan koordinat", "latitude IS NOT NULL AND longitude IS NOT NULL"),
    Measure("latitude_sum", "jumlah lintang", "family", "CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL THEN latitude ELSE 0 END"),
    Measure("longitude_sum", "jumlah bujur", "family", "CASE WHEN latitude IS NOT NULL AND longitude IS NOT NULL THEN longitude ELSE 0 END"),
    _person("persons", "jiwa", "true"),
    _person("persons_poor", "jiwa miskin (termasuk ekstrem)", POOR),
    _person("persons_extreme", "jiwa miskin ekstrem", EXTREME),
    *[_person(f"persons_poor_age_{key}", f"jiwa miskin {label}", f"{POOR} AND {sql}") for key, label, sql in AGE_GROUPS],
    _person("persons_poor_male", "jiwa miskin laki-laki", f"{POOR} AND sex = 'L'"),
    _person("persons_poor_female", "jiwa miskin perempuan", f"{POOR} AND sex = 'P'"),
    _person(
        "persons_poor_disabled",
        "jiwa miskin penyandang disabilitas",
        f"{POOR} AND coalesce(disability, '') NOT IN ('', 'tidak_ada')",
    ),
    _person(
        "persons_poor_out_of_school",
        "anak miskin 7–18 tahun tidak bersekolah",
        f"{POOR} AND age BETWEEN 7 AND 18 AND school_participation IN ('tidak_pernah', 'tidak_lagi')",
    ),
    _person("persons_poor_elderly", "lansia miskin (60+)", f"{POOR} AND age >= 60"),
]  # fmt: skip
MEASURES_BY_NAME = {m.name: m for m in MEASURES}


def whole_number(value: float | None) -> str:
    """A count as Indonesians write it (12.345), or "–" when there is none."""
    return "–" if value is None else f"{value:,.0f}".replace(",", ".")


@dataclass(frozen=True)
class Indicator:
    """A figure as BPS describes one: what it is, how it is computed, in what unit."""

    code: str
    label: str
    definition: str
    formula: str
    unit: str
    numerator: str
    denominator: str | None = None
    scale: float = 1.0
    method: str = ""
    disaggregation: str = "provinsi, kabupaten/kota, kecamatan, desa/kelurahan, RW, RT"
    source: str = "Padu: registri terpadu (DTKS, P3KE, Regsosek, verivali), rilis yang terbit"

    def shown(self, value: float | None) -> str:
        """The value as a reader sees it: counts whole, shares and indices to two places
        (Indonesian decimal comma)."""
        if value is None or self.denominator is None:
            return whole_number(value)
        return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")

    def value(self, row: dict) -> float | None:
        top = row.get(self.numerator)
        if self.denominator is None:
            return top
        bottom = row.get(self.denominator)
        if top is None or not bottom:
            return None
        return self.scale * top / bottom


FGT_METHOD = (
    "Pengeluaran per kapita keluarga: hasil pencacahan (sampel) bila ada, selain itu "
    "prediksi model PMT rilis ini; garis kemiskinan tahun rilis menurut wilayah desa."
)

INDICATORS: list[Indicator] = [
    Indicator(
        "keluarga_miskin",
        "Keluarga miskin",
        "Keluarga aktif berstatus miskin atau miskin ekstrem menurut penilaian kesejahteraan rilis.",
        "jumlah keluarga dengan status miskin atau ekstrem",
        "keluarga",
        "families_poor",
    ),
    Indicator(
        "keluarga_miskin_ekstrem",
        "Keluarga miskin ekstrem",
        "Keluarga aktif dengan pengeluaran per kapita di bawah garis kemiskinan ekstrem.",
        "jumlah keluarga dengan status ekstrem",
        "keluarga",
        "families_extreme",
    ),
    Indicator(
        "jiwa_miskin",
        "Penduduk miskin",
        "Anggota aktif keluarga berstatus miskin atau miskin ekstrem.",
        "jumlah jiwa dalam keluarga miskin atau ekstrem",
        "jiwa",
        "persons_poor",
    ),
    Indicator(
        "jiwa_miskin_ekstrem",
        "Penduduk miskin ekstrem",
        "Anggota aktif keluarga berstatus miskin ekstrem.",
        "jumlah jiwa dalam keluarga ekstrem",
        "jiwa",
        "persons_extreme",
    ),
    Indicator(
        "persentase_keluarga_miskin",
        "Persentase keluarga miskin",
        "Bagian keluarga aktif yang dinilai miskin atau miskin ekstrem.",
        "keluarga miskin / keluarga dinilai × 100",
        "persen",
        "families_poor",
        "families_assessed",
        100,
    ),
    Indicator(
        "p0",
        "Persentase penduduk miskin (P0)",
        "Indeks headcount Foster–Greer–Thorbecke: bagian penduduk yang pengeluaran per "
        "kapitanya di bawah garis kemiskinan.",
        "P0 = (1/n) Σ I(yᵢ < z) × 100",
        "persen",
        "persons_below_line",
        "persons_measured",
        100,
        FGT_METHOD,
    ),
    Indicator(
        "p1",
        "Indeks kedalaman kemiskinan (P1)",
        "Rata-rata jarak pengeluaran penduduk miskin dari garis kemiskinan, relatif terhadap "
        "garis (nol bagi yang tidak miskin).",
        "P1 = (1/n) Σ ((z − yᵢ)/z) · I(yᵢ < z) × 100",
        "indeks",
        "poverty_gap_sum",
        "persons_measured",
        100,
        FGT_METHOD,
    ),
    Indicator(
        "p2",
        "Indeks keparahan kemiskinan (P2)",
        "Rata-rata kuadrat jarak relatif dari garis kemiskinan: memberi bobot lebih pada "
        "yang termiskin.",
        "P2 = (1/n) Σ ((z − yᵢ)/z)² · I(yᵢ < z) × 100",
        "indeks",
        "poverty_gap_squared_sum",
        "persons_measured",
        100,
        FGT_METHOD,
    ),
    Indicator(
        "persentase_miskin_ekstrem",
        "Persentase penduduk miskin ekstrem",
        "Bagian penduduk yang pengeluaran per kapitanya di bawah garis kemiskinan ekstrem.",
        "jiwa di bawah garis ekstrem / jiwa terukur × 100",
        "persen",
        "persons_below_extreme_line",
        "persons_measured",
        100,
        FGT_METHOD,
    ),
    Indicator(
        "cakupan_program_miskin",
        "Cakupan program pada keluarga miskin",
        "Bagian keluarga miskin yang menerima sedikitnya satu program (PKH, BPNT, PBI-JK, "
        "PIP, BLT-DD, menurut tanda pada ekspor sumber).",
        "keluarga miskin penerima program / keluarga miskin × 100",
        "persen",
        "families_poor_any_program",
        "families_poor",
        100,
    ),
    Indicator(
        "ekstrem_tanpa_program",
        "Keluarga miskin ekstrem tanpa program",
        "Keluarga miskin ekstrem yang tidak menerima satu pun program yang tercatat.",
        "jumlah keluarga ekstrem tanpa tanda program",
        "keluarga",
        "families_extreme_no_program",
    ),
    Indicator(
        "indeks_kumuh",
        "Indeks kawasan rentan/kumuh",
        "Bagian keluarga yang rumahnya punya tiga atau lebih dari enam kekurangan: luas lantai "
        "kurang dari 8 m² per orang, lantai tanah/bambu/kayu murahan, dinding bambu/kayu "
        "murahan, atap jerami/ijuk/bambu, tanpa jamban sendiri, air minum tak terlindung.",
        "keluarga dengan 3+ kekurangan rumah / keluarga × 100",
        "persen",
        "families_housing_deprived",
        "families",
        100,
    ),
    Indicator(
        "cakupan_verivali",
        "Cakupan verivali",
        "Bagian keluarga yang sudah dikunjungi dan hasilnya disetujui.",
        "keluarga berstatus verivali / keluarga × 100",
        "persen",
        "families_verified",
        "families",
        100,
    ),
]
INDICATORS_BY_CODE = {i.code: i for i in INDICATORS}
