"""The targeting checks of a cycle, per beneficiary, each a yes or no with the facts that
decided it: on target (the program's criteria on the classification in force at the
cycle's date), in the right place (a target area), alive and still living there, listed
once in the cycle, and in no combination of benefits the rules forbid. All in Polars over
the whole list at once."""

import datetime as dt

import polars as pl

from padu.regions.codes import normalize_code
from padu.regions.models import Region
from padu.registry.ages import age_in_years
from padu.registry.choices import Lifecycle
from padu.welfare.household import heads, read_frame, read_households
from padu.welfare.models import FamilyNeed, FamilyWelfare, NeedRule, WelfareModel

from .choices import FAILS_WHEN, BenefitUnit, Check, LinkStatus, Membership
from .criteria import judge
from .models import CHECK_FIELDS, Beneficiary, CombinationRule, Cycle, Program

#: Memberships that no longer count as holding a benefit (for combinations).
NOT_HOLDING = (Membership.NOT_ELIGIBLE, Membership.DUPLICATE, Membership.EXITED)


def models_in_force(on: dt.date) -> dict[str, WelfareModel]:
    """Per regency, the classification in force on ``on``: the newest version fitted by
    then (else the first one, for a cycle before any classification)."""
    chosen: dict[str, WelfareModel] = {}
    for model in WelfareModel.objects.order_by("regency_id", "fitted_at", "version"):
        current = chosen.get(model.regency_id)
        if current is None or model.fitted_at.date() <= on:
            chosen[model.regency_id] = model
    return chosen


_BENEFICIARY_SCHEMA = {
    "id": pl.Int64,
    "row_number": pl.Int64,
    "person_id": pl.Int64,
    "family_id": pl.Int64,
    "link_status": pl.String,
    "membership": pl.String,
    "amount": pl.Int64,
}


_BENEFIT_SCHEMA = {
    "family_id": pl.Int64,
    "person_id": pl.Int64,
    "program_id": pl.Int64,
    "program": pl.String,
    "sector": pl.String,
    "agency": pl.String,
    "funding_level": pl.String,
    "on_target": pl.Boolean,
    "amount": pl.Int64,
    "district": pl.String,
}


def read_benefits(program: Program | None = None, *, with_ineligible: bool = False):
    """The benefits families hold (of ``program``, or of every program): the linked rows
    of any cycle that were not dropped (as duplicates, exited, or, unless
    ``with_ineligible``, not eligible), with their program and the family's district."""
    dropped = [m for m in NOT_HOLDING if not (with_ineligible and m == Membership.NOT_ELIGIBLE)]
    linked = ", ".join(f"'{s}'" for s in (LinkStatus.LINKED, LinkStatus.CONFIRMED))
    out = ", ".join(f"'{m}'" for m in dropped)
    only = f"AND c.program_id = {int(program.pk)}" if program else ""
    rows = read_frame(
        "SELECT b.family_id, b.person_id, p.id AS program_id, p.name AS program, p.sector, "
        "a.short_name AS agency, p.funding_level, b.on_target, b.amount, "
        "substr(f.village_id, 1, 8) AS district "
        "FROM programs_beneficiary b JOIN programs_cycle c ON c.id = b.cycle_id "
        "JOIN programs_program p ON p.id = c.program_id "
        "JOIN organisations_agency a ON a.id = p.agency_id "
        "JOIN registry_family f ON f.id = b.family_id "
        f"WHERE b.link_status IN ({linked}) {only} "
        f"AND b.membership NOT IN ({out})"
    )
    return rows.cast(_BENEFIT_SCHEMA) if rows.height else pl.DataFrame(schema=_BENEFIT_SCHEMA)


def read_beneficiaries(cycle: Cycle) -> pl.DataFrame:
    rows = read_frame(
        f"SELECT {', '.join(_BENEFICIARY_SCHEMA)} FROM programs_beneficiary "
        f"WHERE cycle_id = {int(cycle.pk)} ORDER BY row_number, id"
    )
    if rows.height == 0:
        return pl.DataFrame(schema=_BENEFICIARY_SCHEMA)
    # A column of nulls only (no row linked yet) arrives without a type.
    return rows.cast(_BENEFICIARY_SCHEMA)


