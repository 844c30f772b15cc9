"""The figures of a release, from its Parquet files through DuckDB, never the live tables.

When a release is written, its ``aggregates`` table is computed once: one row per area at
every level (province, regency/city, district, village, RW, RT) with every measure of
``indicators.MEASURES``. A page then reads a handful of rows of a small table, so its time
grows with the number of areas, not with the number of people.
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from padu.regions.codes import is_within

from .indicators import INDICATORS, MEASURES, NEED_DIMENSIONS, NON_FOOD, Indicator
from .storage import open_tables

LEVELS = {1: "provinsi", 2: "kabupaten/kota", 3: "kecamatan", 4: "desa/kelurahan", 5: "RW", 6: "RT"}
_PATH = ["province", "regency", "district", "village", "rw", "rt"]


def build_aggregates(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every measure for every area at every level, from the ``families``, ``persons`` and
    ``needs`` views of ``con``. Areas: ``33.74.01.1001`` for a village, ``…/002`` for its
    RW 002, ``…/002/003`` for an RT; ``parent`` is the area one level up."""
    need_flags = ", ".join(
        f"bool_or(dimension = '{d.value}') AS need_{d.value}" for d in NEED_DIMENSIONS
    )
    nonfood = " OR ".join(f"need_{d.value}" for d in NON_FOOD)
    family_sums = ", ".join(f"SUM({m.sql}) AS {m.name}" for m in MEASURES if m.unit == "family")
    person_sums = ", ".join(f"SUM({m.sql}) AS {m.name}" for m in MEASURES if m.unit == "person")
    need_columns = ", ".join(
        f"coalesce(n.need_{d.value}, false) AS need_{d.value}" for d in NEED_DIMENSIONS
    )
    path = ", ".join(_PATH)
    con.execute(
        f"""
        CREATE TEMP TABLE rt_level AS
        WITH need_of AS (SELECT family_id, {need_flags} FROM needs GROUP BY family_id),
        fam AS (
            SELECT f.*, {need_columns}
            FROM families f LEFT JOIN need_of n USING (family_id)
            WHERE f.lifecycle = 'aktif'
        ),
        fam_with AS (SELECT *, ({nonfood}) AS need_nonfood FROM fam),
        by_family AS (SELECT {path}, {family_sums} FROM fam_with GROUP BY ALL),
        by_person AS (
            SELECT {path}, {person_sums} FROM persons
            WHERE lifecycle = 'aktif' AND village IS NOT NULL GROUP BY ALL
        )
        SELECT * FROM by_family FULL OUTER JOIN by_person USING ({path})
        """
    )
    sums = ", ".join(f"SUM(coalesce({m.name}, 0)) AS {m.name}" for m in MEASURES)
    sets = ", ".join(f"({', '.join(_PATH[:level])})" for level in range(1, 7))
    level = "+".join(f"(1 - GROUPING({column}))" for column in _PATH)
    frame = con.execute(
        f"SELECT {level} AS level, {path}, {sums} FROM rt_level GROUP BY GROUPING SETS ({sets})"
    ).pl()
    return _with_area_codes(frame).sort("level", "area")


def _with_area_codes(frame: pl.DataFrame) -> pl.DataFrame:
    rw = pl.col("village") + "/" + pl.col("rw").fill_null("")
    rt = rw + "/" + pl.col("rt").fill_null("")
    by_level = {
        1: pl.col("province"),
        2: pl.col("regency"),
        3: pl.col("district"),
        4: pl.col("village"),
        5: rw,
        6: rt,
    }
    area = pl.lit(None, pl.String)
    parent = pl.lit(None, pl.String)
    for level, expression in by_level.items():
        area = pl.when(pl.col("level") == level).then(expression).otherwise(area)
        if level > 1:
            parent = pl.when(pl.col("level") == level).then(by_level[level - 1]).otherwise(parent)
    measures = [m.name for m in MEASURES]
    return frame.select(
        "level",
        area.alias("area"),
        parent.alias("parent"),
        *[pl.col(name).cast(pl.Float64 if "sum" in name else pl.Int64) for name in measures],
    )  # fmt: skip


def sub_area_name(area: str) -> str:
    """How an area below a village is called ("RW 002", "RT 003"); other codes as given."""
    parts = area.split("/")
    if len(parts) == 2:
        return f"RW {parts[1] or '–'}"
    if len(parts) == 3:
        return f"RT {parts[2] or '–'}"
    return area


def visible_area(user, release, area: str) -> bool:
    """Whether ``user`` may look at ``area`` in ``release``: an area of the release (one
    above it would hold only its part) that lies in the user's region or above it (a camat
    sees the district, and the city around it for context, not another district)."""
    code = area.split("/")[0]
    if release.region_id and not is_within(code, release.region_id):
        return False
    region = user.region_id
    return not region or is_within(code, region) or is_within(region, code)


def default_area(user, release) -> str:
    """Where a user starts in a release: their own region when it lies inside it."""
    region = user.region_id
    if region and release.region_id and is_within(region, release.region_id):
        return region
    return release.region_id or figures_of(release).top()[0].area


