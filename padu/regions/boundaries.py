"""Area boundaries for maps, read from the two forms they come in and shipped compact.

- The SQL of ``cahyadsn/wilayah_boundaries`` (MIT): ``INSERT INTO wilayah_boundaries(kode,
  nama, lat, lng, path)`` rows whose ``path`` is a multipolygon of **[lat, lng]** points.
- GeoJSON (a FeatureCollection whose features carry the Kemendagri code in a property
  named ``kode``, ``code`` or ``kode_wilayah``), with GeoJSON's [lng, lat] points.

Padu ships its own simplified GeoJSON, gzipped, one file per level (villages for the
cities it has them for) in ``data/boundaries/``, with the source's licence beside them.
"""

import gzip
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import MultiPolygon, mapping, shape
from shapely.validation import make_valid

from .codes import level_of, normalize_code

SHIPPED = Path(__file__).resolve().parent / "data" / "boundaries"
#: Simplification tolerance in degrees per level (about 1 km for a province, 20 m for a
#: village): a city's map needs no more, and the files stay small.
TOLERANCE = {1: 0.02, 2: 0.005, 3: 0.001, 4: 0.0002}
DIGITS = 5  # about a metre

_ROW = re.compile(
    r"\(\s*'(?P<code>[\d.]+)'\s*,\s*'(?P<name>(?:[^'\\]|\\.|'')*)'\s*,\s*(?P<lat>-?[\d.]+)\s*,"
    r"\s*(?P<lng>-?[\d.]+)\s*,\s*'(?P<path>\[[^']*\])'\s*\)"
)


class BoundaryError(ValueError):
    """A boundary file Padu cannot read; the message names the file and what is wrong."""


@dataclass
class Boundary:
    code: str
    name: str
    geometry: dict  # GeoJSON geometry, [lng, lat]
    centroid: tuple[float, float]  # (lat, lng)


def read_file(path: Path) -> Iterator[Boundary]:
    """The boundaries in ``path``: the SQL form, or GeoJSON (either may be gzipped)."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as error:
        raise BoundaryError(f"{path.name}: tidak dapat dibaca ({error}).") from error
    if text.lstrip().startswith("{"):
        yield from _from_geojson(path, text)
    else:
        yield from _from_sql(path, text)


def _from_sql(path: Path, text: str) -> Iterator[Boundary]:
    found = False
    for match in _ROW.finditer(text):
        found = True
        rings = json.loads(match["path"])
        polygons = rings if rings and isinstance(rings[0][0][0], list) else [rings]
        geometry = {
            "type": "MultiPolygon",
            "coordinates": [
                [[[lng, lat] for lat, lng in ring] for ring in polygon] for polygon in polygons
            ],
        }
        yield Boundary(
            code=match["code"],
            name=match["name"].replace("''", "'").replace("\\'", "'"),
            geometry=geometry,
            centroid=(float(match["lat"]), float(match["lng"])),
        )
    if not found:
        raise BoundaryError(
            f"{path.name}: tidak ada baris INSERT wilayah_boundaries(kode,nama,lat,lng,path) "
            "maupun GeoJSON di dalamnya."
        )


def _from_geojson(path: Path, text: str) -> Iterator[Boundary]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise BoundaryError(f"{path.name}: GeoJSON tidak sah ({error}).") from error
    for number, feature in enumerate(data.get("features", []), start=1):
        properties = feature.get("properties") or {}
        raw = next(
            (properties[k] for k in ("kode", "code", "kode_wilayah") if k in properties), None
        )
        code = normalize_code(str(raw)) if raw is not None else None
        if code is None:
            raise BoundaryError(
                f"{path.name}: fitur ke-{number} tidak punya kode wilayah Kemendagri di "
                "properti kode, code atau kode_wilayah."
            )
        geometry = shape(feature["geometry"])
        point = geometry.representative_point()
        yield Boundary(
            code=code,
            name=str(properties.get("nama") or properties.get("name") or ""),
            geometry=feature["geometry"],
            centroid=(point.y, point.x),
        )


def simplified(boundary: Boundary) -> dict:
    """Its geometry simplified for its level and rounded to about a metre."""
    geometry = _polygonal(make_valid(shape(boundary.geometry)))
    tolerance = TOLERANCE.get(level_of(boundary.code), 0.0002)
    small = geometry.simplify(tolerance, preserve_topology=True)
    if small.is_empty:
        small = geometry
    return _rounded(mapping(small))


def _polygonal(geometry):
    """The polygons of a geometry (repairing one may leave stray lines or points)."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    parts = [
        g for g in getattr(geometry, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")
    ]
    polygons = [p for g in parts for p in getattr(g, "geoms", [g])]
    return MultiPolygon(polygons)


def _rounded(geometry: dict) -> dict:
    def walk(value):
        if isinstance(value, float):
            return round(value, DIGITS)
        if isinstance(value, (list, tuple)):
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def pack(boundaries: list[Boundary], out: Path) -> int:
    """Write ``boundaries`` simplified as one gzipped GeoJSON FeatureCollection."""
    features = [
        {
            "type": "Feature",
            "properties": {"kode": b.code, "nama": b.name, "lat": round(b.centroid[0], DIGITS),
                           "lng": round(b.centroid[1], DIGITS)},
            "geometry": simplified(b),
        }
        for b in sorted(boundaries, key=lambda b: b.code)
    ]  # fmt: skip
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same boundaries give the same bytes.
    out.write_bytes(gzip.compress(body.encode("utf-8"), compresslevel=9, mtime=0))
    return len(features)


def shipped_files() -> list[Path]:
    return sorted(SHIPPED.glob("*.geojson.gz"))