def _classification(family_ids: pl.Series, on: dt.date) -> pl.DataFrame:
    """family_id, desil, status, criteria_met, score, needs (rule codes) under the models in
    force."""
    ids = [model.pk for model in models_in_force(on).values()]
    if not ids:
        return pl.DataFrame(
            schema={
                "family_id": pl.Int64,
                "desil": pl.Int64,
                "status": pl.String,
                "criteria_met": pl.Int64,
                "score": pl.Float64,
                "needs": pl.List(pl.String),
            }
        )
    listed = ",".join(str(i) for i in ids)
    results = read_frame(
        "SELECT family_id, desil, status, criteria_met, score FROM "
        f"{FamilyWelfare._meta.db_table} WHERE model_id IN ({listed})"
    )
    codes = dict(NeedRule.objects.values_list("pk", "code"))
    raised = read_frame(
        f"SELECT family_id, rule_id FROM {FamilyNeed._meta.db_table} WHERE model_id IN ({listed})"
    )
    if raised.height:
        needs = raised.group_by("family_id").agg(
            needs=pl.col("rule_id").replace_strict(codes, return_dtype=pl.String)
        )
    else:
        needs = pl.DataFrame(schema={"family_id": pl.Int64, "needs": pl.List(pl.String)})
    wanted = pl.DataFrame({"family_id": family_ids.unique().drop_nulls()})
    return (
        wanted.join(results, on="family_id", how="left")
        .join(needs, on="family_id", how="left")
        .with_columns(pl.col("needs").fill_null(pl.lit([], pl.List(pl.String))))
    )


def _people(person_ids: pl.Series, family_ids: pl.Series, on: dt.date) -> pl.DataFrame:
    """For each listed person (and each family's head, for rows naming a family only):
    lifecycle, age on ``on``, sex, disability."""
    persons = read_frame(
        "SELECT p.id AS person_id, p.family_id, p.relationship, p.lifecycle AS person_lifecycle, "
        "p.birth_date, p.sex, p.disability, p.full_name AS golden_name, p.nik AS golden_nik "
        "FROM registry_person p JOIN registry_family f ON f.id = p.family_id "
        f"WHERE p.lifecycle NOT IN ('{Lifecycle.MERGED}', '{Lifecycle.UNSOURCED}')"
    )
    if persons.height == 0:
        return persons
    if persons.schema["birth_date"] == pl.String:
        persons = persons.with_columns(pl.col("birth_date").str.to_date(strict=False))
    return persons.with_columns(age=age_in_years(pl.col("birth_date"), on)).filter(
        pl.col("person_id").is_in(person_ids.drop_nulls().implode())
        | pl.col("family_id").is_in(family_ids.drop_nulls().implode())
    )


def _families(family_ids: pl.Series) -> pl.DataFrame:
    families = read_frame(
        "SELECT id AS family_id, lifecycle AS family_lifecycle, village_id, kk_number AS golden_kk "
        "FROM registry_family"
    )
    return families.filter(pl.col("family_id").is_in(family_ids.drop_nulls().implode()))


def _heads(persons: pl.DataFrame) -> pl.DataFrame:
    """family_id, head_id: the head as classification takes it (welfare.household.heads)."""
    return heads(persons).select("family_id", head_id="person_id")


def _place_names(codes: list[str]) -> dict[str, str]:
    wanted = set(codes)
    for code in codes:
        parts = code.split(".")
        wanted.update(".".join(parts[:n]) for n in range(2, len(parts)))
    return dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))


