"""Which column holds which canonical field, and what its codes mean: recognised from the
header (a known layout, or the titles Padu knows), settled by a YAML file.

A mapping file, written by Padu from a sample (``padu import FILE --write-mapping M.yaml``)
and edited by the user, looks like::

    preset: opensid-penduduk   # a known layout (padu/sources/data/layouts), if any
    sheet: Data                # XLSX only
    header_row: 4              # 1-based spreadsheet row of the column titles
    columns:
      NAMA KRT: full_name      # by title (exactly as written, or letters and digits alone)
      "#7": relationship       # by position (the 7th column), for titles that repeat
      KETERANGAN: null         # leave this column out
    values:                    # what the codes of a column (or a field) mean
      relationship: {"1": kepala, "2": pasangan, "7": pembantu}
      STATUS RUMAH: {SENDIRI: milik_sendiri}
    defaults:
      regency: "33.74"         # the file's regency/city, when it has names but no codes
      village: "33.74.01.1001" # the file's village, when it is one village's (OpenSID, SIAK)

A key Padu does not know is an error that names it, never silently ignored.
"""

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from padu.regions.codes import level_of, normalize_code

from .canonical import FIELDS, FIELDS_BY_NAME, HEADER_INDEX, Kind, code_key, header_key
from .layouts import CodeLists, Layout, LayoutError, known_header_keys, layout_named, recognise
from .normalise import meanings_not_known
from .reading import RawTable, peek, read_table

_KEYS = {"preset", "sheet", "header_row", "separator", "columns", "values", "defaults"}
_DEFAULTS = {"regency": 2, "village": 4}  # key -> the region level it names
_POSITION = re.compile(r"^#(\d+)$")
#: The kinds whose values a code list can translate.
CODED_KINDS = {Kind.CHOICE, Kind.SEX, Kind.FLAG}


class MappingError(Exception):
    pass


@dataclass
class Mapping:
    columns: dict[str, str | None] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int | None = None
    separator: str | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    preset: str | None = None

    @property
    def layout(self) -> Layout | None:
        """The layout the mapping names (None: recognise it from the header)."""
        return layout_named(self.preset) if self.preset else None

    @property
    def header_keys(self) -> set[str]:
        return {header_key(h) for h in self.columns if not _POSITION.match(str(h))}

    def read(self, path: Path, *, limit: int | None = None) -> RawTable:
        """Read a file the way this mapping (and its layout) says: sheet, header row,
        separator."""
        layout = self.layout
        return read_table(
            path,
            sheet=self.sheet or (layout.sheet if layout else None),
            header_row=self.header_row or (layout.header_row if layout else None),
            separator=self.separator,
            extra_headers=self.header_keys | known_header_keys(),
            limit=limit,
        )

    def in_village(self, code: str) -> "Mapping":
        """This mapping for a file of one village, the one ``code`` names."""
        return replace(self, defaults={**self.defaults, **_defaults({"village": code}, "desa")})

    def code_lists(self, layout: Layout | None) -> CodeLists:
        by_field = {k: v for k, v in self.values.items() if k in FIELDS_BY_NAME}
        by_title = {k: v for k, v in self.values.items() if k not in FIELDS_BY_NAME}
        return CodeLists(layout, by_title=by_title, by_field=by_field)

    def as_dict(self) -> dict:
        return {
            k: v
            for k, v in {
                "preset": self.preset,
                "sheet": self.sheet,
                "header_row": self.header_row,
                "separator": self.separator,
                "columns": self.columns,
                "values": self.values,
                "defaults": self.defaults,
            }.items()
            if v
        }


def load_mapping(path: Path | None) -> Mapping:
    if path is None:
        return Mapping()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(f"File pemetaan {path} tidak terbaca: {error}") from error
    return parse_mapping(text, source=str(path))


def parse_mapping(text: str, *, source: str) -> Mapping:
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        raise MappingError(f"File pemetaan {source} bukan YAML yang sah: {error}") from error
    return mapping_from_dict(data, source=source)


def mapping_from_dict(data: dict, *, source: str = "pemetaan") -> Mapping:
    if not isinstance(data, dict):
        raise MappingError(f"{source}: isi harus berupa pasangan kunci: nilai.")
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise MappingError(
            f"{source}: kunci tidak dikenal: {', '.join(unknown)}. "
            f"Kunci yang ada: {', '.join(sorted(_KEYS))}."
        )
    columns = data.get("columns") or {}
    unknown = sorted({v for v in columns.values() if v and v not in FIELDS_BY_NAME})
    if unknown:
        raise MappingError(
            f"{source}: bidang tidak dikenal: {', '.join(unknown)}. "
            f"Bidang yang ada: {', '.join(f.name for f in FIELDS)}."
        )
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise MappingError(f"{source}: header_row harus nomor baris (1, 2, …).")
    preset = data.get("preset")
    if preset is not None:
        try:
            layout_named(str(preset))
        except LayoutError as error:
            raise MappingError(f"{source}: {error}") from error
    return Mapping(
        columns={str(k): v for k, v in columns.items()},
        sheet=data.get("sheet"),
        header_row=header_row,
        separator=data.get("separator"),
        defaults=_defaults(data.get("defaults") or {}, source),
        values=_values(data.get("values") or {}, source),
        preset=str(preset) if preset is not None else None,
    )


