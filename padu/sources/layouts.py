"""Layouts: the known formats of real exports (OpenSID, SIAK, BIP, BDT, SIKS-NG, Regsosek,
P3KE …), each a YAML file in ``data/layouts/``: its column titles, **its own code lists**
(the same number means different things in different systems, so a code belongs to a
layout, never to Padu), and what else it needs (one village per file, a family row above
its members, a KK written only on a family's first row).

A layout file::

    title: OpenSID, format impor penduduk       # what the user is told was recognised
    origin: where its columns and codes come from
    recognise: [kk_level, pendidikan_kk_id]     # titles it alone has; all must be there
    sheet: Data Penduduk                         # optional
    columns: {nama: full_name, kk_level: relationship, …}
    values: {relationship: {"1": kepala, "2": pasangan, …}, …}
    one_village: true          # the file is one village's: the importer names it
    fill_down: [kk_number]     # written on a family's first row only
    family_rows:               # rows that open a family instead of being a person
      marker: '^No\\. ?KK'     # on the row's first cell
      fields: {kk_number: '(\\d{16})', address: 'Alamat\\s*:\\s*(.+)', rt: '#4'}

To add a layout, add a file: it is recognised from the next import on.
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from .canonical import FIELDS_BY_NAME, code_key, header_key
from .normalise import meanings_not_known

LAYOUTS_DIR = Path(__file__).resolve().parent / "data" / "layouts"
_KEYS = {
    "title",
    "origin",
    "recognise",
    "sheet",
    "header_row",
    "columns",
    "values",
    "one_village",
    "fill_down",
    "family_rows",
    "values_from",
    "empty",
    "regency_code",
}


class LayoutError(Exception):
    pass


@dataclass(frozen=True)
class FamilyRows:
    """Rows that open a family (BIP's "No. KK : …" rows): not people, but what their
    members below share."""

    marker: re.Pattern
    #: field -> where its value is: a pattern over the row's cells joined by spaces (its first
    #: group), or "#N", the row's Nth cell.
    fields: dict[str, re.Pattern | int]


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    origin: str
    recognise: frozenset[str]  # header keys
    columns: dict[str, str | None]  # header key -> field (None: a column to leave out)
    values: dict[str, dict[str, str]]  # field -> code (value key) -> Padu's value
    sheet: str | None = None
    header_row: int | None = None
    one_village: bool = False
    fill_down: tuple[str, ...] = ()
    family_rows: FamilyRows | None = None
    empty: frozenset[str] = frozenset()  # words written for "nothing" ("Kosong"), as code keys
    regency_code: tuple[str, ...] = ()  # the province and regency code columns (BPS files)

    def matches(self, keys: set[str]) -> bool:
        return self.recognise <= keys

    def score(self, keys: set[str]) -> int:
        return len(keys & self.columns.keys())


def _field(name, where: str) -> str | None:
    if name is None:
        return None
    if name not in FIELDS_BY_NAME:
        raise LayoutError(f"{where}: bidang tidak dikenal: {name}")
    return name


def layout_from_dict(
    name: str, data: dict, *, where: str, inherited: dict[str, dict[str, str]] | None = None
) -> Layout:
    """The layout a YAML file describes; ``inherited``: the code lists of the layout its
    ``values_from`` names, which its own ``values`` extend."""
    unknown = set(data) - _KEYS
    if unknown:
        raise LayoutError(f"{where}: kunci tidak dikenal: {', '.join(sorted(unknown))}")
    columns = {
        header_key(title): _field(target, where) for title, target in data["columns"].items()
    }
    values = {target: dict(codes) for target, codes in (inherited or {}).items()}
    for target, codes in (data.get("values") or {}).items():
        _field(target, where)
        wrong, known = meanings_not_known(FIELDS_BY_NAME[target], codes)
        if wrong:
            raise LayoutError(
                f"{where}: values.{target}: nilai tidak dikenal: {', '.join(wrong)}. "
                f"Nilai yang ada: {', '.join(known)}."
            )
        values.setdefault(target, {}).update(
            {code_key(code): str(value) for code, value in codes.items()}
        )
    family_rows = None
    if spec := data.get("family_rows"):
        family_rows = FamilyRows(
            re.compile(spec["marker"], re.IGNORECASE),
            {_field(f, where): _family_value(p) for f, p in spec["fields"].items()},
        )
    return Layout(
        name=name,
        title=data["title"],
        origin=data["origin"],
        recognise=frozenset(header_key(h) for h in data["recognise"]),
        columns=columns,
        values=values,
        sheet=data.get("sheet"),
        header_row=data.get("header_row"),
        one_village=bool(data.get("one_village")),
        fill_down=tuple(_field(f, where) for f in data.get("fill_down") or ()),
        family_rows=family_rows,
        empty=frozenset(code_key(word) for word in data.get("empty") or ()),
        regency_code=tuple(data.get("regency_code") or ()),
    )


def _family_value(where: str) -> re.Pattern | int:
    if match := re.fullmatch(r"#(\d+)", where):
        return int(match.group(1))
    return re.compile(where, re.IGNORECASE)


@cache
def layouts() -> dict[str, Layout]:
    """Every shipped layout, by name (its file's name)."""
    files = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(LAYOUTS_DIR.glob("*.yaml"))
    }
    found: dict[str, Layout] = {}

    def load(name: str) -> Layout:
        if name not in found:
            data = files[name]
            parent = data.get("values_from")
            if parent is not None and (parent not in files or parent == name):
                raise LayoutError(f"{name}.yaml: values_from: tata letak {parent!r} tidak ada.")
            inherited = load(parent).values if parent else None
            found[name] = layout_from_dict(name, data, where=f"{name}.yaml", inherited=inherited)
        return found[name]

    return {name: load(name) for name in files}


def layout_named(name: str) -> Layout:
    try:
        return layouts()[name]
    except KeyError as error:
        raise LayoutError(
            f"Tata letak {name!r} tidak dikenal. Yang ada: {', '.join(layouts())}."
        ) from error


def layout_title(name: str) -> str:
    """The title of the layout a batch was read with (its name, if it is gone since)."""
    layout = layouts().get(name)
    return layout.title if layout else name


def recognise(header: list[str]) -> Layout | None:
    """The layout whose telling titles are all in ``header`` (the one naming most columns,
    when several are)."""
    keys = {header_key(title) for title in header if title}
    candidates = [layout for layout in layouts().values() if layout.matches(keys)]
    return max(candidates, key=lambda layout: layout.score(keys), default=None)


def known_header_keys() -> set[str]:
    """Every title some layout names: the reader looks for the header row among them."""
    return {key for layout in layouts().values() for key in layout.columns}


def layouts_for_docs() -> list[tuple[str, str, str]]:
    """(name, title, origin) of each layout, for the README and the upload page."""
    return [(layout.name, layout.title, layout.origin) for layout in layouts().values()]


@dataclass
class CodeLists:
    """The code lists an import reads coded values with: the mapping's own (by column title
    or field), then the layout's (by field)."""

    layout: Layout | None = None
    by_title: dict[str, dict[str, str]] = field(default_factory=dict)
    by_field: dict[str, dict[str, str]] = field(default_factory=dict)

    def for_column(self, field_name: str, title: str) -> tuple[dict[str, str], str]:
        """The codes for this column, and whose list they are ("" when none)."""
        own = self.layout.values.get(field_name, {}) if self.layout else {}
        given = self.by_title.get(title) or self.by_field.get(field_name)
        if given and own:  # the mapping's codes extend the layout's, and win where both say
            return own | given, f"{self.layout.title} dan pemetaan"
        if given:
            return given, "pemetaan"
        if own:
            return own, self.layout.title
        return {}, ""
