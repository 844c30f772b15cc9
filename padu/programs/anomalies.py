"""Findings at odds with a family's status or benefits (after SIPMAS' checks on false
claims): recipients the registry knows died or moved away, one NIK in two families,
assets or a head's work that a poor family would not have, and a desil that jumped
between two classifications with no field visit to say why. Each is a row (kind,
family_id, person_id, beneficiary_id, detail); the detail says what was found."""

import datetime as dt

import polars as pl

from padu.registry.choices import ElectricityCapacity, FamilyLifecycle, Lifecycle
from padu.welfare.household import read_frame
from padu.welfare.models import FamilyWelfare, WelfareModel

from .choices import FlagKind
from .targeting import NOT_HOLDING, read_current_status

#: A jump of this many desil or more between two classifications needs a reason.
DESIL_JUMP_AT = 3
#: Words in a head's occupation that a poor family's head is not (civil servant, army,
#: police).
STATE_EMPLOYMENT = ("PNS", "ASN", "PEGAWAI NEGERI", "TNI", "POLRI", "POLISI", "TENTARA")
_COLUMNS = {
    "kind": pl.String,
    "family_id": pl.Int64,
    "person_id": pl.Int64,
    "beneficiary_id": pl.Int64,
    "detail": pl.String,
}


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=_COLUMNS)


def departed_recipients() -> pl.DataFrame:
    """Beneficiaries of a cycle whose check found them dead or moved away."""
    out = ", ".join(f"'{m}'" for m in NOT_HOLDING)
    rows = read_frame(
        "SELECT b.id AS beneficiary_id, b.family_id, b.person_id, b.reasons, "
        "p.name AS program, c.name AS cycle FROM programs_beneficiary b "
        "JOIN programs_cycle c ON c.id = b.cycle_id JOIN programs_program p ON p.id = c.program_id "
        f"WHERE NOT b.alive_resident AND b.membership NOT IN ({out})"
    )
    if rows.height == 0:
        return _empty()
    why = pl.col("reasons").cast(pl.String).str.json_path_match("$.hidup_menetap")
    return rows.select(
        kind=pl.lit(FlagKind.DEPARTED_RECIPIENT.value),
        family_id="family_id",
        person_id="person_id",
        beneficiary_id="beneficiary_id",
        detail=pl.concat_str(
            [pl.col("program"), pl.lit(", siklus "), pl.col("cycle"), pl.lit(": "), why]
        ).str.slice(0, 500),
    )


def shared_niks() -> pl.DataFrame:
    """Active persons whose NIK another active person in another family holds too."""
    persons = read_frame(
        "SELECT p.id AS person_id, p.family_id, p.nik, f.kk_number FROM registry_person p "
        "JOIN registry_family f ON f.id = p.family_id "
        f"WHERE p.lifecycle = '{Lifecycle.ACTIVE}' AND f.lifecycle = '{FamilyLifecycle.ACTIVE}' "
        "AND length(p.nik) = 16"
    )
    if persons.height == 0:
        return _empty()
    shared = (
        persons.group_by("nik")
        .agg(families=pl.col("family_id").n_unique(), kks=pl.col("kk_number").unique().sort())
        .filter(pl.col("families") > 1)
    )
    return persons.join(shared, on="nik").select(
        kind=pl.lit(FlagKind.SHARED_NIK.value),
        family_id="family_id",
        person_id="person_id",
        beneficiary_id=pl.lit(None, pl.Int64),
        detail=pl.concat_str(
            [
                pl.lit("NIK "),
                pl.col("nik"),
                pl.lit(" tercatat di "),
                pl.col("families").cast(pl.String),
                pl.lit(" keluarga (KK "),
                pl.col("kks").list.join(", "),
                pl.lit(")"),
            ]
        ),
    )


