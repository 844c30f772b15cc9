"""Synergy across agencies and levels: for each need (by dimension) in an area, the
families in need, those some program of that sector reached (which programs, whose, at
what funding level, what it cost), the families reached by several programs for the same
need (overlaps), and the extremely poor whom no program reached at all (the gaps: the
list toward zero extreme poverty)."""

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from padu.organisations.choices import Sector
from padu.regions.models import Region
from padu.welfare.household import read_frame
from padu.welfare.models import FamilyNeed, NeedRule

from .choices import FundingLevel
from .targeting import active_families, models_in_force, read_benefits, read_current_status

#: A family reached by this many programs of one sector or more is an overlap.
OVERLAP_AT = 2


@dataclass
class NeedRow:
    dimension: str
    label: str
    in_need: int = 0
    reached: int = 0
    overlaps: int = 0
    most_programs: int = 0
    amount: int = 0
    programs: list[tuple[str, str, str, int]] = field(
        default_factory=list
    )  # name, agency, level, families

    @property
    def coverage(self) -> str:
        return (
            f"{100 * self.reached / self.in_need:.1f}%".replace(".", ",") if self.in_need else "—"
        )


@dataclass
class GapRow:
    code: str
    name: str
    extreme: int
    unreached: int


def _needs(on: dt.date) -> pl.DataFrame:
    """family_id, dimension of every need raised under the classification in force."""
    ids = ",".join(str(m.pk) for m in models_in_force(on).values()) or "NULL"
    raised = read_frame(
        f"SELECT n.family_id, r.dimension FROM {FamilyNeed._meta.db_table} n "
        f"JOIN {NeedRule._meta.db_table} r ON r.id = n.rule_id WHERE n.model_id IN ({ids})"
    )
    if raised.height == 0:
        return pl.DataFrame(schema={"family_id": pl.Int64, "dimension": pl.String})
    return raised.unique()


def need_matrix(within: str | None, district: str | None = None) -> list[NeedRow]:
    """Per dimension of need: in need, reached by a program of that sector, overlaps, cost."""
    on = dt.date.today()
    families = active_families(district or within)
    needs = _needs(on).join(families, on="family_id")
    held = read_benefits().join(families.select("family_id"), on="family_id")
    labels = dict(Sector.choices)
    levels = dict(FundingLevel.choices)
    rows = []
    for dimension, label in labels.items():
        in_need = needs.filter(pl.col("dimension") == dimension).select("family_id").unique()
        mine = held.filter(pl.col("sector") == dimension)
        per_family = (
            mine.join(in_need, on="family_id")
            .group_by("family_id")
            .agg(programs=pl.col("program_id").n_unique())
        )
        row = NeedRow(
            dimension=dimension,
            label=str(label),
            in_need=in_need.height,
            reached=per_family.height,
            overlaps=per_family.filter(pl.col("programs") >= OVERLAP_AT).height,
            most_programs=int(per_family["programs"].max() or 0) if per_family.height else 0,
            amount=int(mine["amount"].fill_null(0).sum()) if mine.height else 0,
        )
        if mine.height:
            by_program = (
                mine.group_by("program", "agency", "funding_level")
                .agg(families=pl.col("family_id").n_unique())
                .sort("families", descending=True)
            )
            row.programs = [
                (r["program"], r["agency"], str(levels.get(r["funding_level"], "")), r["families"])
                for r in by_program.iter_rows(named=True)
            ]
        if row.in_need or row.reached or row.programs:
            rows.append(row)
    return rows


def _extreme(within: str | None) -> pl.DataFrame:
    """family_id, district of the extremely poor families."""
    status = read_current_status(dt.date.today()).filter(pl.col("status") == "ekstrem")
    return active_families(within).join(status.select("family_id"), on="family_id")


def _unreached(extreme: pl.DataFrame) -> pl.DataFrame:
    return extreme.join(read_benefits().select("family_id").unique(), on="family_id", how="anti")


def unreached_extreme(within: str | None) -> pl.DataFrame:
    """family_id, district of the extremely poor families no program reached."""
    return _unreached(_extreme(within))


def gaps(within: str | None) -> tuple[list[GapRow], GapRow]:
    """Per district: the extremely poor, and those of them no program reached."""
    extreme = _extreme(within)
    missing = _unreached(extreme)
    counts = extreme.group_by("district").agg(extreme=pl.len())
    unreached = missing.group_by("district").agg(unreached=pl.len())
    joined = counts.join(unreached, on="district", how="left").sort("district")
    names = dict(
        Region.objects.filter(code__in=joined["district"].to_list()).values_list("code", "name")
    )
    rows = [
        GapRow(
            r["district"],
            names.get(r["district"], r["district"]),
            r["extreme"],
            r["unreached"] or 0,
        )
        for r in joined.iter_rows(named=True)
    ]
    total = GapRow("", "Jumlah", sum(r.extreme for r in rows), sum(r.unreached for r in rows))
    return rows, total
