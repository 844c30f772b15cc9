"""Programs for the synthetic city, once it is imported, matched and classified: the national
programs from the source flags, two regional programs, and their agencies' beneficiary
lists with planted errors of known kinds (truth beside each list), written the way
agencies write them: Excel with a title row and NIKs stored as numbers, or ';'-separated
Windows text; NIKs mistyped as the sources mistype them, names in capitals, dates
day-first.

Planted errors, each one of a kind, in rows otherwise clean: a family the classification
does not qualify (tidak_layak), a family outside the target areas (luar_wilayah), a
recipient the registry knows to have died or a family that moved away (meninggal), a
person or family listed again further down (ganda), and a family already holding a
benefit the combination rules forbid with this one (kombinasi)."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from django.db import transaction

from padu.matching.golden import VALUE_FIELDS
from padu.matching.services import link_field_records, resurvive_families
from padu.organisations.models import Agency
from padu.programs import services as programs
from padu.programs.models import CombinationRule, Program
from padu.programs.targeting import models_in_force
from padu.regions.models import Region
from padu.registry.choices import FamilyLifecycle, Lifecycle
from padu.registry.models import Person
from padu.sources.services import FieldRecords, append_field_records
from padu.verification.services.approval import FIELD_HEADER
from padu.welfare.household import read_frame
from padu.welfare.models import FamilyNeed, FamilyWelfare, NeedRule

#: Each planted error: the check that must catch it, and the answer that does.
EXPECTED = {
    "tidak_layak": ("tepat_sasaran", "tidak"),
    "luar_wilayah": ("tepat_lokasi", "tidak"),
    "meninggal": ("hidup_menetap", "tidak"),
    "ganda": ("ganda_program", "ya"),
    "kombinasi": ("kombinasi_terlarang", "ya"),
}
#: Share of a list's rows planted with each error, and with a mistyped NIK.
ERROR_SHARE = 0.02
MISTYPED_SHARE = 0.05


@dataclass
class PlantedList:
    program: str
    cycle: str
    path: Path
    truth: pl.DataFrame  # row_number, error ("" for a clean row), person_id, nik_mistyped


@transaction.atomic
def record_departures(deaths: list[int], moves: list[int], *, actor=None) -> None:
    """What a field visit would report, through the same path (field records, then
    survivorship): the persons ``deaths`` died, the families ``moves`` moved away."""
    rows, links = [], []
    for person in Person.objects.filter(pk__in=deaths).select_related("family"):
        rows.append((f"S-P{person.pk}", {"id_penduduk": person.pk, "lifecycle": Lifecycle.DECEASED,
                                         "kk_number": person.family.kk_number,
                                         "relationship": person.relationship}))  # fmt: skip
        links.append((person, person.family))
    for person in Person.objects.filter(family_id__in=moves).select_related("family"):
        rows.append((f"S-P{person.pk}", {"id_penduduk": person.pk,
                                         "family_lifecycle": FamilyLifecycle.MOVED,
                                         "kk_number": person.family.kk_number,
                                         "relationship": person.relationship}))  # fmt: skip
        links.append((person, person.family))
    if not rows:
        return
    created = append_field_records(
        FieldRecords(
            batch_name="sintetis-kepergian",
            header=FIELD_HEADER,
            value_names=VALUE_FIELDS,
            rows=rows,
        ),
        actor=actor,
    )
    origin = "data sintetis: meninggal dan pindah"
    link_field_records(
        [(record, person, family) for record, (person, family) in zip(created, links, strict=True)],
        actor=actor,
        origin=origin,
    )
    resurvive_families(sorted({family.pk for _, family in links}), actor=actor, origin=origin)


def registry_people(on: dt.date) -> pl.DataFrame:
    """Every golden person with their family, classification in force and needs."""
    people = read_frame(
        "SELECT p.id AS person_id, p.family_id, p.nik, p.full_name, p.birth_date, p.sex, "
        "p.relationship, p.lifecycle, f.lifecycle AS family_lifecycle, f.village_id, "
        "f.kk_number, f.address, f.rt, f.rw, f.receives_pbi_jk "
        "FROM registry_person p JOIN registry_family f ON f.id = p.family_id "
        f"WHERE p.lifecycle NOT IN ('{Lifecycle.MERGED}', '{Lifecycle.UNSOURCED}') "
        "AND f.village_id IS NOT NULL"
    )
    models = ",".join(str(m.pk) for m in models_in_force(on).values()) or "NULL"
    desil = read_frame(
        f"SELECT family_id, desil FROM {FamilyWelfare._meta.db_table} WHERE model_id IN ({models})"
    )
    house = NeedRule.objects.filter(code="rumah-tidak-layak").values_list("pk", flat=True).first()
    housing = read_frame(
        f"SELECT family_id FROM {FamilyNeed._meta.db_table} "
        f"WHERE model_id IN ({models}) AND rule_id = {house or 0}"
    )
    housing_ids = (
        housing["family_id"].implode() if housing.height else pl.lit([], pl.List(pl.Int64))
    )
    return people.join(desil, on="family_id", how="left").with_columns(
        pl.col("receives_pbi_jk").cast(pl.Boolean),
        needs_house=pl.col("family_id").is_in(housing_ids),
        district=pl.col("village_id").str.slice(0, 8),
        birth_date=pl.col("birth_date").cast(pl.Date, strict=False)
        if people.schema["birth_date"] != pl.String
        else pl.col("birth_date").str.to_date(strict=False),
    )


def _mistype(nik: str, rng) -> str:
    """One digit changed or two neighbours swapped, past the region code, as typists do."""
    if not nik or len(nik) != 16:
        return nik
    digits = list(nik)
    at = int(rng.integers(6, 15))
    if rng.random() < 0.5:
        digits[at], digits[at + 1] = digits[at + 1], digits[at]
        if digits[at] == digits[at + 1]:
            digits[at] = str((int(digits[at]) + 1) % 10)
    else:
        digits[at] = str((int(digits[at]) + int(rng.integers(1, 9))) % 10)
    return "".join(digits)


def _nik_lost(nik: str, r: float) -> str:
    if not (nik and nik.isdigit()) or r >= 0.03:
        return nik
    return "" if r < 0.01 else f"{int(nik):.5E}"


def _name_variant(name: str, r: float) -> str:
    words = name.split()
    if r < 0.05 and len(words) > 2:
        return " ".join(words[:-1])
    if 0.05 <= r < 0.08:
        return f"H. {name}"
    return name


def _sample(pool: pl.DataFrame, n: int, rng, taken: set[int], key: str) -> pl.DataFrame:
    pool = pool.filter(~pl.col(key).is_in(list(taken)))
    if pool.height == 0 or n <= 0:
        return pool.head(0)
    chosen = pool[np.sort(rng.choice(pool.height, size=min(n, pool.height), replace=False))]
    taken.update(chosen[key].to_list())
    return chosen


def _plant(pools: dict[str, pl.DataFrame], rows: int, rng, key: str) -> pl.DataFrame:
    """The list's rows: planted errors and clean rows, shuffled, duplicates after their
    first appearance; each with its truth."""
    taken: set[int] = set()
    errors = int(rows * ERROR_SHARE)
    parts = []
    for kind in ("tidak_layak", "luar_wilayah", "meninggal", "kombinasi"):
        parts.append(_sample(pools[kind], errors, rng, taken, key).with_columns(error=pl.lit(kind)))
    clean = rows - sum(p.height for p in parts) - errors
    parts.append(_sample(pools["bersih"], clean, rng, taken, key).with_columns(error=pl.lit("")))
    listed = pl.concat(parts, how="vertical_relaxed")
    listed = listed[rng.permutation(listed.height)]
    clean_rows = listed.filter(pl.col("error") == "")
    again = clean_rows[
        np.sort(rng.choice(clean_rows.height, size=min(errors, clean_rows.height), replace=False))
    ]
    # A duplicate comes after its first row: appended at the end of a random later slice.
    listed = pl.concat([listed, again.with_columns(error=pl.lit("ganda"))], how="vertical_relaxed")
    order = np.arange(listed.height, dtype=float)
    first_at = {v: i for i, v in enumerate(listed[key].to_list()[: listed.height - again.height])}
    for j, value in enumerate(again[key].to_list()):
        position = first_at[value]
        order[listed.height - again.height + j] = rng.uniform(position + 0.5, listed.height)
    return listed[np.argsort(order, kind="stable")]


def _written(listed: pl.DataFrame, rng, *, date_style: str) -> tuple[pl.DataFrame, pl.Series]:
    """The rows as the agency wrote them, and which NIKs were mistyped."""
    n = listed.height
    mistyped = rng.random(n) < MISTYPED_SHARE
    niks = [
        _mistype(nik, rng) if bad else nik
        for nik, bad in zip(listed["nik"].to_list(), mistyped, strict=True)
    ]
    # Some NIKs lost (left out, or turned by a spreadsheet into 3.37401E+15); some names
    # without their last word, or with the title of a haji.
    niks = [_nik_lost(nik, r) for nik, r in zip(niks, rng.random(n), strict=True)]
    names = [
        _name_variant(name, r)
        for name, r in zip(
            listed["full_name"].str.to_uppercase().to_list(), rng.random(n), strict=True
        )
    ]
    iso = rng.random(n) < (0.2 if date_style == "mixed" else 0.0)
    dates = [
        ("" if d is None else (d.isoformat() if use_iso else d.strftime("%d/%m/%Y")))
        for d, use_iso in zip(listed["birth_date"].to_list(), iso, strict=True)
    ]
    frame = pl.DataFrame(
        {
            "NO": pl.Series(range(1, n + 1), dtype=pl.Int64),
            "NIK": niks,
            "NO KK": listed["kk_number"],
            "NAMA": names,
            "TANGGAL LAHIR": dates,
            "ALAMAT": listed["address"],
            "RT": listed["rt"],
            "RW": listed["rw"],
            "KODE DESA": listed["village_id"],
        }
    )
    truth_mistyped = pl.Series(
        "nik_mistyped",
        [
            bool(b) and w != o
            for b, w, o in zip(mistyped, niks, listed["nik"].to_list(), strict=True)
        ],
    )
    return frame, truth_mistyped


def _write_xlsx(frame: pl.DataFrame, path: Path, title: str) -> None:
    """Excel as agencies keep it: a title row, and NIKs typed in as numbers."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Penerima")
    sheet.write_string(0, 0, title)
    sheet.write_row(2, 0, frame.columns)
    nik_col = frame.columns.index("NIK")
    for i, row in enumerate(frame.iter_rows()):
        for j, value in enumerate(row):
            if value is None or value == "":
                continue
            if j == nik_col and str(value).isdigit() and i % 3 == 0:
                sheet.write_number(3 + i, j, int(value))
            elif isinstance(value, int):
                sheet.write_number(3 + i, j, value)
            else:
                sheet.write_string(3 + i, j, str(value))
    workbook.close()


