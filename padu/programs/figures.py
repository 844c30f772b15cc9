"""How well a program reached those it is for, in total and per district: inclusion error
(benefits to the ineligible), exclusion error (eligible families no cycle reached), the
coverage of the extremely poor, the cost per extremely poor family reached; and the list
of eligible families not reached, for the agency to act on."""

import datetime as dt
import hashlib
from dataclasses import dataclass

import polars as pl
from django.core.cache import cache

from padu.regions.models import Region
from padu.welfare.household import read_frame

from .models import Cycle, Program
from .targeting import (
    active_families,
    eligible,
    models_in_force,
    read_benefits,
    read_current_status,
)

#: The counts of AreaFigures, which add up over areas.
_COUNTS = ("beneficiaries", "ineligible", "eligible", "reached", "extreme", "extreme_reached",
           "amount")  # fmt: skip
#: The shares and costs of AreaFigures, as the page shows them.
_SHARES = ("inclusion_error", "exclusion_error", "extreme_coverage", "cost_per_extreme")
#: How long computed figures are kept (the classification and the lists change rarely).
CACHE_SECONDS = 600


@dataclass
class AreaFigures:
    code: str
    name: str
    beneficiaries: int  # linked rows still holding the benefit
    ineligible: int  # of them, not on target
    eligible: int  # families (or persons) the criteria take in the area
    reached: int  # of the eligible, those some cycle reached
    extreme: int  # extremely poor families in the area
    extreme_reached: int
    amount: int

    def shown(self, name: str) -> str:
        """A share as a person reads it ("12,5%"), a rupiah figure ("Rp1.250.000"), or "—"."""
        value = getattr(self, name)
        if value is None:
            return "—"
        if name == "cost_per_extreme":
            return "Rp" + f"{round(value):,}".replace(",", ".")
        return f"{100 * value:.1f}%".replace(".", ",")

    @property
    def shares(self) -> dict[str, str]:
        return {name: self.shown(name) for name in _SHARES}

    @property
    def inclusion_error(self) -> float | None:
        return self.ineligible / self.beneficiaries if self.beneficiaries else None

    @property
    def exclusion_error(self) -> float | None:
        return (self.eligible - self.reached) / self.eligible if self.eligible else None

    @property
    def extreme_coverage(self) -> float | None:
        return self.extreme_reached / self.extreme if self.extreme else None

    @property
    def cost_per_extreme(self) -> float | None:
        return self.amount / self.extreme_reached if self.extreme_reached else None


def _key(program: Program) -> str:
    cycles = Cycle.objects.filter(program=program).order_by("-checked_at")
    latest = cycles.values_list("checked_at", flat=True).first()
    models = sorted(m.pk for m in models_in_force(dt.date.today()).values())
    state = f"{latest}:{models}:{program.criteria}:{program.target_areas}:{program.unit}"
    return f"program-figures:{program.pk}:{hashlib.sha256(state.encode()).hexdigest()[:24]}"


def not_reached(program: Program, *, on: dt.date | None = None) -> pl.DataFrame:
    """The families (or persons) the program's criteria take that no cycle reached."""
    on = on or dt.date.today()
    chosen = eligible(program, on=on, limit=False)
    held = read_benefits(program, with_ineligible=True)
    key = "person_id" if program.unit == "orang" else "family_id"
    return chosen.join(held.select(key).unique(), on=key, how="anti")