def _right_place(rows: pl.DataFrame, areas: list[str]) -> pl.DataFrame:
    """id, right_place and its reason: the village lies in one of the target areas."""
    villages = rows["village_id"].drop_nulls().unique().to_list()
    names = _place_names(villages + areas)

    def named(code: str) -> str:
        parts = code.split(".")
        district = names.get(".".join(parts[:3]), "")
        village = names.get(code, code)
        return f"{village}, {district}" if district and len(parts) == 4 else village

    where = {code: named(code) for code in villages}
    targets = "; ".join(names.get(code, code) for code in areas) or "seluruh wilayah"
    inside = (
        pl.any_horizontal(
            [
                (pl.col("village_id") == code) | pl.col("village_id").str.starts_with(code + ".")
                for code in areas
            ]
        )
        if areas
        else pl.lit(True)
    )
    lives = pl.col("village_id").replace_strict(where, default=None, return_dtype=pl.String)
    return rows.select(
        "id",
        right_place=pl.when(pl.col("village_id").is_not_null()).then(inside),
        right_place_reason=pl.when(pl.col("village_id").is_null())
        .then(pl.lit("alamat keluarga tidak diketahui"))
        .when(inside)
        .then(pl.lit("tinggal di ") + lives + pl.lit(", di wilayah sasaran"))
        .otherwise(
            pl.lit("tinggal di ") + lives + pl.lit(f", di luar wilayah sasaran ({targets})")
        ),
    )


_LIFECYCLE_WORDS = {
    Lifecycle.DECEASED.value: "meninggal",
    Lifecycle.MOVED.value: "pindah",
}


def _alive_resident(rows: pl.DataFrame) -> pl.DataFrame:
    person_gone = pl.col("person_lifecycle").is_in(list(_LIFECYCLE_WORDS))
    family_gone = pl.col("family_lifecycle").is_in(list(_LIFECYCLE_WORDS))
    word = pl.col("person_lifecycle").replace_strict(
        _LIFECYCLE_WORDS, default=None, return_dtype=pl.String
    )
    family_word = pl.col("family_lifecycle").replace_strict(
        _LIFECYCLE_WORDS, default=None, return_dtype=pl.String
    )
    return rows.select(
        "id",
        alive_resident=pl.when(pl.col("family_id").is_not_null()).then(
            ~person_gone.fill_null(False) & ~family_gone.fill_null(False)
        ),
        alive_resident_reason=pl.when(person_gone)
        .then(pl.lit("penerima tercatat ") + word + pl.lit(" di data terpadu"))
        .when(family_gone)
        .then(pl.lit("keluarga tercatat ") + family_word + pl.lit(" di data terpadu"))
        .otherwise(pl.lit("penerima dan keluarganya aktif di data terpadu")),
    )


def _duplicates(rows: pl.DataFrame, unit: str) -> pl.DataFrame:
    """A person (or, for a family program, a family) listed again after its first row."""
    key = "person_id" if unit == BenefitUnit.PERSON else "family_id"
    ordered = rows.with_row_index("_order")
    first = (
        ordered.filter(pl.col(key).is_not_null())
        .group_by(key)
        .agg(first_id=pl.col("id").first(), first_row=pl.col("row_number").first())
    )
    joined = ordered.join(first, on=key, how="left")
    again = pl.col(key).is_not_null() & (pl.col("id") != pl.col("first_id"))
    what = "orang" if unit == BenefitUnit.PERSON else "keluarga"
    return joined.select(
        "id",
        duplicate=pl.when(pl.col(key).is_not_null()).then(again),
        duplicate_reason=pl.when(again)
        .then(
            pl.lit(f"{what} yang sama sudah ada di baris ")
            + pl.col("first_row").cast(pl.String).fill_null("lain")
        )
        .when(pl.col(key).is_not_null())
        .then(pl.lit(f"{what} ini hanya sekali di siklus ini")),
    )