def _defaults(defaults: dict, source: str) -> dict[str, str]:
    unknown = sorted(set(defaults) - set(_DEFAULTS))
    if unknown:
        raise MappingError(
            f"{source}: defaults tidak dikenal: {', '.join(unknown)}. "
            f"Yang ada: {', '.join(_DEFAULTS)}."
        )
    out = {}
    for key, value in defaults.items():
        if value in (None, ""):
            continue
        code = normalize_code(str(value))
        if code is None or level_of(code) != _DEFAULTS[key]:
            kind = "kabupaten/kota (mis. 33.74)" if key == "regency" else "desa (33.74.01.1001)"
            raise MappingError(f"{source}: defaults.{key} {value!r} bukan kode {kind}.")
        out[key] = code
    return out


def _values(values: dict, source: str) -> dict[str, dict[str, str]]:
    out = {}
    for target, codes in values.items():
        if not isinstance(codes, dict):
            raise MappingError(f"{source}: values.{target} harus berisi kode: nilai.")
        spec = FIELDS_BY_NAME.get(str(target))
        if spec is not None and spec.kind not in CODED_KINDS:
            raise MappingError(f"{source}: values.{target}: bidang ini tidak berkode.")
        if spec is not None:
            wrong, known = meanings_not_known(spec, codes)
            if wrong:
                raise MappingError(
                    f"{source}: values.{target}: nilai tidak dikenal: {', '.join(wrong)}. "
                    f"Nilai yang ada: {', '.join(known)}."
                )
        out[str(target)] = {code_key(code): str(value) for code, value in codes.items()}
    return out


@dataclass
class ColumnPlan:
    """Where each canonical field is, what is left over, and the layout that said so."""

    field_columns: dict[str, int]
    unknown: list[str]
    ignored: list[str]
    duplicates: list[tuple[str, str]]  # (header, field) seen again after the first
    layout: Layout | None = None


def plan_columns(header: list[str], mapping: Mapping) -> ColumnPlan:
    """Each column's field: the mapping's by exact title, by position or by title; else the
    layout's (named by the mapping, or recognised from the header); else Padu's own titles."""
    layout = mapping.layout or recognise(header)
    exact = dict(mapping.columns)
    by_key = {header_key(k): v for k, v in mapping.columns.items() if not _POSITION.match(k)}
    by_position = {
        int(m.group(1)) - 1: v for k, v in mapping.columns.items() if (m := _POSITION.match(k))
    }
    own = layout.columns if layout else {}

    def target_of(index: int, title: str, key: str) -> tuple[bool, str | None]:
        """(whether anything names this column, the field it names: None to leave it out)."""
        for names, wanted in ((by_position, index), (exact, title), (by_key, key), (own, key)):
            if wanted in names:
                return True, names[wanted]
        return key in HEADER_INDEX, HEADER_INDEX.get(key)

    field_columns: dict[str, int] = {}
    unknown, ignored, duplicates = [], [], []
    for index, title in enumerate(header):
        key = header_key(title)
        named, target = target_of(index, title, key)
        if not named:
            if key:
                unknown.append(title)
        elif target is None:
            ignored.append(title)
        elif target in field_columns:
            duplicates.append((title, target))
        else:
            field_columns[target] = index
    return ColumnPlan(field_columns, unknown, ignored, duplicates, layout)


def undecided_mapping(path: Path) -> str:
    """A mapping to fill in for a file whose header Padu cannot find: its sheets and first
    rows, and the two things to say (``sheet``, ``header_row``) before anything else."""
    lines = [
        "# Padu tidak menemukan baris judul kolom di file ini. Isi sheet (untuk Excel) dan",
        "# header_row (nomor baris judul, seperti di Excel) dari contoh di bawah, lalu jalankan",
        "# --write-mapping lagi dengan --mapping file ini untuk mendapat daftar kolomnya.",
        "#",
    ]
    sheets = peek(path)
    for name, rows in sheets.items():
        if name:
            lines.append(f"# sheet {name!r}:")
        for number, row in enumerate(rows, start=1):
            cells = " | ".join(cell[:24] for cell in row if cell)[:150]
            lines.append(f"#   baris {number}: {cells}")
    named = [name for name in sheets if name]
    body = {"sheet": named[0] if len(named) == 1 else None, "header_row": None}
    if not named:
        body.pop("sheet")
    return "\n".join(lines) + "\n" + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)


def starter_mapping(
    header: list[str], plan: ColumnPlan, *, sheet: str = "", header_row: int
) -> str:
    """A mapping file for the user to edit: every column, recognised or not."""
    by_index = {i: f for f, i in plan.field_columns.items()}
    columns = {title: by_index.get(i) for i, title in enumerate(header) if title}
    body = {"header_row": header_row, "columns": columns}
    if plan.layout:
        body = {"preset": plan.layout.name, **body}
    if sheet:
        body = {"sheet": sheet, **body}
    body["defaults"] = {"regency": None, "village": None}
    names = ", ".join(f.name for f in FIELDS)
    intro = (
        "# Pemetaan kolom Padu. Ubah nilai null menjadi salah satu bidang di bawah, atau biarkan\n"
        "# null untuk mengabaikan kolom itu. values: arti kode sebuah kolom, mis.\n"
        '#   values: {relationship: {"1": kepala, "2": pasangan}}\n'
        "# defaults.regency: kode kabupaten/kota bila file hanya berisi nama wilayah;\n"
        "# defaults.village: kode desa bila file berisi satu desa tanpa kolom desa.\n"
        f"# Bidang: {names}\n"
    )
    return intro + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)
