"""The three source exports a region receives, derived from the true population.

Each export covers the families its programme covers, at the date it was made, in its own
column layout and value spellings, with its own dirt. Every row keeps hidden truth columns
(``_person_id``, ``_family_id``, ``_dirt``) that the writer drops from the export and writes
to the truth file instead.
"""

import datetime as dt
import random
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.utils import translation

from padu.registry import choices as c

from . import dirt
from .geography import RegencyGeography
from .population import Population, nik_prefix

DTKS_AS_OF = dt.date(2025, 3, 31)
P3KE_AS_OF = dt.date(2021, 12, 31)
REGSOSEK_AS_OF = dt.date(2022, 10, 31)

_MONTHS_ID = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
_EXCEL_EPOCH = dt.date(1899, 12, 30)

REL_DTKS = {
    "kepala": "KEPALA RUMAH TANGGA",
    "pasangan": "ISTRI/SUAMI",
    "anak": "ANAK",
    "menantu": "MENANTU",
    "cucu": "CUCU",
    "orang_tua": "ORANG TUA/MERTUA",
    "famili": "FAMILI LAIN",
    "lainnya": "LAINNYA",
}
REL_P3KE = {
    "kepala": "Kepala Keluarga",
    "pasangan": "Istri/Suami",
    "anak": "Anak",
    "menantu": "Menantu",
    "cucu": "Cucu",
    "orang_tua": "Orang Tua",
    "famili": "Famili Lain",
    "lainnya": "Lainnya",
}
#: Regsosek 2022's codes (7 is a household helper; other relatives are 8, "lainnya").
REL_REGSOSEK = {
    "kepala": "1",
    "pasangan": "2",
    "anak": "3",
    "menantu": "4",
    "cucu": "5",
    "orang_tua": "6",
    "pembantu": "7",
    "famili": "8",
    "lainnya": "8",
}
MARITAL_REGSOSEK = {"belum_kawin": "1", "kawin": "2", "cerai_hidup": "3", "cerai_mati": "4"}


#: Each coded column and its choices: labels are per field, since values repeat across fields
#: ("tidak_ada" is "Tidak ada" for a toilet and "Tidak punya" for health insurance).
_FIELD_CHOICES = {
    "house_tenure": c.HouseTenure,
    "floor_material": c.FloorMaterial,
    "wall_material": c.WallMaterial,
    "roof_material": c.RoofMaterial,
    "toilet_facility": c.ToiletFacility,
    "drinking_water": c.DrinkingWater,
    "lighting": c.Lighting,
    "electricity_capacity": c.ElectricityCapacity,
    "cooking_fuel": c.CookingFuel,
    "education": c.Education,
    "school_participation": c.SchoolParticipation,
    "work_status": c.WorkStatus,
    "disability": c.Disability,
    "chronic_illness": c.ChronicIllness,
    "health_insurance": c.HealthInsurance,
}


def _labels(choices) -> dict[str, str]:
    """Indonesian labels, as the source offices write them, whatever language is active."""
    with translation.override("id"):
        return {value: str(label) for value, label in choices.choices}


@dataclass(frozen=True)
class SourceExport:
    source: str
    frame: pl.DataFrame  # the export's columns plus _person_id, _family_id, _dirt
    record_id_column: str


def add_deceased(pop: Population, family_ids: np.ndarray, rng) -> pl.DataFrame:
    """Elderly members who died after older sources listed them: truth rows, lifecycle meninggal."""
    fam = pop.families.filter(pl.col("family_id").is_in(family_ids.tolist()))
    n = fam.height
    female = rng.random(n) < 0.6
    age_days = rng.integers(66 * 365, 88 * 365, n)
    birth = np.datetime64(pop.as_of) - age_days.astype("timedelta64[D]")
    heads = pop.persons.filter(pl.col("member_no") == 1).select("family_id", "full_name")
    ghosts = (
        fam.select("family_id", "district_code")
        .join(heads, on="family_id")
        .with_columns(
            sex=pl.Series(np.where(female, "P", "L")),
            birth_date=pl.Series(birth),
            relationship=pl.lit(c.Relationship.PARENT.value),
            lifecycle=pl.lit(c.Lifecycle.DECEASED.value),
            mother_name=pl.lit(""),
            full_name=pl.Series(np.where(female, "Mbah Sumirah", "Mbah Karto"))
            + " "
            + pl.col("full_name").str.split(" ").list.last(),
        )
    )
    start = int(pop.persons["person_id"].max()) + 1
    ghosts = ghosts.with_columns(
        person_id=pl.int_range(start, start + n, dtype=pl.Int64),
        member_no=pl.lit(99, dtype=pl.Int64),
        nik=nik_prefix("district_code")
        + (7000 + pl.int_range(1, pl.len() + 1).over("district_code")).cast(pl.String),
    )
    return ghosts.drop("district_code")