def _deciding_rule(program: Program, other: Program, rules: list[CombinationRule]):
    """The most specific rule about holding ``program`` with ``other``, either way round."""

    def fits(rule_program, rule_sector, candidate: Program) -> int:
        if rule_program is not None:
            return 2 if rule_program == candidate.pk else -1
        return 1 if rule_sector == candidate.sector else -1

    best, best_rank = None, -1
    for rule in rules:
        for mine, theirs in ((program, other), (other, program)):
            a = fits(rule.program_id, rule.sector, mine)
            b = fits(rule.other_program_id, rule.other_sector, theirs)
            if a >= 0 and b >= 0 and a + b > best_rank:
                best, best_rank = rule, a + b
    return best


def _combinations(rows: pl.DataFrame, cycle: Cycle) -> pl.DataFrame:
    """A family that holds, within a rule's years of this cycle, a benefit the rules forbid
    together with this program (another program, or this one in another cycle)."""
    program = cycle.program
    rules = list(CombinationRule.objects.all())
    empty = rows.select(
        "id",
        forbidden_combination=pl.when(pl.col("family_id").is_not_null()).then(pl.lit(False)),
        forbidden_combination_reason=pl.when(pl.col("family_id").is_not_null()).then(
            pl.lit("tidak ada kombinasi terlarang")
        ),
    )
    if not rules:
        return empty
    others = read_frame(
        "SELECT b.family_id, c.program_id, c.name AS cycle_name, c.starts_on, c.ends_on "
        "FROM programs_beneficiary b JOIN programs_cycle c ON c.id = b.cycle_id "
        f"WHERE b.family_id IS NOT NULL AND b.cycle_id <> {int(cycle.pk)} "
        "AND b.membership NOT IN (" + ", ".join(f"'{m}'" for m in NOT_HOLDING) + ")"
    )
    if others.height == 0:
        return empty
    programs = Program.objects.in_bulk(others["program_id"].unique().to_list())
    decisions = []
    for other in programs.values():
        rule = _deciding_rule(program, other, rules)
        if rule is not None and not rule.allowed:
            decisions.append(
                {
                    "program_id": other.pk,
                    "years": rule.within_years,
                    "said": f"{other.name} (aturan: {rule})",
                }
            )
    if not decisions:
        return empty
    for column in ("starts_on", "ends_on"):
        if others.schema[column] == pl.String:
            others = others.with_columns(pl.col(column).str.to_date())
    held = (
        others.join(pl.DataFrame(decisions), on="program_id")
        .filter(
            (pl.col("ends_on") >= pl.lit(cycle.starts_on).dt.offset_by(pl.format("-{}y", "years")))
            & (pl.col("starts_on") <= pl.lit(cycle.ends_on).dt.offset_by(pl.format("{}y", "years")))
        )
        .group_by("family_id")
        .agg(
            said=pl.concat_str(
                [pl.lit("juga menerima "), pl.col("said"), pl.lit(", siklus "), "cycle_name"]
            )
            .unique()
            .sort()
            .str.join("; ")
        )
    )
    joined = rows.join(held, on="family_id", how="left")
    found = pl.col("said").is_not_null()
    return joined.select(
        "id",
        forbidden_combination=pl.when(pl.col("family_id").is_not_null()).then(found),
        forbidden_combination_reason=pl.when(found)
        .then(pl.col("said"))
        .when(pl.col("family_id").is_not_null())
        .then(pl.lit("tidak ada kombinasi terlarang")),
    )