def assets_at_odds() -> pl.DataFrame:
    """Poor or extremely poor families (desil 1–4) with a car, 2,200 VA or more, or a head
    in the civil service, the army or the police."""
    results = read_current_status(dt.date.today()).filter(pl.col("desil") <= 4)
    if results.height == 0:
        return _empty()
    families = read_frame(
        "SELECT f.id AS family_id, f.has_car, f.electricity_capacity, "
        "(SELECT p.occupation FROM registry_person p WHERE p.family_id = f.id "
        "AND p.relationship = 'kepala' AND p.lifecycle = 'aktif' LIMIT 1) AS head_occupation "
        f"FROM registry_family f WHERE f.lifecycle = '{FamilyLifecycle.ACTIVE}'"
    )
    big = [ElectricityCapacity.VA_2200.value, ElectricityCapacity.VA_ABOVE_2200.value]
    state = "|".join(STATE_EMPLOYMENT)
    found = families.join(results, on="family_id").with_columns(
        car=pl.col("has_car").cast(pl.Boolean).fill_null(False),
        power=pl.col("electricity_capacity").is_in(big),
        state=pl.col("head_occupation")
        .str.to_uppercase()
        .str.contains(rf"\b({state})\b")
        .fill_null(False),
    )
    found = found.filter(pl.col("car") | pl.col("power") | pl.col("state"))
    reasons = pl.concat_str(
        [
            pl.when(pl.col("car")).then(pl.lit("punya mobil")),
            pl.when(pl.col("power")).then(
                pl.lit("daya listrik ") + pl.col("electricity_capacity") + pl.lit(" VA")
            ),
            pl.when(pl.col("state")).then(
                pl.lit("kepala keluarga bekerja sebagai ") + pl.col("head_occupation")
            ),
        ],
        separator="; ",
        ignore_nulls=True,
    )
    return found.select(
        kind=pl.lit(FlagKind.ASSETS.value),
        family_id="family_id",
        person_id=pl.lit(None, pl.Int64),
        beneficiary_id=pl.lit(None, pl.Int64),
        detail=pl.lit("desil ") + pl.col("desil").cast(pl.String) + pl.lit(", tetapi ") + reasons,
    )


def desil_jumps() -> pl.DataFrame:
    """Families whose desil moved by DESIL_JUMP_AT or more between the two newest models of
    their regency with no approved field visit between the two fits."""
    by_regency: dict[str, list[WelfareModel]] = {}
    for model in WelfareModel.objects.order_by("regency_id", "-version"):
        by_regency.setdefault(model.regency_id, []).append(model)
    parts = []
    for models_ in by_regency.values():
        if len(models_) < 2:
            continue
        new, old = models_[0], models_[1]
        pair = read_frame(
            f"SELECT n.family_id, o.desil AS before, n.desil AS after FROM "
            f"{FamilyWelfare._meta.db_table} n JOIN {FamilyWelfare._meta.db_table} o "
            f"ON o.family_id = n.family_id AND o.model_id = {old.pk} WHERE n.model_id = {new.pk}"
        )
        if pair.height == 0:
            continue
        jumped = pair.filter((pl.col("after") - pl.col("before")).abs() >= DESIL_JUMP_AT)
        visited = read_frame(
            "SELECT DISTINCT family_id FROM verification_visit WHERE status = 'disetujui' "
            f"AND decided_at >= '{old.fitted_at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}' "
            "AND family_id IS NOT NULL"
        )
        if visited.height:
            jumped = jumped.join(visited, on="family_id", how="anti")
        parts.append(
            jumped.select(
                kind=pl.lit(FlagKind.DESIL_JUMP.value),
                family_id="family_id",
                person_id=pl.lit(None, pl.Int64),
                beneficiary_id=pl.lit(None, pl.Int64),
                detail=pl.format(
                    "desil {} → {} ({} → {}) tanpa kunjungan verivali yang disetujui",
                    "before",
                    "after",
                    pl.lit(f"v{old.version}"),
                    pl.lit(f"v{new.version}"),
                ),
            )
        )
    return pl.concat(parts) if parts else _empty()


def find_anomalies() -> pl.DataFrame:
    """Every finding, of every kind."""
    found = [departed_recipients(), shared_niks(), assets_at_odds(), desil_jumps()]
    return pl.concat([frame.cast(_COLUMNS) for frame in found], how="vertical_relaxed")