def _rank_desil(pop: Population, rng, noise: float) -> pl.DataFrame:
    """Each family's desil 1–10 by a noisy view of its welfare, ranked by persons as BPS does."""
    seen = pop.families["welfare"].to_numpy() + rng.normal(0, noise, pop.families.height)
    order = np.argsort(seen)
    sizes = pop.families["size"].to_numpy()[order]
    share = (np.cumsum(sizes) - sizes / 2) / sizes.sum()
    desil = np.empty(len(order), dtype=np.int64)
    desil[order] = np.minimum(10, 1 + (share * 10).astype(np.int64))
    return pop.families.select("family_id").with_columns(desil=pl.Series(desil))


def _member_rows(pop: Population, families: pl.DataFrame, persons: pl.DataFrame, born_by: dt.date):
    """One row per member alive in the source's eyes, family columns repeated on each row.

    ``listed_family_id`` is the family the source lists the person under, which for people
    who moved out is not their true (current) family.
    """
    return (
        persons.filter(pl.col("birth_date") <= born_by)
        .join(families, on="family_id", how="inner")
        .with_columns(listed_family_id=pl.col("family_id"))
        .sort("family_id", "member_no")
    )


def _dirty_people(
    rows: pl.DataFrame,
    rates: dirt.DirtRates,
    rnd: random.Random,
    rng,
    *,
    excel: bool,
    profile: dirt.DirtProfile = dirt.FIRST,
):
    """Apply person-level dirt to randomly chosen rows; notes what was done in ``_dirt``.

    Rows are chosen with vectorised draws; only the few chosen rows are edited in Python.
    """
    n = rows.height
    nik = rows["nik"].to_list()
    name = rows["full_name"].to_list()
    sex = rows["sex"].to_list()
    birth = rows["birth_date"].to_list()
    notes = [""] * n

    def note(i: int, what: str) -> None:
        notes[i] += what + ";"

    r = rng.random(n)
    for i in np.flatnonzero(r < rates.missing_nik):
        nik[i] = profile.missing_nik(nik[i], rnd)
        note(i, "nik_missing")
    mistyped = (r >= rates.missing_nik) & (r < rates.missing_nik + rates.mistyped_nik)
    for i in np.flatnonzero(mistyped):
        nik[i] = profile.mistype_nik(nik[i], rnd)
        note(i, "nik_mistyped")
    if excel:
        low = rates.missing_nik + rates.mistyped_nik
        for i in np.flatnonzero((r >= low) & (r < low + rates.excel_damaged_nik)):
            nik[i] = profile.excel_damage(nik[i], rnd)
            note(i, "nik_excel_damaged")
    if profile.copies_head_nik:
        # A member listed under the head's NIK: two people, one number.
        head_nik = rows.select(pl.col("nik").first().over("listed_family_id"))["nik"].to_list()
        low = rates.missing_nik + rates.mistyped_nik + rates.excel_damaged_nik
        copied = (r >= low) & (r < low + rates.head_nik_copied)
        for i in np.flatnonzero(copied & (rows["member_no"].to_numpy() > 1)):
            nik[i] = head_nik[i]
            note(i, "nik_of_head")
    r = rng.random(n)
    for i in np.flatnonzero(r < rates.name_variant):
        name[i] = profile.name_variant(name[i], sex[i], rnd)
        note(i, "name_variant")
    typo = (r >= rates.name_variant) & (r < rates.name_variant + rates.name_typo)
    for i in np.flatnonzero(typo):
        name[i] = profile.name_typo(name[i], rnd)
        note(i, "name_typo")
    r = rng.random(n)
    (first_label, first_error), (second_label, second_error) = (
        profile.first_date_error,
        profile.second_date_error,
    )
    for i in np.flatnonzero(r < rates.swapped_day_month):
        damaged = first_error(birth[i], rnd)
        if damaged != birth[i]:
            birth[i] = damaged
            note(i, first_label)
    off = (r >= rates.swapped_day_month) & (r < rates.swapped_day_month + rates.year_off_by_one)
    for i in np.flatnonzero(off):
        birth[i] = second_error(birth[i], rnd)
        note(i, second_label)
    if profile.flips_sex:
        for i in np.flatnonzero(rng.random(n) < rates.sex_flipped):
            sex[i] = "L" if sex[i] == "P" else "P"
            note(i, "sex_flipped")
    return rows.with_columns(
        nik=pl.Series(nik, dtype=pl.String),
        full_name=pl.Series(name, dtype=pl.String),
        sex=pl.Series(sex, dtype=pl.String),
        birth_date=pl.Series(birth, dtype=pl.Date),
        _dirt=pl.Series(notes, dtype=pl.String),
    )


