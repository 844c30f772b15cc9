"""What the public sees of a published release: aggregates down to the village, with small
cells suppressed (``suppression``), and the metadata the national data portal reads (CKAN's
``package_show``) with BPS-style metadata of each indicator."""

import io
from functools import lru_cache

import polars as pl
from django.conf import settings

from padu.regions.codes import is_within
from padu.regions.models import Region

from .figures import figures_of
from .indicators import AGE_GROUPS, INDICATORS_BY_CODE
from .suppression import suppress

#: The counts published, and the lines along which they add up within one area.
PUBLIC_COUNTS = [
    "families",
    "families_poor",
    "families_extreme",
    "persons",
    "persons_poor",
    "persons_extreme",
    "persons_poor_male",
    "persons_poor_female",
    *[f"persons_poor_age_{key}" for key, _label, _sql in AGE_GROUPS],
    "persons_below_line",
    "persons_below_extreme_line",
]
_WITHIN_AREA_LINES = [
    ["persons_poor_male", "persons_poor_female", "persons_poor"],
    [*[f"persons_poor_age_{key}" for key, _label, _sql in AGE_GROUPS], "persons_poor"],
]
#: Rates published, each hidden with the published count it is computed from.
PUBLIC_RATES = {
    "persentase_keluarga_miskin": "families_poor",
    "p0": "persons_below_line",
    "p1": "persons_below_line",
    "p2": "persons_below_line",
    "persentase_miskin_ekstrem": "persons_below_extreme_line",
}
PUBLIC_MAX_LEVEL = 4  # down to the village; RW and RT are too small to publish


def level_shown(levels: list[int], asked: int | None) -> int:
    """The level of a public table to show: the one asked for when the release has it, else
    the areas one level below the release's own."""
    if asked in levels:
        return asked
    return levels[1] if len(levels) > 1 else (levels[0] if levels else 3)


def hidden_or(value, show) -> str:
    """A public cell: "•" where suppression hid it (never shown as zero), else its value."""
    return "•" if value is None else show(value)


def threshold() -> int:
    return settings.SUPPRESSION_THRESHOLD


def public_table(release) -> pl.DataFrame:
    """One row per area (province to village) of a published release: its published
    counts (null where suppressed) and rates (null where their count is)."""
    digest = release.manifest["tables"]["aggregates"]["files"][0]["sha256"]
    return _public_table(release.pk, digest, threshold())


@lru_cache(maxsize=16)
def _public_table(pk: int, _digest: str, limit: int) -> pl.DataFrame:
    from .models import Release

    release = Release.objects.get(pk=pk)
    figures = figures_of(release)
    rows = [
        row
        for level in figures.levels()
        if level <= PUBLIC_MAX_LEVEL
        for row in figures.rows_at(level)
        # An area above the release's own would hold only the release's part of it.
        if not release.region_id or is_within(row.area, release.region_id)
    ]
    values = {
        (row.area, name): int(row.measures[name] or 0) for row in rows for name in PUBLIC_COUNTS
    }
    lines = []
    children: dict[str, list[str]] = {}
    for row in rows:
        if row.measures["parent"]:
            children.setdefault(row.measures["parent"], []).append(row.area)
    areas = {row.area for row in rows}
    for parent, kids in children.items():
        if parent in areas:
            lines += [[*((kid, name) for kid in kids), (parent, name)] for name in PUBLIC_COUNTS]
    for row in rows:
        lines += [[(row.area, name) for name in line] for line in _WITHIN_AREA_LINES]
    hidden = suppress(values, lines, threshold=limit)
    names = dict(Region.objects.filter(code__in=areas).values_list("code", "name"))
    records = []
    for row in rows:
        record = {
            "area": row.area,
            "name": names.get(row.area, row.area),
            "level": row.level,
            "parent": row.measures["parent"],
        }
        for name in PUBLIC_COUNTS:
            record[name] = None if (row.area, name) in hidden else values[(row.area, name)]
        for code, guard in PUBLIC_RATES.items():
            shown = (row.area, guard) not in hidden
            record[code] = INDICATORS_BY_CODE[code].value(row.measures) if shown else None
        records.append(record)
    return pl.DataFrame(records, infer_schema_length=None).sort("level", "area")


def public_bytes(release, file_format: str) -> bytes:
    """The public table as CSV or Parquet, the same bytes every time (for its SHA-256)."""
    table = public_table(release)
    buffer = io.BytesIO()
    if file_format == "parquet":
        table.write_parquet(buffer, compression="zstd", statistics=False)
    else:
        table.write_csv(buffer)
    return buffer.getvalue()


def dataset_name(release) -> str:
    return f"padu-rilis-{release.number}"
