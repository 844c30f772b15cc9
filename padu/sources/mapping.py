"""Which column holds which canonical field: recognised from headers, settled by a YAML file.

A mapping file, written by Padu from a sample (``padu import FILE --write-mapping M.yaml``)
and edited by the user, looks like::

    sheet: Data            # XLSX only
    header_row: 4          # 1-based spreadsheet row of the column titles
    columns:
      NAMA KRT: full_name
      KETERANGAN: null     # ignore this column
    defaults:
      regency: "33.74"     # region of the whole file, when it has names but no codes
"""

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .canonical import FIELDS, FIELDS_BY_NAME, HEADER_INDEX, header_key
from .reading import RawTable, read_table


class MappingError(Exception):
    pass


@dataclass
class Mapping:
    columns: dict[str, str | None] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int | None = None
    separator: str | None = None
    defaults: dict[str, str] = field(default_factory=dict)

    @property
    def header_keys(self) -> set[str]:
        return {header_key(h) for h in self.columns}

    def read(self, path: Path, *, limit: int | None = None) -> RawTable:
        """Read a file the way this mapping says (sheet, header row, separator)."""
        return read_table(
            path,
            sheet=self.sheet,
            header_row=self.header_row,
            separator=self.separator,
            extra_headers=self.header_keys,
            limit=limit,
        )

    def as_dict(self) -> dict:
        return {
            k: v
            for k, v in {
                "sheet": self.sheet,
                "header_row": self.header_row,
                "separator": self.separator,
                "columns": self.columns,
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
    return Mapping(
        columns={str(k): v for k, v in columns.items()},
        sheet=data.get("sheet"),
        header_row=header_row,
        separator=data.get("separator"),
        defaults={str(k): str(v) for k, v in (data.get("defaults") or {}).items()},
    )


@dataclass
class ColumnPlan:
    """Where each canonical field is, and what is left over."""

    field_columns: dict[str, int]
    unknown: list[str]
    ignored: list[str]
    duplicates: list[tuple[str, str]]  # (header, field) seen again after the first


def plan_columns(header: list[str], mapping: Mapping) -> ColumnPlan:
    overrides = {header_key(k): v for k, v in mapping.columns.items()}
    field_columns: dict[str, int] = {}
    unknown, ignored, duplicates = [], [], []
    for index, title in enumerate(header):
        key = header_key(title)
        if not key:
            continue
        if key in overrides:
            target = overrides[key]
            if target is None:
                ignored.append(title)
                continue
        else:
            target = HEADER_INDEX.get(key)
        if target is None:
            unknown.append(title)
        elif target in field_columns:
            duplicates.append((title, target))
        else:
            field_columns[target] = index
    return ColumnPlan(field_columns, unknown, ignored, duplicates)


def starter_mapping(
    header: list[str], plan: ColumnPlan, *, sheet: str = "", header_row: int
) -> str:
    """A mapping file for the user to edit: every column, recognised or not."""
    by_index = {i: f for f, i in plan.field_columns.items()}
    columns = {title: by_index.get(i) for i, title in enumerate(header) if title}
    body = {"header_row": header_row, "columns": columns, "defaults": {"regency": None}}
    if sheet:
        body = {"sheet": sheet, **body}
    names = ", ".join(f.name for f in FIELDS)
    intro = (
        "# Pemetaan kolom Padu. Ubah nilai null menjadi salah satu bidang di bawah, atau biarkan\n"
        "# null untuk mengabaikan kolom itu. defaults.regency: kode kabupaten/kota bila file\n"
        "# hanya berisi nama wilayah.\n"
        f"# Bidang: {names}\n"
    )
    return intro + yaml.safe_dump(body, allow_unicode=True, sort_keys=False)
