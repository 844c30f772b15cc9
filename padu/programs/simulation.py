"""Simulating a program before its budget is set: criteria, areas, a benefit and a budget
give whom it would reach (poorest first, as far as the budget goes), how many extremely
poor and poor families that is, at what inclusion and exclusion error, at what cost."""

import datetime as dt
from dataclasses import dataclass

import polars as pl

from .targeting import active_families, read_current_status, select_eligible

#: The statuses a poverty program is meant for.
POOR = ("ekstrem", "miskin")


@dataclass
class Design:
    name: str
    criteria: list[dict]
    areas: list[str]
    unit: str
    amount: int
    budget: int | None = None


@dataclass
class Outcome:
    design: Design
    eligible: int  # beneficiaries the criteria take
    reached: int  # of them, within the budget
    families: int  # families reached
    extreme_reached: int
    poor_reached: int
    extreme_total: int  # in the region (the areas do not limit who should be reached)
    poor_total: int
    cost: int

    @property
    def inclusion_error(self) -> float | None:
        """Families reached that are not poor, of all families reached."""
        return (self.families - self.poor_reached) / self.families if self.families else None

    @property
    def exclusion_error(self) -> float | None:
        """Poor families not reached, of all poor families."""
        return (self.poor_total - self.poor_reached) / self.poor_total if self.poor_total else None

    @property
    def cost_per_extreme(self) -> float | None:
        return self.cost / self.extreme_reached if self.extreme_reached else None

    def shown(self) -> dict[str, str]:
        def share(value):
            return "—" if value is None else f"{100 * value:.1f}%".replace(".", ",")

        def rupiah(value):
            return "—" if value is None else "Rp" + f"{round(value):,}".replace(",", ".")

        return {
            "inclusion_error": share(self.inclusion_error),
            "exclusion_error": share(self.exclusion_error),
            "cost": rupiah(self.cost),
            "cost_per_extreme": rupiah(self.cost_per_extreme),
        }


def simulate(design: Design, *, within: str | None, on: dt.date | None = None) -> Outcome:
    """What ``design`` would reach within the region ``within`` (all, if None)."""
    on = on or dt.date.today()
    chosen = select_eligible(design.criteria, design.areas, design.unit, on=on)
    families = active_families(within)
    if within:
        chosen = chosen.join(families.select("family_id"), on="family_id", how="semi")
    eligible = chosen.height
    if design.budget is not None and design.amount:
        chosen = chosen.head(design.budget // design.amount)
    status = read_current_status(on)
    region = (
        families.join(status, on="family_id", how="left")
        if families.height
        else pl.DataFrame(schema={"family_id": pl.Int64, "status": pl.String})
    )
    reached = chosen.select("family_id").unique().join(region, on="family_id", how="left")
    return Outcome(
        design=design,
        eligible=eligible,
        reached=chosen.height,
        families=reached.height,
        extreme_reached=reached.filter(pl.col("status") == "ekstrem").height,
        poor_reached=reached.filter(pl.col("status").is_in(POOR)).height,
        extreme_total=region.filter(pl.col("status") == "ekstrem").height,
        poor_total=region.filter(pl.col("status").is_in(POOR)).height,
        cost=chosen.height * design.amount,
    )
