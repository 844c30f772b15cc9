"""Programs and the rules on combining them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.choices import ChangeAction
from padu.core.history import record_change, snapshot
from padu.organisations.choices import Sector
from padu.organisations.models import Agency

from ..choices import BenefitKind, BenefitUnit, FundingLevel, ProgramStatus
from ..models import CombinationRule, Program

#: National programs whose recipients the source exports flag (the registry keeps the flag
#: on the family): (code, name, agency code, sector, unit, benefit, amount per cycle, flag).
NATIONAL_PROGRAMS = [
    ("pkh", "Program Keluarga Harapan (PKH)", "dinsos", Sector.SOCIAL_ASSISTANCE,
     BenefitKind.CASH, 750_000, "receives_pkh"),
    ("bpnt", "Bantuan Pangan Non Tunai (BPNT/Sembako)", "dinsos", Sector.FOOD,
     BenefitKind.CASH, 600_000, "receives_bpnt"),
    ("pbi-jk", "Penerima Bantuan Iuran Jaminan Kesehatan (PBI JK)", "dinkes", Sector.HEALTH,
     BenefitKind.SERVICE, None, "receives_pbi_jk"),
    ("pip", "Program Indonesia Pintar (PIP)", "disdikbud", Sector.EDUCATION,
     BenefitKind.CASH, 450_000, "receives_pip"),
    ("blt-dd", "BLT Dana Desa", "dinsos", Sector.SOCIAL_ASSISTANCE,
     BenefitKind.CASH, 900_000, "receives_blt_dd"),
]  # fmt: skip

#: The combination rules a new installation starts with (an admin edits them afterwards):
#: (first program code or sector, second, years, allowed, note).
STANDARD_COMBINATIONS = [
    ("pkh", "bpnt", 1, True, "PKH dan BPNT/Sembako saling melengkapi (Kemensos)"),
    (Sector.HOUSING, Sector.HOUSING, 5, False,
     "Bantuan perbaikan rumah hanya sekali dalam lima tahun"),
    ("blt-dd", "pkh", 1, False, "BLT Dana Desa bukan untuk penerima PKH (Permendesa)"),
    ("blt-dd", "bpnt", 1, False, "BLT Dana Desa bukan untuk penerima BPNT/Sembako"),
]  # fmt: skip


def _may_change(actor, program: Program) -> None:
    if actor is not None:
        policy.require(actor, program, Action.CHANGE)


@transaction.atomic
def create_program(*, actor, agency: Agency, **fields) -> Program:
    """A new program of ``agency``; its fields are checked as the form checks them."""
    program = Program(agency=agency, **fields)
    program.full_clean()
    may_create = (
        actor is None
        or policy.is_administrator(actor)
        or (actor.agency_id == agency.pk and policy.allows(actor, Program, Action.CHANGE))
    )
    if not may_create:
        raise PermissionDenied("Program hanya dibuat oleh petugas OPD pemiliknya.")
    program.save()
    record_change(program, actor=actor, action=ChangeAction.CREATE, after=snapshot(program))
    return program


@transaction.atomic
def update_program(program: Program, changes: dict, *, actor) -> Program:
    _may_change(actor, program)
    before = snapshot(program, changes)
    for name, value in changes.items():
        setattr(program, name, value)
    program.full_clean()
    program.save()
    record_change(
        program,
        actor=actor,
        action=ChangeAction.UPDATE,
        before=before,
        after=snapshot(program, changes),
    )
    return program


@transaction.atomic
def ensure_national_programs(*, year: int, actor=None) -> list[Program]:
    """The national programs flagged in the source exports, for ``year`` (created when
    missing; an admin's edits are kept)."""
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    programs = []
    for code, name, agency_code, sector, kind, amount, flag in NATIONAL_PROGRAMS:
        if agency_code not in agencies:
            continue
        program, created = Program.objects.get_or_create(
            code=f"{code}-{year}",
            defaults={
                "agency": agencies[agency_code],
                "name": name,
                "sector": sector,
                "year": year,
                "funding_level": FundingLevel.APBN,
                "unit": BenefitUnit.FAMILY,
                "benefit_kind": kind,
                "benefit_amount": amount,
                "source_flag": flag,
                "status": ProgramStatus.ACTIVE,
            },
        )
        if created:
            record_change(
                program,
                actor=actor,
                action=ChangeAction.CREATE,
                after={"code": program.code, "source_flag": flag},
                origin="program nasional",
            )
        programs.append(program)
    return programs


def _side(value, year: int) -> dict:
    if value in Sector.values:
        return {"sector": value}
    return {"program": Program.objects.filter(code=f"{value}-{year}").first()}


@transaction.atomic
def ensure_standard_combinations(*, year: int, actor=None) -> list[CombinationRule]:
    """The standard combination rules between the national programs of ``year`` and
    between sectors, when no rule joins the same two sides yet."""
    rules = []
    for first, second, years, allowed, note in STANDARD_COMBINATIONS:
        one, other = _side(first, year), _side(second, year)
        if None in one.values() or None in other.values():
            continue
        fields = {**one, **{f"other_{k}": v for k, v in other.items()}}
        rule, created = CombinationRule.objects.get_or_create(
            **fields, defaults={"within_years": years, "allowed": allowed, "note": note}
        )
        if created:
            record_change(rule, actor=actor, action=ChangeAction.CREATE, after={"rule": str(rule)})
        rules.append(rule)
    return rules


@transaction.atomic
def add_combination_rule(*, actor, **fields) -> CombinationRule:
    """A rule the agency of its first program sets (the other side is only named); a rule
    between sectors is the administrator's."""
    rule = CombinationRule(**fields)
    rule.full_clean()
    if rule.program is not None:
        _may_change(actor, rule.program)
    elif actor is not None and not policy.is_administrator(actor):
        raise PermissionDenied("Aturan antarbidang diatur administrator.")
    rule.save()
    record_change(rule, actor=actor, action=ChangeAction.CREATE, after={"rule": str(rule)})
    return rule