def _duplicate(frame: pl.DataFrame, rate: float, rng) -> pl.DataFrame:
    picks = np.flatnonzero(rng.random(frame.height) < rate)
    if len(picks) == 0:
        return frame
    copies = frame[picks].with_columns(
        _dirt=(pl.col("_dirt") + pl.lit(";duplicate_row")).str.strip_chars(";")
    )
    return pl.concat([frame, copies]).sort("_order", maintain_order=True)


def _truth_columns(rows: pl.DataFrame) -> list[pl.Expr]:
    deceased = pl.col("lifecycle") == c.Lifecycle.DECEASED.value
    return [
        pl.col("person_id").alias("_person_id"),
        pl.col("family_id").alias("_family_id"),
        (
            pl.col("family_dirt")
            + pl.when(deceased).then(pl.lit("deceased_listed;")).otherwise(pl.lit(""))
            + pl.col("_dirt")
        )
        .str.strip_chars(";")
        .alias("_dirt"),
        pl.int_range(0, pl.len()).alias("_order"),
    ]


def _village_columns(geo: RegencyGeography) -> pl.DataFrame:
    district_names = dict(zip(geo.district_codes, geo.district_names, strict=True))
    return pl.DataFrame(
        {
            "village_code": geo.village_codes.astype(str),
            "village_name": geo.village_names.astype(str),
            "district_name": [district_names[v.rsplit(".", 1)[0]] for v in geo.village_codes],
        }
    )


def _stale_families(families: pl.DataFrame, geo, rates, rng, profile) -> pl.DataFrame:
    """Families that moved since they were listed still carry their old village and
    address; some carry an old No KK (an earlier issue of the number, or in the second
    profile the number before the family was issued a new card)."""
    moved = rng.random(families.height) < rates.moved_village
    other_village = geo.village_codes[rng.integers(0, len(geo.village_codes), families.height)]
    old_kk = rng.random(families.height) < rates.old_kk
    if profile.reissued_kk:
        serials = pl.Series(rng.integers(1, 10_000, families.height)).cast(pl.String).str.zfill(4)
        issued = pl.Series(rng.integers(1, 29, families.height)).cast(pl.String).str.zfill(2)
        stale_kk = pl.col("kk_number").str.slice(0, 6) + issued + "0315" + serials
    else:
        stale_kk = (
            pl.col("kk_number").str.slice(0, 6) + "0101" + pl.col("kk_number").str.slice(10, 6)
        )
    return families.with_columns(
        village_code=pl.when(pl.Series(moved))
        .then(pl.Series(other_village.astype(str)))
        .otherwise(pl.col("village_code")),
        kk_number=pl.when(pl.Series(old_kk)).then(stale_kk).otherwise(pl.col("kk_number")),
        family_dirt=pl.when(pl.Series(moved)).then(pl.lit("moved_village;")).otherwise(pl.lit(""))
        + pl.when(pl.Series(old_kk)).then(pl.lit("old_kk;")).otherwise(pl.lit("")),
    )