def _truth(listed: pl.DataFrame, mistyped: pl.Series, first_row: int) -> pl.DataFrame:
    """Each row's truth, by the row number a person sees in the file (``first_row``: the
    first data row's)."""
    return pl.DataFrame(
        {
            "row_number": pl.Series(range(first_row, first_row + listed.height), dtype=pl.Int64),
            "error": listed["error"],
            "person_id": listed["person_id"],
            "family_id": listed["family_id"],
            "nik_mistyped": mistyped,
        }
    )


def setup_programs(
    region: str, year: int, *, repaired_earlier: int = 100, actor=None
) -> dict[str, Program]:
    """The national programs and their flagged recipients, the combination rules, and the
    two regional programs (with the earlier housing cycle their rules look back on)."""
    for program in programs.ensure_national_programs(year=year, actor=actor):
        if not program.cycles.exists():
            programs.cycle_from_source_flags(program, actor=actor)
    programs.ensure_standard_combinations(year=year, actor=actor)
    districts = sorted(
        read_frame(
            "SELECT DISTINCT substr(village_id, 1, 8) AS d FROM registry_family "
            f"WHERE village_id LIKE '{region}.%'"
        )["d"].to_list()
    )
    dinkes, perkim = Agency.objects.get(code="dinkes"), Agency.objects.get(code="perkim")
    government = Region.objects.get(code=region)
    made = {}
    made["pbi"] = Program.objects.filter(code=f"pbi-apbd-{year}").first() or programs.create_program(
        actor=actor, agency=dinkes, region=government, code=f"pbi-apbd-{year}",
        name="Jaminan kesehatan daerah (PBI APBD)", sector="kesehatan", year=year,
        funding_level="apbd_kab", unit="orang", benefit_kind="layanan", benefit_amount=42_000,
        criteria=[{"field": "desil", "op": "le", "value": 5}],
        target_areas=districts[:-2] if len(districts) > 2 else districts, status="aktif",
    )  # fmt: skip
    national_pbi = Program.objects.filter(code=f"pbi-jk-{year}").first()
    if national_pbi and not CombinationRule.objects.filter(program=made["pbi"]).exists():
        programs.add_combination_rule(
            actor=actor, program=made["pbi"], other_program=national_pbi, within_years=1,
            note="Iuran seseorang dibayar sekali: PBI APBD bukan untuk penerima PBI JK APBN",
        )  # fmt: skip
    housing = [{"field": "desil", "op": "le", "value": 4},
               {"field": "needs", "op": "has", "value": ["rumah-tidak-layak"]}]  # fmt: skip
    half = districts[: max(1, len(districts) // 2)]
    made["rtlh"] = Program.objects.filter(code=f"rtlh-{year}").first() or programs.create_program(
        actor=actor, agency=perkim, region=government, code=f"rtlh-{year}", name="Rehabilitasi rumah tidak layak huni",
        sector="rumah", year=year, funding_level="apbd_kab", benefit_kind="rehab_rumah",
        benefit_amount=20_000_000, criteria=housing, target_areas=half, status="aktif",
    )  # fmt: skip
    earlier = year - 2
    made["rtlh_earlier"] = Program.objects.filter(code=f"rtlh-{earlier}").first()
    if made["rtlh_earlier"] is None:
        made["rtlh_earlier"] = programs.create_program(
            actor=actor, agency=perkim, region=government, code=f"rtlh-{earlier}", name="Rehabilitasi RTLH",
            sector="rumah", year=earlier, funding_level="apbd_prov", benefit_kind="rehab_rumah",
            benefit_amount=17_500_000, criteria=housing, target_areas=half, status="selesai",
            target_count=repaired_earlier,
        )  # fmt: skip
        cycle = programs.propose_cycle(made["rtlh_earlier"], cycle_name=f"{earlier}", actor=actor)
        programs.approve_cycle(cycle, actor=actor)
    return made


def write_program_lists(
    out_dir: Path, *, region: str, year: int, rows: int, seed: int = 1, actor=None
) -> list[PlantedList]:
    """The regional programs' lists with planted errors: the health list of ``rows``
    persons (Excel), the housing list of up to a fiftieth of that (CSV)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    made = setup_programs(region, year, repaired_earlier=max(20, rows // 100), actor=actor)
    on = dt.date(year, 1, 1)
    people = registry_people(on)
    alive = (pl.col("lifecycle") == Lifecycle.ACTIVE) & (
        pl.col("family_lifecycle") == FamilyLifecycle.ACTIVE
    )
    # Departures: recorded the way a field visit records them, for the lists to name.
    poor = people.filter(alive & (pl.col("desil") <= 5))
    gone = int(rows * ERROR_SHARE * 3) + 20
    deaths = poor.filter(pl.col("relationship") == "kepala").sample(gone, seed=seed)
    moves = poor.filter(~pl.col("family_id").is_in(deaths["family_id"].implode()))
    moves = moves["family_id"].unique().sort().sample(gone // 3, seed=seed + 1)
    record_departures(deaths["person_id"].to_list(), moves.to_list(), actor=actor)
    people = registry_people(on)
    departed = ~alive & pl.col("lifecycle").is_in([Lifecycle.ACTIVE, Lifecycle.DECEASED])
    lists = []

    # The health list: persons.
    program = made["pbi"]
    inside = pl.col("district").is_in(program.target_areas)
    pbi = pl.col("receives_pbi_jk").fill_null(False)
    eligible = pl.col("desil") <= 5
    pools = {
        "bersih": people.filter(alive & eligible & inside & ~pbi),
        "tidak_layak": people.filter(alive & (pl.col("desil") >= 6) & inside & ~pbi),
        "luar_wilayah": people.filter(alive & eligible & ~inside & ~pbi),
        "meninggal": people.filter(departed & eligible & inside & ~pbi),
        "kombinasi": people.filter(alive & eligible & inside & pbi),
    }
    listed = _plant(pools, rows, rng, "person_id")
    frame, mistyped = _written(listed, rng, date_style="day_first")
    frame = frame.with_columns(NOMINAL=pl.lit(42_000), PERIODE=pl.lit(f"Januari {year}"))
    path = out_dir / f"{program.code}.xlsx"
    _write_xlsx(frame, path, f"DAFTAR PESERTA {program.name.upper()} TAHUN {year}")
    # Title on row 1, header on row 3: the first person is on row 4.
    lists.append(PlantedList(program.code, f"Januari {year}", path, _truth(listed, mistyped, 4)))

    # The housing list: families, named by their head.
    program = made["rtlh"]
    inside = pl.col("district").is_in(program.target_areas)
    heads = people.filter(pl.col("relationship") == "kepala").unique("family_id", keep="first")
    earlier = read_frame(
        "SELECT DISTINCT b.family_id FROM programs_beneficiary b JOIN programs_cycle c "
        f"ON c.id = b.cycle_id WHERE c.program_id = {made['rtlh_earlier'].pk} "
        "AND b.family_id IS NOT NULL"
    )
    repaired = pl.col("family_id").is_in(earlier["family_id"].implode() if earlier.height else [])
    eligible = (pl.col("desil") <= 4) & pl.col("needs_house")
    head_gone = (pl.col("lifecycle") == Lifecycle.DECEASED) | (
        pl.col("family_lifecycle") == FamilyLifecycle.MOVED
    )
    pools = {
        "bersih": heads.filter(alive & eligible & inside & ~repaired),
        "tidak_layak": heads.filter(alive & (pl.col("desil") >= 6) & inside & ~repaired),
        "luar_wilayah": heads.filter(alive & eligible & ~inside & ~repaired),
        "meninggal": heads.filter(head_gone & eligible & inside & ~repaired),
        "kombinasi": heads.filter(alive & eligible & inside & repaired),
    }
    housing_rows = min(max(rows // 50, 200), pools["bersih"].height)
    if housing_rows < 50:  # a city too small for a housing program
        return _written_truths(out_dir, lists)
    listed = _plant(pools, housing_rows, rng, "family_id")
    frame, mistyped = _written(listed, rng, date_style="mixed")
    frame = frame.with_columns(
        **{"NILAI BANTUAN": pl.lit("Rp20.000.000"), "TAHAP": pl.lit(f"Tahap 1 {year}")}
    )
    path = out_dir / f"{program.code}.csv"
    path.write_bytes(frame.write_csv(separator=";").encode("cp1252", errors="replace"))
    lists.append(PlantedList(program.code, f"Tahap 1 {year}", path, _truth(listed, mistyped, 2)))
    return _written_truths(out_dir, lists)


def _written_truths(out_dir: Path, lists: list[PlantedList]) -> list[PlantedList]:
    for planted in lists:
        planted.truth.write_csv(out_dir / f"{planted.program}.truth.csv")
    return lists


__all__ = ["EXPECTED", "PlantedList", "record_departures", "setup_programs", "write_program_lists"]
