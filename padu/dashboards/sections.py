"""What the leader's dashboard shows of an area, section by section: each a chart, the
table beside it, and an Excel download. Every value is a measure of the release's
aggregates (``padu.releases.indicators``), so a section costs no query of its own."""

from dataclasses import dataclass

from padu.organisations.choices import Sector
from padu.releases.indicators import AGE_GROUPS, HEAD_EDUCATION, MEASURES_BY_NAME, NEED_DIMENSIONS
from padu.releases.snapshot import FLAG_PROGRAMS


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    unit: str
    #: (measure, label) in the order shown.
    rows: tuple[tuple[str, str], ...]
    note: str = ""

    def values(self, measures: dict) -> list[tuple[str, str, int | float | None]]:
        return [(name, label, measures.get(name)) for name, label in self.rows]


def _program_key(code: str) -> str:
    return f"families_program_{code.lower().replace('-', '_')}"


SECTIONS = [
    Section(
        "umur",
        "Penduduk miskin menurut umur",
        "jiwa",
        tuple((f"persons_poor_age_{key}", label) for key, label, _sql in AGE_GROUPS),
    ),
    Section(
        "kelompok",
        "Kelompok rentan di antara yang miskin",
        "jiwa / keluarga",
        (
            ("persons_poor_female", "perempuan miskin (jiwa)"),
            ("persons_poor_male", "laki-laki miskin (jiwa)"),
            ("persons_poor_disabled", "penyandang disabilitas (jiwa)"),
            ("persons_poor_elderly", "lansia 60+ (jiwa)"),
            ("persons_poor_out_of_school", "anak 7–18 tidak bersekolah (jiwa)"),
            ("families_poor_elderly_alone", "lansia tinggal sendiri (keluarga)"),
            ("families_poor_female_head", "berkepala keluarga perempuan (keluarga)"),
        ),
    ),
    Section(
        "kebutuhan",
        "Keluarga miskin menurut kebutuhan",
        "keluarga",
        (
            *((f"families_poor_need_{d.value}", str(d.label)) for d in NEED_DIMENSIONS),
            ("families_poor_need_nonfood", "non-pangan (salah satu)"),
        ),
        note="Pangan dan non-pangan dipisah seperti SIPMAS; satu keluarga dapat punya beberapa kebutuhan.",
    ),
    Section(
        "kepala",
        "Keluarga miskin menurut pendidikan dan pekerjaan kepala keluarga",
        "keluarga",
        (
            *(
                (f"families_poor_head_edu_{key}", f"kepala {label}")
                for key, label, _sql in HEAD_EDUCATION
            ),
            ("families_poor_head_not_working", "kepala tidak bekerja"),
        ),
    ),
    Section(
        "program",
        "Program",
        "keluarga",
        (
            ("families_poor_any_program", "keluarga miskin penerima program"),
            ("families_extreme_no_program", "keluarga miskin ekstrem tanpa program"),
            *((_program_key(code), f"penerima {label}") for code, label in FLAG_PROGRAMS.values()),
        ),
        note="Menurut tanda program pada ekspor sumber (DTKS, P3KE, Regsosek).",
    ),
    Section(
        "verivali",
        "Verivali",
        "keluarga",
        (
            ("families", "keluarga"),
            ("families_verified", "sudah diverivali"),
            ("families_poor", "keluarga miskin"),
            ("families_poor_verified", "keluarga miskin sudah diverivali"),
        ),
    ),
]
SECTIONS_BY_KEY = {s.key: s for s in SECTIONS}
assert all(name in MEASURES_BY_NAME for s in SECTIONS for name, _label in s.rows)
assert Sector.FOOD in NEED_DIMENSIONS

#: The headline: indicator codes of padu.releases.indicators, in order.
HEADLINE = [
    "keluarga_miskin",
    "keluarga_miskin_ekstrem",
    "jiwa_miskin",
    "jiwa_miskin_ekstrem",
    "p0",
    "p1",
    "p2",
    "cakupan_program_miskin",
    "ekstrem_tanpa_program",
    "cakupan_verivali",
]