def build_dtks(pop, geo, ghosts, rates, rng, rnd, profile=dirt.FIRST) -> SourceExport:
    """SIKS-NG export: the poorer ~40%, uppercase, ';' and Windows-1252, stale in places."""
    desil = _rank_desil(pop, rng, noise=0.6)
    covered = desil.filter(pl.col("desil") <= 4)["family_id"]
    families = pop.families.filter(pl.col("family_id").is_in(covered.implode()))
    families = _stale_families(families, geo, rates, rng, profile)
    persons = pl.concat([pop.persons, ghosts], how="diagonal_relaxed")
    rows = _member_rows(pop, families, persons, DTKS_AS_OF)
    # Young heads who left their parents' family are still listed there as children.
    movers = pop.persons.filter(
        (pl.col("member_no") == 1) & pl.col("age").is_between(20, 35)
    ).sample(fraction=rates.moved_out_listed * 2, seed=int(rng.integers(1 << 31)))
    if movers.height and families.height:
        old_family = families.sample(
            n=movers.height, with_replacement=True, seed=int(rng.integers(1 << 31))
        )
        listed = movers.with_columns(relationship=pl.lit(c.Relationship.CHILD.value)).hstack(
            old_family.rename({"family_id": "listed_family_id"})
        )
        listed = listed.with_columns(family_dirt=pl.col("family_dirt") + "moved_out_listed;")
        rows = pl.concat([rows, listed.select(rows.columns)], how="vertical_relaxed")
    rows = _dirty_people(rows, rates, rnd, rng, excel=True, profile=profile)
    rows = rows.join(_village_columns(geo), on="village_code", how="left")
    rows = rows.with_columns(_truth_columns(rows))
    regency4 = geo.code.replace(".", "")
    sex = {"L": "LAKI-LAKI", "P": "PEREMPUAN"}
    marital = {k: v.upper() for k, v in _labels(c.MaritalStatus).items()}
    frame = rows.select(
        pl.format("{}{}", pl.lit(regency4), pl.col("_order").cast(pl.String).str.zfill(9)).alias(
            "IDARTBDT"
        ),
        pl.format(
            "{}{}", pl.lit(regency4), pl.col("listed_family_id").cast(pl.String).str.zfill(7)
        ).alias("IDBDT"),
        pl.lit(geo.province_name.upper()).alias("PROVINSI"),
        pl.lit(geo.name.upper()).alias("KABUPATEN/KOTA"),
        pl.col("district_name").str.to_uppercase().alias("KECAMATAN"),
        pl.col("village_name").str.to_uppercase().alias("DESA/KELURAHAN"),
        pl.col("village_code").str.replace_all(".", "", literal=True).alias("KDDESA"),
        pl.col("address").str.to_uppercase().alias("ALAMAT"),
        pl.col("rt").cast(pl.String).str.zfill(3).alias("RT"),
        pl.col("rw").cast(pl.String).str.zfill(3).alias("RW"),
        pl.col("kk_number").alias("NOKK"),
        pl.col("nik").alias("NIK"),
        pl.col("full_name").str.to_uppercase().alias("NAMA"),
        pl.col("sex").replace_strict(sex).alias("JNS KEL"),
        pl.col("birth_place").str.to_uppercase().alias("TMP LAHIR"),
        pl.col("birth_date").dt.strftime("%d/%m/%Y").alias("TGL LAHIR"),
        pl.col("relationship").replace_strict(REL_DTKS).alias("HUB KRT"),
        pl.col("mother_name").str.to_uppercase().alias("NAMA IBU KANDUNG"),
        pl.col("marital_status").replace_strict(marital, default="").alias("STATUS KAWIN"),
        pl.col("occupation").str.to_uppercase().alias("PEKERJAAN"),
        pl.when(pl.col("welfare") < -1.0).then(pl.lit("Y")).otherwise(pl.lit("T")).alias("PKH"),
        pl.when(pl.col("welfare") < -0.6).then(pl.lit("Y")).otherwise(pl.lit("T")).alias("BPNT"),
        pl.lit("Y").alias("PBI JK"),
        "_person_id",
        "_family_id",
        "_dirt",
        "_order",
    )
    return SourceExport("dtks", _duplicate(frame, rates.duplicate_rows, rng), "IDARTBDT")


def _p3ke_date(day: dt.date, r: float) -> str:
    if r < 0.8:
        return day.strftime("%d-%m-%Y")
    if r < 0.95:
        return f"{day.day} {_MONTHS_ID[day.month - 1]} {day.year}"
    return str((day - _EXCEL_EPOCH).days)  # an Excel serial that lost its date format