def program_figures(program: Program) -> tuple[AreaFigures, list[AreaFigures]]:
    """The program's figures in total and per district (cached)."""
    key = _key(program)
    found = cache.get(key)
    if found is None:
        found = _figures(program)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _figures(program: Program) -> tuple[AreaFigures, list[AreaFigures]]:
    on = dt.date.today()
    unit_key = "person_id" if program.unit == "orang" else "family_id"
    held = read_benefits(program, with_ineligible=True)
    chosen = eligible(program, on=on, limit=False)
    families = active_families()
    status = read_current_status(on)
    extreme = (
        families.join(status.filter(pl.col("status") == "ekstrem"), on="family_id")
        if families.height and status.height
        else pl.DataFrame(schema={"family_id": pl.Int64, "district": pl.String})
    )
    areas = list(program.target_areas or [])
    if areas:
        inside = pl.col("district").is_in(areas) | pl.any_horizontal(
            [pl.col("district").str.starts_with(area + ".") for area in areas]
        )
        extreme = extreme.filter(inside)
    reached_families = held["family_id"].unique().implode()
    chosen = chosen.join(families, on="family_id", how="left").with_columns(
        reached=pl.col(unit_key).is_in(held[unit_key].unique().implode())
    )
    extreme = extreme.with_columns(reached=pl.col("family_id").is_in(reached_families))

    def count_by(frame: pl.DataFrame, **aggs) -> dict:
        if frame.height == 0:
            return {}
        grouped = frame.group_by("district").agg(**aggs)
        return {row["district"]: row for row in grouped.iter_rows(named=True)}

    held_by = count_by(held, rows=pl.len(), ineligible=(~pl.col("on_target").fill_null(True)).sum(),
                       amount=pl.col("amount").fill_null(0).sum())  # fmt: skip
    chosen_by = count_by(chosen, eligible=pl.len(), reached=pl.col("reached").sum())
    extreme_by = count_by(extreme, extreme=pl.len(), reached=pl.col("reached").sum())
    districts = sorted(set(held_by) | set(chosen_by) | set(extreme_by) - {None})
    names = dict(Region.objects.filter(code__in=districts).values_list("code", "name"))
    rows = []
    for code in districts:
        h, c, e = held_by.get(code, {}), chosen_by.get(code, {}), extreme_by.get(code, {})
        rows.append(
            AreaFigures(
                code=code,
                name=names.get(code, code),
                beneficiaries=h.get("rows", 0),
                ineligible=h.get("ineligible", 0),
                eligible=c.get("eligible", 0),
                reached=c.get("reached", 0),
                extreme=e.get("extreme", 0),
                extreme_reached=e.get("reached", 0),
                amount=h.get("amount", 0),
            )
        )
    total = AreaFigures(
        code="",
        name="Jumlah",
        **{name: sum(getattr(row, name) for row in rows) for name in _COUNTS},
    )
    return total, rows


def not_reached_sheet(program: Program) -> pl.DataFrame:
    """The eligible not reached, as the agency's Excel sheet: who, where, how poor."""
    missing = not_reached(program)
    if missing.height == 0:
        return pl.DataFrame(schema={"NO KK": pl.String, "NAMA": pl.String, "NIK": pl.String})
    people = read_frame(
        "SELECT p.id AS person_id, p.full_name, p.nik, p.birth_date, f.id AS family_id, "
        "f.kk_number, f.address, f.rt, f.rw, f.village_id FROM registry_person p "
        "JOIN registry_family f ON f.id = p.family_id"
    )
    status = read_current_status(dt.date.today())
    sheet = missing.join(people.drop("family_id"), on="person_id", how="left").join(
        status, on="family_id", how="left"
    )
    names = dict(
        Region.objects.filter(
            code__in=sheet["village_id"].drop_nulls().unique().to_list()
        ).values_list("code", "name")
    )
    return sheet.sort(["village_id", "rw", "rt", "family_id"]).select(
        pl.col("kk_number").alias("NO KK"),
        pl.col("full_name").alias("NAMA"),
        pl.col("nik").alias("NIK"),
        pl.col("birth_date").cast(pl.Date, strict=False).alias("TANGGAL LAHIR"),
        pl.col("address").alias("ALAMAT"),
        pl.col("rt").alias("RT"),
        pl.col("rw").alias("RW"),
        pl.col("village_id").replace_strict(names, default=None).alias("DESA/KELURAHAN"),
        pl.col("village_id").alias("KODE DESA"),
        pl.col("desil").alias("DESIL"),
        pl.col("status").alias("STATUS"),
    )