def check(cycle: Cycle) -> pl.DataFrame:
    """Every check of every beneficiary of ``cycle``: id, one column per CHECK_FIELDS
    value, failed, reasons (JSON text), facts (JSON text), membership, and the row's
    link_status and amount (for the cycle's figures)."""
    program = cycle.program
    rows = read_beneficiaries(cycle)
    if rows.height == 0:
        return pl.DataFrame(schema={"link_status": pl.String, "amount": pl.Int64})
    on = cycle.starts_on
    persons = _people(rows["person_id"], rows["family_id"], on)
    families = _families(rows["family_id"])
    classification = _classification(rows["family_id"], cycle.ends_on)
    households = _household_fields(rows["family_id"])
    heads = (
        _heads(persons)
        if persons.height
        else pl.DataFrame(schema={"family_id": pl.Int64, "head_id": pl.Int64})
    )
    person_columns = ["person_lifecycle", "age", "sex", "disability", "golden_name", "golden_nik"]
    subject = (
        rows.join(heads, on="family_id", how="left")
        .with_columns(subject_id=pl.coalesce("person_id", "head_id"))
        .join(
            persons.select(pl.col("person_id").alias("subject_id"), *person_columns),
            on="subject_id",
            how="left",
        )
        .join(families, on="family_id", how="left")
        .join(classification, on="family_id", how="left")
        .join(households, on="family_id", how="left")
    )
    # A row naming a family only: the head's lifecycle is not the listed person's.
    subject = subject.with_columns(
        person_lifecycle=pl.when(pl.col("person_id").is_not_null()).then("person_lifecycle")
    )
    linked = pl.col("family_id").is_not_null()
    judged = judge(subject, program.criteria).join(subject.select("id", "family_id"), on="id")
    on_target = judged.select(
        "id", on_target=pl.when(linked).then("on_target"), on_target_reason="on_target_reason"
    )
    answers = (
        subject.select("id", "family_id", "link_status", "membership", "amount")
        .join(on_target, on="id")
        .join(_right_place(subject, list(program.target_areas or [])), on="id")
        .join(_alive_resident(subject), on="id")
        .join(_duplicates(subject, program.unit), on="id")
        .join(_combinations(subject, cycle), on="id")
    )
    fails = [(pl.col(CHECK_FIELDS[c]) == FAILS_WHEN[c]).fill_null(False) for c in Check]
    unlinked_reason = pl.lit("belum tertaut ke data terpadu: pilih orangnya dulu")
    reasons = pl.struct(
        **{
            check.value: pl.when(linked)
            .then(pl.col(f"{CHECK_FIELDS[check]}_reason"))
            .otherwise(unlinked_reason)
            for check in Check
        }
    ).struct.json_encode()
    facts = subject.select(
        "id",
        facts=pl.struct(
            nama=pl.col("golden_name"),
            nik=pl.col("golden_nik"),
            no_kk=pl.col("golden_kk"),
            wilayah=pl.col("village_id"),
            desil=pl.col("desil"),
            status=pl.col("status"),
            kebutuhan=pl.col("needs"),
            umur=pl.col("age"),
            status_orang=pl.col("person_lifecycle"),
            status_keluarga=pl.col("family_lifecycle"),
        ).struct.json_encode(),
    )
    failed = pl.any_horizontal(fails)
    membership = (
        pl.when(pl.col("duplicate").fill_null(False))
        .then(pl.lit(Membership.DUPLICATE.value))
        .when(~pl.col("on_target").fill_null(True))
        .then(pl.lit(Membership.NOT_ELIGIBLE.value))
        .when(pl.col("membership").is_in([Membership.DUPLICATE, Membership.NOT_ELIGIBLE]))
        .then(pl.lit(Membership.PROPOSED.value))
        .otherwise(pl.col("membership"))
    )
    return answers.join(facts, on="id").select(
        "id",
        *CHECK_FIELDS.values(),
        failed=failed,
        reasons=reasons,
        facts=pl.col("facts"),
        membership=membership,
        link_status="link_status",
        amount="amount",
    )


def _household_fields(family_ids: pl.Series) -> pl.DataFrame:
    """The family fields and member aggregates a criterion may name (padu.welfare.needs)."""
    households = read_households()
    if households.height == 0:
        return pl.DataFrame(schema={"family_id": pl.Int64})
    drop = [c for c in ("village_id", "regency", "district") if c in households.columns]
    return households.drop(drop).filter(
        pl.col("family_id").is_in(family_ids.drop_nulls().implode())
    )