def build_p3ke(pop, geo, ghosts, rates, rng, rnd, profile=dirt.FIRST) -> SourceExport:
    """P3KE (2021): desil 1–4 by its own ranking, village names but no codes, RT/RW in one cell."""
    desil = _rank_desil(pop, rng, noise=0.8).filter(pl.col("desil") <= 4)
    families = pop.families.join(desil, on="family_id")
    if "p3ke" in profile.stale_families_in:
        families = _stale_families(families, geo, rates, rng, profile)
    else:
        families = families.with_columns(family_dirt=pl.lit(""))
    persons = pl.concat([pop.persons, ghosts], how="diagonal_relaxed")
    rows = _member_rows(pop, families, persons, P3KE_AS_OF)
    rows = _dirty_people(rows, rates, rnd, rng, excel=False, profile=profile)
    rows = rows.join(_village_columns(geo), on="village_code", how="left")
    rows = rows.with_columns(_truth_columns(rows))

    def labels(column: str) -> dict[str, str]:
        return _labels(_FIELD_CHOICES[column])

    dates = [_p3ke_date(d, rnd.random()) for d in rows["birth_date"].to_list()]
    rt_rw_style = rng.random(rows.height) < 0.8
    frame = rows.with_columns(_date=pl.Series(dates, dtype=pl.String)).select(
        pl.format("P3KE-{}", pl.col("family_id").cast(pl.String).str.zfill(8)).alias(
            "ID KELUARGA P3KE"
        ),
        pl.format(
            "P3KE-{}-{}",
            pl.col("family_id").cast(pl.String).str.zfill(8),
            pl.col("member_no").cast(pl.String).str.zfill(2),
        ).alias("ID INDIVIDU"),
        pl.lit(geo.province_name).alias("PROVINSI"),
        pl.lit(geo.name).alias("KABUPATEN/KOTA"),
        pl.col("district_name").alias("KECAMATAN"),
        pl.col("village_name").alias("DESA/KELURAHAN"),
        pl.col("address").alias("ALAMAT"),
        pl.when(pl.Series(rt_rw_style))
        .then(
            pl.format(
                "{}/{}",
                pl.col("rt").cast(pl.String).str.zfill(3),
                pl.col("rw").cast(pl.String).str.zfill(3),
            )
        )
        .otherwise(pl.format("RT {} RW {}", pl.col("rt"), pl.col("rw")))
        .alias("RT/RW"),
        pl.col("kk_number").alias("NO KK"),
        pl.col("nik").alias("NIK"),
        pl.col("full_name").alias("NAMA"),
        pl.col("sex").alias("JENIS KELAMIN"),
        pl.col("_date").alias("TANGGAL LAHIR"),
        pl.col("relationship").replace_strict(REL_P3KE).alias("HUBUNGAN DENGAN KEPALA KELUARGA"),
        pl.col("education").replace_strict(labels("education"), default="").alias("PENDIDIKAN"),
        pl.col("occupation").alias("PEKERJAAN"),
        pl.col("desil").alias("DESIL KESEJAHTERAAN"),
        pl.col("floor_material").replace_strict(labels("floor_material")).alias("JENIS LANTAI"),
        pl.col("wall_material").replace_strict(labels("wall_material")).alias("JENIS DINDING"),
        pl.col("roof_material").replace_strict(labels("roof_material")).alias("JENIS ATAP"),
        pl.col("drinking_water").replace_strict(labels("drinking_water")).alias("SUMBER AIR MINUM"),
        pl.col("toilet_facility").replace_strict(labels("toilet_facility")).alias("FASILITAS BAB"),
        "_person_id",
        "_family_id",
        "_dirt",
        "_order",
    )
    return SourceExport("p3ke", _duplicate(frame, rates.duplicate_rows, rng), "ID INDIVIDU")


