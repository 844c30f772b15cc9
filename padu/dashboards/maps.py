"""A shaded map of the areas below one area: their outlines (or, with none, a point where
their households are), each area's value, the classes and the legend."""

from dataclasses import dataclass

import jenkspy

from padu.regions.models import Boundary, Region
from padu.releases.figures import sub_area_name
from padu.releases.indicators import INDICATORS_BY_CODE

#: Light to dark green: more poverty is darker; no data is grey, never a colour of a class.
COLOURS = ["#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c"]
NO_DATA = "#d9d9d9"
CLASSINGS = {"kuantil": "jumlah wilayah sama per kelas", "jenks": "pemisahan alami (Jenks)"}


@dataclass
class Legend:
    breaks: list[float]
    labels: list[str]
    colours: list[str]


def classes(values: list[float], method: str, k: int = 5) -> list[float]:
    """Upper bounds of up to ``k`` classes of ``values`` (quantiles: equal counts; jenks:
    natural breaks)."""
    distinct = sorted(set(values))
    if len(distinct) <= k:
        return distinct
    if method == "jenks":
        breaks = jenkspy.jenks_breaks(values, n_classes=k)[1:]
    else:
        ordered = sorted(values)
        breaks = [
            ordered[min(len(ordered) - 1, round(len(ordered) * i / k) - 1)] for i in range(1, k + 1)
        ]
    # Many equal values (a city where most villages have no extremely poor) give equal
    # bounds: one class each.
    return sorted(set(breaks))


def colour_of(value: float | None, breaks: list[float]) -> str:
    if value is None:
        return NO_DATA
    palette = COLOURS[-len(breaks) :] if breaks else COLOURS
    for bound, colour in zip(breaks, palette, strict=False):
        if value <= bound:
            return colour
    return palette[-1]


def feature_collection(rows: list, indicator_code: str, method: str) -> tuple[dict, Legend]:
    """GeoJSON of the areas in ``rows`` (AreaFigures) shaded by an indicator. An area with
    no outline is a point where its households are, or left out when none has a position."""
    indicator = INDICATORS_BY_CODE[indicator_code]
    return shaded(
        [(row.area, indicator.value(row.measures), row.centre) for row in rows],
        indicator,
        method,
    )


#: An area's value that is not shown to this reader (a small count hidden from the public).
HIDDEN = "hidden"
HIDDEN_COLOUR = "#ffffff"


def shaded(areas: list[tuple], indicator, method: str) -> tuple[dict, Legend]:
    """GeoJSON of ``areas`` — (code, value or None or HIDDEN, (lat, lng) or None) — shaded
    by their values: classes over the values known, grey for no data, white for hidden."""
    known = [v for _code, v, _centre in areas if v is not None and v != HIDDEN]
    breaks = classes(known, method) if known else []
    codes = [code for code, _v, _c in areas]
    outlines = {b.region_id: b for b in Boundary.objects.filter(region_id__in=codes)}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    features = []
    for code, value, centre in areas:
        hidden = value == HIDDEN
        properties = {
            "kode": code,
            "nama": names.get(code) or sub_area_name(code),
            "nilai": None if hidden else value,
            "teks": "disembunyikan (jumlah kecil)" if hidden else indicator.shown(value),
            "warna": HIDDEN_COLOUR if hidden else colour_of(value, breaks),
        }
        outline = outlines.get(code)
        if outline is not None:
            geometry = outline.geometry
        elif centre is not None:
            geometry = {"type": "Point", "coordinates": [round(centre[1], 5), round(centre[0], 5)]}
        else:
            continue
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    palette = COLOURS[-len(breaks) :] if breaks else []
    labels = [
        f"{indicator.shown(min(known))} – {indicator.shown(hi)}"
        if i == 0
        else f"> {indicator.shown(breaks[i - 1])} – {indicator.shown(hi)}"
        for i, hi in enumerate(breaks)
    ]
    return {"type": "FeatureCollection", "features": features}, Legend(breaks, labels, palette)


#: Colours of a household point by its status (extreme darkest).
STATUS_COLOURS = {
    "ekstrem": "#7f0000",
    "miskin": "#d7301f",
    "rentan": "#fc8d59",
    "tidak_miskin": "#9ecae1",
}


#: Grid cell (degrees) that households are clustered into above a village: about 2 km in a
#: regency/city, 500 m in a district.
CLUSTER_CELL = {1: 0.1, 2: 0.02, 3: 0.005}