@dataclass
class AreaFigures:
    """An area's row of the aggregates, with its indicators computed."""

    area: str
    level: int
    measures: dict

    @property
    def centre(self) -> tuple[float, float] | None:
        """The mean position of its households with coordinates, if any."""
        located = self.measures.get("families_located")
        if not located:
            return None
        return self.measures["latitude_sum"] / located, self.measures["longitude_sum"] / located

    def indicator(self, code: str) -> float | None:
        return _INDICATOR[code].value(self.measures)

    def indicators(self) -> list[tuple[Indicator, float | None]]:
        return [(i, i.value(self.measures)) for i in INDICATORS]


_INDICATOR = {i.code: i for i in INDICATORS}


class ReleaseFigures:
    """Queries on one release's aggregates, kept in an in-memory DuckDB table."""

    def __init__(self, directory: Path, manifest: dict):
        self.con = open_tables(directory, manifest, ["aggregates"])
        self.con.execute("CREATE TABLE agg AS SELECT * FROM aggregates")
        self.con.execute("CREATE INDEX agg_area ON agg (area)")
        self.con.execute("CREATE INDEX agg_parent ON agg (parent)")

    def area(self, code: str) -> AreaFigures | None:
        rows = self._rows("SELECT * FROM agg WHERE area = ?", [code])
        return rows[0] if rows else None

    def children(self, code: str | None) -> list[AreaFigures]:
        """The areas one level below ``code`` (the top level's areas for None)."""
        if code is None:
            return self._rows("SELECT * FROM agg WHERE level = (SELECT MIN(level) FROM agg)")
        return self._rows("SELECT * FROM agg WHERE parent = ? ORDER BY area", [code])

    def top(self) -> list[AreaFigures]:
        return self.children(None)

    def headline(self, region: str | None) -> list[AreaFigures]:
        """The release's own area (its region), or its top-level areas for a release of
        the whole installation."""
        found = self.area(region) if region else None
        return [found] if found else self.top()

    def rows_at(self, level: int) -> list[AreaFigures]:
        return self._rows("SELECT * FROM agg WHERE level = ? ORDER BY area", [level])

    def levels(self) -> list[int]:
        return [row[0] for row in self._fetch("SELECT DISTINCT level FROM agg ORDER BY 1")]

    def areas(self, level: int) -> list[str]:
        return [
            r[0] for r in self._fetch("SELECT area FROM agg WHERE level = ? ORDER BY area", [level])
        ]

    def _fetch(self, sql: str, params: list | None = None) -> list[tuple]:
        # A cursor per query: one connection is shared by the threads of the web server.
        return self.con.cursor().execute(sql, params or []).fetchall()

    def _rows(self, sql: str, params: list | None = None) -> list[AreaFigures]:
        cursor = self.con.cursor()
        result = cursor.execute(sql, params or [])
        names = [d[0] for d in result.description]
        return [
            AreaFigures(area=row["area"], level=row["level"], measures=row)
            for row in (dict(zip(names, values, strict=True)) for values in result.fetchall())
        ]


@lru_cache(maxsize=8)
def _figures(directory: str, manifest_json: str) -> ReleaseFigures:
    import json

    return ReleaseFigures(Path(directory), json.loads(manifest_json))


def figures_of(release) -> ReleaseFigures:
    """The figures of a built release (its files checked once per process)."""
    import json

    from .storage import release_dir

    return _figures(str(release_dir(release.number)), json.dumps(release.manifest, sort_keys=True))


@dataclass
class Progress:
    """The way toward zero extreme poverty in an area, from the first release to the last."""

    target_year: int
    first: tuple[dt.date, int]
    latest: tuple[dt.date, int]

    @property
    def years_left(self) -> float:
        return max(self.target_year + 1 - _year_fraction(self.latest[0]), 0.0)

    @property
    def pace_needed(self) -> float | None:
        """Persons a year who must leave extreme poverty to reach zero by the target year
        (its end); None when the target year is past and some remain."""
        if self.latest[1] == 0:
            return 0.0
        return self.latest[1] / self.years_left if self.years_left > 0 else None

    @property
    def pace_achieved(self) -> float | None:
        """Persons a year who left it between the first release and the latest."""
        years = _year_fraction(self.latest[0]) - _year_fraction(self.first[0])
        return (self.first[1] - self.latest[1]) / years if years > 0 else None

    @property
    def on_track(self) -> bool | None:
        if self.pace_needed is None or self.pace_achieved is None:
            return None
        return self.pace_achieved >= self.pace_needed


def _year_fraction(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    return day.year + (day - start).days / 365.25


def trend(releases, area: str, indicator: str) -> list[tuple[object, float | None]]:
    """``indicator`` of ``area`` in each release given (oldest first)."""
    points = []
    for release in sorted(releases, key=lambda r: r.as_of):
        row = figures_of(release).area(area)
        points.append((release, row.indicator(indicator) if row else None))
    return points


def progress_to_zero(releases, area: str, *, target_year: int) -> Progress | None:
    """The pace toward zero extremely poor persons in ``area`` across ``releases``."""
    points = [
        (r.as_of.date(), v)
        for r, v in trend(releases, area, "jiwa_miskin_ekstrem")
        if v is not None
    ]
    if not points:
        return None
    return Progress(target_year=target_year, first=points[0], latest=points[-1])