def build_regsosek(
    pop, geo, rates, rng, rnd, profile=dirt.FIRST, *, coverage=0.97, expenditure_sample=0.15
) -> SourceExport:
    """Regsosek (2022): nearly every family, the fullest variables, BPS numeric codes."""
    keep = rng.random(pop.families.height) < coverage
    sampled = rng.random(pop.families.height) < expenditure_sample
    families = pop.families.with_columns(
        observed_expenditure=pl.when(pl.Series(sampled)).then(pl.col("expenditure_per_capita")),
        family_dirt=pl.lit(""),
    ).filter(pl.Series(keep))
    rows = _member_rows(pop, families, pop.persons, REGSOSEK_AS_OF)
    rows = _dirty_people(rows, rates, rnd, rng, excel=False, profile=profile)
    rows = rows.join(_village_columns(geo), on="village_code", how="left")
    rows = rows.with_columns(_truth_columns(rows))

    def label(column: str, header: str) -> pl.Expr:
        labels = _labels(_FIELD_CHOICES[column])
        return pl.col(column).replace_strict(labels, default="").alias(header)

    def flag(column: str, header: str) -> pl.Expr:
        return pl.col(column).cast(pl.Int8).cast(pl.String).alias(header)

    regency4 = geo.code.replace(".", "")
    frame = rows.select(
        pl.format("{}{}", pl.lit(regency4), pl.col("family_id").cast(pl.String).str.zfill(8)).alias(
            "ID KELUARGA"
        ),
        pl.format(
            "{}{}{}",
            pl.lit(regency4),
            pl.col("family_id").cast(pl.String).str.zfill(8),
            pl.col("member_no").cast(pl.String).str.zfill(2),
        ).alias("ID ART"),
        pl.col("village_code").alias("KODE WILAYAH"),
        pl.lit(geo.province_name.upper()).alias("PROVINSI"),
        pl.lit(geo.name.upper()).alias("KABUPATEN/KOTA"),
        pl.col("district_name").str.to_uppercase().alias("KECAMATAN"),
        pl.col("village_name").str.to_uppercase().alias("DESA/KELURAHAN"),
        pl.col("address").str.to_uppercase().alias("ALAMAT"),
        pl.col("rt").alias("RT"),
        pl.col("rw").alias("RW"),
        pl.col("kk_number").alias("NO KK"),
        pl.col("nik").alias("NIK"),
        pl.col("full_name").str.to_uppercase().alias("NAMA LENGKAP"),
        pl.when(pl.col("sex") == "L")
        .then(pl.lit("1"))
        .otherwise(pl.lit("2"))
        .alias("JENIS KELAMIN"),
        pl.col("birth_place").str.to_uppercase().alias("TEMPAT LAHIR"),
        pl.col("birth_date").dt.strftime("%Y-%m-%d").alias("TANGGAL LAHIR"),
        pl.col("relationship").replace_strict(REL_REGSOSEK).alias("HUBUNGAN KELUARGA"),
        pl.col("mother_name").str.to_uppercase().alias("NAMA IBU KANDUNG"),
        pl.col("marital_status").replace_strict(MARITAL_REGSOSEK).alias("STATUS PERKAWINAN"),
        label("education", "IJAZAH TERTINGGI"),
        label("school_participation", "PARTISIPASI SEKOLAH"),
        label("work_status", "STATUS PEKERJAAN"),
        pl.col("occupation").alias("LAPANGAN USAHA"),
        label("disability", "DISABILITAS"),
        label("chronic_illness", "PENYAKIT KRONIS"),
        label("health_insurance", "JAMINAN KESEHATAN"),
        flag("is_pregnant", "HAMIL"),
        label("house_tenure", "STATUS KEPEMILIKAN RUMAH"),
        pl.col("floor_area_m2").alias("LUAS LANTAI"),
        label("floor_material", "JENIS LANTAI"),
        label("wall_material", "JENIS DINDING"),
        label("roof_material", "JENIS ATAP"),
        label("toilet_facility", "FASILITAS BAB"),
        label("drinking_water", "SUMBER AIR MINUM"),
        label("lighting", "SUMBER PENERANGAN"),
        label("electricity_capacity", "DAYA LISTRIK"),
        label("cooking_fuel", "BAHAN BAKAR MEMASAK"),
        flag("has_lpg_5kg_or_more", "TABUNG GAS 5.5 KG"),
        flag("has_refrigerator", "KULKAS"),
        flag("has_air_conditioner", "AC"),
        flag("has_water_heater", "PEMANAS AIR"),
        flag("has_television", "TELEVISI"),
        flag("has_gold_10g", "EMAS 10 GRAM"),
        flag("has_computer", "KOMPUTER"),
        flag("has_smartphone", "SMARTPHONE"),
        flag("has_motorcycle", "SEPEDA MOTOR"),
        flag("has_car", "MOBIL"),
        flag("has_boat", "PERAHU MOTOR"),
        flag("owns_land", "LAHAN"),
        pl.col("livestock_units").alias("TERNAK"),
        pl.col("latitude").alias("LATITUDE"),
        pl.col("longitude").alias("LONGITUDE"),
        pl.col("observed_expenditure").alias("PENGELUARAN PER KAPITA"),
        "_person_id",
        "_family_id",
        "_dirt",
        "_order",
    )
    return SourceExport("regsosek", _duplicate(frame, rates.duplicate_rows, rng), "ID ART")