def household_points(
    release, area: str, *, status: str = "", need: str = "", program: str = ""
) -> dict:
    """The households of ``area`` that have a position, filtered by status, need dimension
    or program: one point each in a village or below (with its status and programs), and
    above that clusters of a grid cell with their count (personal data either way: the
    caller checks who may see it and logs it)."""
    from padu.releases import storage
    from padu.releases.snapshot import FLAG_PROGRAMS

    code = area.split("/")
    level = code[0].count(".") + 1 if len(code) == 1 else 4 + len(code) - 1
    where = ["f.lifecycle = 'aktif'", "f.latitude IS NOT NULL", "f.longitude IS NOT NULL"]
    params: list = []
    if level < 4:
        where.append("f.village LIKE ?")
        params.append(code[0] + ".%")
    else:
        where.append("f.village = ?")
        params.append(code[0])
        for column, value in zip(("rw", "rt"), code[1:], strict=False):
            where.append(f"f.{column} = ?")
            params.append(value)
    if status:
        where.append("f.status = ?")
        params.append(status)
    if need:
        where.append("f.family_id IN (SELECT family_id FROM needs WHERE dimension = ?)")
        params.append(need)
    fields = {code_: field for field, (code_, _label) in FLAG_PROGRAMS.items()}
    if program in fields:
        where.append(f"coalesce(f.{fields[program]}, false)")
    con = storage.open_tables(
        storage.release_dir(release.number), release.manifest, ["families", "needs"]
    )
    try:
        if level < 4:
            return _clusters(con, " AND ".join(where), params, CLUSTER_CELL[level])
        flags = ", ".join(
            f'coalesce({field}, false) AS "{code_}"' for code_, field in fields.items()
        )
        rows = con.execute(
            f"SELECT f.family_id, f.latitude, f.longitude, f.status, f.desil, {flags} "
            f"FROM families f WHERE {' AND '.join(where)} ORDER BY f.family_id",
            params,
        ).fetchall()
    finally:
        con.close()
    features = []
    for family_id, lat, lng, family_status, desil, *received in rows:
        programs = [code_ for code_, got in zip(fields, received, strict=True) if got]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
                "properties": {
                    "id": family_id,
                    "status": family_status or "",
                    "desil": desil,
                    "program": programs,
                    "warna": STATUS_COLOURS.get(family_status or "", NO_DATA),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _clusters(con, where: str, params: list, cell: float) -> dict:
    """Households grouped into grid cells: where they are, how many, how many extremely
    poor (a cluster is drawn at its households' mean position)."""
    rows = con.execute(
        f"SELECT count(*), avg(f.latitude), avg(f.longitude), "
        f"count(*) FILTER (WHERE f.status = 'ekstrem') "
        f"FROM families f WHERE {where} "
        f"GROUP BY floor(f.latitude / {cell}), floor(f.longitude / {cell})",
        params,
    ).fetchall()
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lng, 5), round(lat, 5)]},
                "properties": {"jumlah": count, "ekstrem": extreme},
            }
            for count, lat, lng, extreme in rows
        ],
    }


def svg_map(collection: dict, *, width_mm: float = 170, height_mm: float = 100) -> str:
    """The shaded areas of a feature collection as one SVG (shapely draws each outline),
    for a printed report; areas drawn only as points are left out."""
    from shapely.geometry import shape

    shapes = [
        (shape(f["geometry"]), f["properties"]["warna"])
        for f in collection["features"]
        if f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    ]
    if not shapes:
        return ""
    xs = [b for g, _c in shapes for b in (g.bounds[0], g.bounds[2])]
    ys = [b for g, _c in shapes for b in (g.bounds[1], g.bounds[3])]
    minx, maxx, miny, maxy = min(xs), max(xs), min(ys), max(ys)
    width, height = maxx - minx, maxy - miny
    width_mm = min(width_mm, height_mm * width / height)  # fits the page beside its text
    stroke = max(width, height) / 500
    paths = "".join(
        g.svg(scale_factor=stroke / 2, fill_color=colour, opacity=1.0) for g, colour in shapes
    )
    # North up: the y axis of SVG points down, latitude up.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_mm}mm" '
        f'height="{width_mm * height / width:.1f}mm" viewBox="{minx} {-maxy} {width} {height}">'
        f'<g transform="scale(1,-1)">{paths}</g></svg>'
    )