def failed_checks(beneficiary: Beneficiary) -> list[tuple[str, str]]:
    """(check label, reason) of each check this beneficiary failed."""
    out = []
    for check_name, field in CHECK_FIELDS.items():
        value = getattr(beneficiary, field)
        if value is not None and value == FAILS_WHEN[check_name]:
            out.append((str(check_name.label), (beneficiary.reasons or {}).get(check_name, "")))
    return out


def heads_of(family_ids: pl.Series) -> pl.DataFrame:
    """family_id, person_id of each family's head."""
    persons = _people(pl.Series([], dtype=pl.Int64), family_ids, dt.date.today())
    if persons.height == 0:
        return pl.DataFrame(schema={"family_id": pl.Int64, "person_id": pl.Int64})
    return _heads(persons).rename({"head_id": "person_id"})


def active_families(within: str | None = None) -> pl.DataFrame:
    """family_id, district of the active families with a village (within a region, when
    given: a code, checked, so safe in SQL)."""
    where = f"lifecycle = '{Lifecycle.ACTIVE}' AND village_id IS NOT NULL"
    if within:
        code = normalize_code(within)
        if code is None:
            raise ValueError("kode wilayah tidak valid")
        where += f" AND (village_id = '{code}' OR village_id LIKE '{code}.%')"
    families = read_frame(
        "SELECT id AS family_id, substr(village_id, 1, 8) AS district FROM registry_family "
        f"WHERE {where}"
    )
    if families.height == 0:
        return pl.DataFrame(schema={"family_id": pl.Int64, "district": pl.String})
    return families


def read_current_status(on: dt.date) -> pl.DataFrame:
    """family_id, status and desil of every family under the classification in force."""
    ids = ",".join(str(model.pk) for model in models_in_force(on).values())
    if not ids:
        return pl.DataFrame(schema={"family_id": pl.Int64, "status": pl.String, "desil": pl.Int64})
    return read_frame(
        f"SELECT family_id, status, desil FROM {FamilyWelfare._meta.db_table} "
        f"WHERE model_id IN ({ids})"
    )


def eligible(program: Program, *, on: dt.date, limit: bool = True) -> pl.DataFrame:
    """family_id, person_id of whom the program's criteria and areas would take on ``on``,
    poorest first (by the welfare score), up to its target count unless not ``limit``:
    for a family program each family's head, for a person program each member who
    qualifies."""
    chosen = select_eligible(
        program.criteria, list(program.target_areas or []), program.unit, on=on
    ).select("family_id", "person_id")
    return chosen.head(program.target_count) if limit and program.target_count else chosen


def select_eligible(criteria: list[dict], areas: list[str], unit: str, *, on: dt.date):
    """family_id, person_id, status, desil, score of whom ``criteria`` and ``areas`` take,
    poorest first: for a family program each family's head, for a person program each
    member who qualifies."""
    empty = pl.DataFrame(
        schema={
            "family_id": pl.Int64,
            "person_id": pl.Int64,
            "status": pl.String,
            "desil": pl.Int64,
            "score": pl.Float64,
        }
    )
    households = read_households(as_of=on)
    if households.height == 0:
        return empty
    ids = households["family_id"]
    persons = _people(pl.Series([], dtype=pl.Int64), ids, on).filter(
        pl.col("person_lifecycle") == Lifecycle.ACTIVE
    )
    if persons.height == 0:
        return empty
    if unit == BenefitUnit.FAMILY:
        persons = persons.join(_heads(persons), left_on="person_id", right_on="head_id", how="semi")
    classification = _classification(ids, on)
    subject = (
        persons.select("person_id", "family_id", "age", "sex", "disability")
        .join(households, on="family_id")
        .join(classification, on="family_id", how="left")
        .with_row_index("id")
    )
    judged = judge(subject, criteria).filter("on_target")
    placed = _right_place(subject, areas).filter("right_place")
    return (
        subject.join(judged.select("id"), on="id", how="semi")
        .join(placed.select("id"), on="id", how="semi")
        .sort(["score", "family_id", "person_id"], nulls_last=True)
        .select("family_id", "person_id", "status", "desil", "score")
    )
