"""A shaded map of the areas below one area: their outlines (or, with none, a point where
their households are), each area's value, the classes and the legend."""

from dataclasses import dataclass

import jenkspy

from padu.regions.models import Boundary, Region
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
        return jenkspy.jenks_breaks(values, n_classes=k)[1:]
    ordered = sorted(values)
    return [
        ordered[min(len(ordered) - 1, round(len(ordered) * i / k) - 1)] for i in range(1, k + 1)
    ]


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
    values = {row.area: indicator.value(row.measures) for row in rows}
    known = [v for v in values.values() if v is not None]
    breaks = classes(known, method) if known else []
    codes = [row.area for row in rows]
    outlines = {b.region_id: b for b in Boundary.objects.filter(region_id__in=codes)}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    features = []
    for row in rows:
        value = values[row.area]
        properties = {
            "kode": row.area,
            "nama": names.get(row.area, row.area),
            "nilai": value,
            "teks": indicator.shown(value),
            "warna": colour_of(value, breaks),
        }
        outline = outlines.get(row.area)
        if outline is not None:
            geometry = outline.geometry
        elif row.centre is not None:
            lat, lng = row.centre
            geometry = {"type": "Point", "coordinates": [round(lng, 5), round(lat, 5)]}
        else:
            continue
        features.append({"type": "Feature", "properties": properties, "geometry": geometry})
    palette = COLOURS[-len(breaks) :] if breaks else []
    lower = [min(known), *breaks[:-1]] if known else []
    labels = [
        f"{indicator.shown(lo)} – {indicator.shown(hi)}"
        for lo, hi in zip(lower, breaks, strict=True)
    ]
    return {"type": "FeatureCollection", "features": features}, Legend(breaks, labels, palette)
