"""A poverty profile of one area for a meeting (TKPK, musrenbang): its headline figures,
the areas below it, every dashboard section, and, for a reader who may see names, the
extremely poor families no program reached. As PDF (WeasyPrint) and Excel, dated and
stamped with the release it came from."""

import io

import polars as pl
import xlsxwriter
from django.template.loader import render_to_string
from django.utils import timezone

from padu.releases import storage
from padu.releases.figures import AreaFigures
from padu.releases.indicators import INDICATORS_BY_CODE, whole_number
from padu.releases.snapshot import FLAG_PROGRAMS

from .maps import shaded, svg_map
from .sections import HEADLINE, SECTIONS

#: The figure the report's map is shaded by.
MAP_FIGURE = "persentase_keluarga_miskin"

#: Families listed at most (a city's list is an annex of its own, not a page of a report).
LIST_LIMIT = 500


def profile(
    release, here: AreaFigures, children: list[AreaFigures], names: dict, *, with_names: bool
) -> dict:
    """Everything the report shows, as plain values."""
    headline = [
        (
            INDICATORS_BY_CODE[c].label,
            INDICATORS_BY_CODE[c].shown(here.indicator(c)),
            INDICATORS_BY_CODE[c].unit,
        )
        for c in HEADLINE
    ]
    sections = []
    for section in SECTIONS:
        values = section.values(here.measures)
        top = max([v or 0 for _n, _l, v in values] + [1])
        sections.append(
            {
                "title": section.title,
                "unit": section.unit,
                "rows": [
                    (label, whole_number(v), round(100 * (v or 0) / top)) for _n, label, v in values
                ],
            }
        )
    areas = [
        {
            "name": names.get(c.area, c.area),
            "values": [INDICATORS_BY_CODE[code].shown(c.indicator(code)) for code in HEADLINE],
        }
        for c in children
    ]
    collection, legend = shaded(
        [(c.area, c.indicator(MAP_FIGURE), c.centre) for c in children],
        INDICATORS_BY_CODE[MAP_FIGURE],
        "kuantil",
    )
    return {
        "map_svg": svg_map(collection),
        "map_title": INDICATORS_BY_CODE[MAP_FIGURE].label,
        "map_legend": list(zip(legend.labels, legend.colours, strict=True)),
        "release": release,
        "area": here.area,
        "area_name": names.get(here.area, here.area),
        "made_at": timezone.localtime(),
        "headline": headline,
        "columns": [INDICATORS_BY_CODE[c].label for c in HEADLINE],
        "areas": areas,
        "sections": sections,
        "families": unreached_extreme_families(release, here.area) if with_names else None,
        "limit": LIST_LIMIT,
    }


def unreached_extreme_families(release, area: str) -> pl.DataFrame:
    """The extremely poor families of ``area`` that no program reached, with their head,
    KK and address (personal data: the caller checks who may read it and logs it)."""
    code = area.split("/")
    con = storage.open_tables(
        storage.release_dir(release.number), release.manifest, ["families", "persons"]
    )
    no_program = " AND ".join(f"NOT coalesce(f.{field}, false)" for field in FLAG_PROGRAMS)
    where = ["f.lifecycle = 'aktif'", "f.status = 'ekstrem'", no_program, "f.village LIKE ?"]
    params = [code[0] + "%"]
    if len(code) > 1:
        where.append("f.rw = ?")
        params.append(code[1])
    if len(code) > 2:
        where.append("f.rt = ?")
        params.append(code[2])
    try:
        return con.execute(
            f"""
            SELECT f.kk_number AS no_kk, h.full_name AS kepala_keluarga, f.address AS alamat,
                   f.rt, f.rw, f.village AS desa, f.members AS anggota, f.desil
            FROM families f
            LEFT JOIN (SELECT family_id, first(full_name ORDER BY relationship <> 'kepala', age DESC) AS full_name
                       FROM persons WHERE lifecycle = 'aktif' GROUP BY family_id) h USING (family_id)
            WHERE {" AND ".join(where)}
            ORDER BY f.village, f.rw, f.rt, f.kk_number
            """,
            params,
        ).pl()
    finally:
        con.close()


def pdf_bytes(context: dict, *, base_url: str) -> bytes:
    from weasyprint import HTML  # imported here: it loads Pango, which only reports need

    families = context["families"]
    html = render_to_string(
        "dashboards/report.html",
        {
            **context,
            "family_rows": families.head(LIST_LIMIT).rows() if families is not None else None,
        },
    )
    return HTML(string=html, base_url=base_url).write_pdf()


def xlsx_bytes(context: dict) -> bytes:
    """The same profile as a workbook: a sheet per part."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        pl.DataFrame(
            {
                "angka": [h[0] for h in context["headline"]],
                "nilai": [h[1] for h in context["headline"]],
                "satuan": [h[2] for h in context["headline"]],
            }
        ).write_excel(book, worksheet="Ringkasan", autofit=True)
        if context["areas"]:
            pl.DataFrame(
                [
                    {
                        "wilayah": a["name"],
                        **dict(zip(context["columns"], a["values"], strict=True)),
                    }
                    for a in context["areas"]
                ]
            ).write_excel(book, worksheet="Per wilayah", autofit=True)
        for number, section in enumerate(context["sections"], start=1):
            pl.DataFrame(
                {
                    "": [r[0] for r in section["rows"]],
                    section["unit"]: [r[1] for r in section["rows"]],
                }
            ).write_excel(book, worksheet=f"{number}. {section['title'][:24]}", autofit=True)
        if context["families"] is not None:
            context["families"].write_excel(book, worksheet="Ekstrem tanpa program", autofit=True)
    return buffer.getvalue()
