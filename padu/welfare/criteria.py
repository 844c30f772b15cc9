"""The 14 BPS criteria of a poor household (BPS 2005/2008), counted for every family as a
second view beside the PMT. Three cannot be known from registers (meat or milk once a
week, one set of clothes a year, one or two meals a day) and stay "no data"; two are read
through the closest register variable, as their labels say."""

from dataclasses import dataclass

import polars as pl

from padu.registry import choices as c

#: BPS: a household meeting at least this many criteria is poor.
BPS_POOR_AT = 9


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    met: pl.Expr | None  # None: registers do not carry it
    known: pl.Expr | None = None


def _in(column: str, values) -> pl.Expr:
    return pl.col(column).is_in([str(v) for v in values])


CRITERIA = [
    Criterion(
        "luas_lantai",
        "Luas lantai kurang dari 8 m² per orang",
        pl.col("area_per_person") < 8,
        pl.col("area_per_person").is_not_null(),
    ),
    Criterion(
        "lantai",
        "Lantai tanah, bambu atau kayu murahan",
        _in(
            "floor_material", [c.FloorMaterial.EARTH, c.FloorMaterial.BAMBOO, c.FloorMaterial.WOOD]
        ),
    ),
    Criterion(
        "dinding",
        "Dinding bambu, rumbia, kayu berkualitas rendah atau tembok tanpa plester",
        _in(
            "wall_material",
            [
                c.WallMaterial.BAMBOO,
                c.WallMaterial.WOVEN_BAMBOO,
                c.WallMaterial.LOG,
                c.WallMaterial.WOOD,
                c.WallMaterial.PLASTERED_BAMBOO,
            ],
        ),
    ),
    Criterion(
        "jamban",
        "Tidak punya jamban sendiri",
        _in(
            "toilet_facility",
            [c.ToiletFacility.SHARED, c.ToiletFacility.PUBLIC, c.ToiletFacility.NONE],
        ),
    ),
    Criterion("penerangan", "Penerangan bukan listrik", _in("lighting", [c.Lighting.NONE])),
    Criterion(
        "air_minum",
        "Air minum dari sumur/mata air tak terlindung, sungai atau air hujan",
        _in(
            "drinking_water",
            [
                c.DrinkingWater.UNPROTECTED_WELL,
                c.DrinkingWater.UNPROTECTED_SPRING,
                c.DrinkingWater.SURFACE,
                c.DrinkingWater.RAIN,
            ],
        ),
    ),
    Criterion(
        "bahan_bakar",
        "Memasak dengan kayu bakar, arang atau minyak tanah",
        _in(
            "cooking_fuel", [c.CookingFuel.FIREWOOD, c.CookingFuel.CHARCOAL, c.CookingFuel.KEROSENE]
        ),
    ),
    Criterion("daging_susu", "Makan daging/susu/ayam hanya sekali seminggu", None),
    Criterion("pakaian", "Membeli pakaian baru hanya sekali setahun", None),
    Criterion("makan", "Makan hanya sekali atau dua kali sehari", None),
    Criterion(
        "berobat",
        "Tidak sanggup membayar berobat (didekati: tak seorang pun punya jaminan kesehatan)",
        pl.col("members_uninsured") >= pl.col("size"),
        pl.col("members_uninsured").is_not_null(),
    ),
    Criterion(
        "penghasilan",
        "Kepala keluarga pekerja bebas/keluarga atau tidak bekerja (didekati dari status kerja)",
        _in(
            "head_work_status",
            [c.WorkStatus.CASUAL, c.WorkStatus.FAMILY_WORKER, c.WorkStatus.NOT_WORKING],
        ),
        pl.col("head_work_status").is_not_null() & (pl.col("head_work_status") != ""),
    ),
    Criterion(
        "pendidikan_kepala",
        "Pendidikan kepala keluarga tidak sekolah/tidak tamat SD/SD",
        _in("head_education", [c.Education.NONE, c.Education.SD]),
        pl.col("head_education").is_not_null() & (pl.col("head_education") != ""),
    ),
    Criterion(
        "tabungan",
        "Tidak punya tabungan/barang senilai Rp500.000 (motor, emas, ternak, lahan, perahu, mobil)",
        ~(
            pl.col("has_motorcycle").fill_null(False)
            | pl.col("has_gold_10g").fill_null(False)
            | pl.col("has_car").fill_null(False)
            | pl.col("has_boat").fill_null(False)
            | pl.col("owns_land").fill_null(False)
            | (pl.col("livestock_units").fill_null(0) > 0)
        ),
        pl.col("has_motorcycle").is_not_null(),
    ),
]
LABELS = {criterion.code: criterion.label for criterion in CRITERIA}


def count_criteria(households: pl.DataFrame) -> pl.DataFrame:
    """family_id, criteria_met, criteria_known, criteria (the codes met)."""
    columns, known = [], []
    for criterion in CRITERIA:
        if criterion.met is None:
            continue
        present = criterion.known
        if present is None:
            name = criterion.met.meta.root_names()[0]
            present = pl.col(name).is_not_null() & (pl.col(name).cast(pl.String) != "")
        columns.append((present & criterion.met.fill_null(False)).alias(f"c_{criterion.code}"))
        known.append(present.cast(pl.Int16))
    flags = households.select("family_id", *columns, criteria_known=pl.sum_horizontal(known))
    met = [f"c_{criterion.code}" for criterion in CRITERIA if criterion.met is not None]
    return flags.select(
        "family_id",
        criteria_met=pl.sum_horizontal([pl.col(name).cast(pl.Int16) for name in met]),
        criteria_known="criteria_known",
        criteria=pl.concat_list(
            [pl.when(pl.col(name)).then(pl.lit(name[2:])) for name in met]
        ).list.drop_nulls(),
    )
