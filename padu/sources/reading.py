"""Reading whatever users bring: CSV in any separator and code page, workbooks (.xlsx, .xlsm,
and the old .xls) with title rows.

The result is a table of text cells with its header row found, and the spreadsheet row
number of every data row, so that every message can name the row a person sees in Excel.
"""

import codecs
import csv
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import fastexcel
import polars as pl

from .canonical import HEADER_INDEX, header_key

SEPARATORS = [",", ";", "|", "\t"]
#: Workbooks calamine reads: OpenSID's own templates and SIAK's exports are still .xls.
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_SNIFF_LINES = 40
_SNIFF_BYTES = 256 * 1024
_BLOCK = 4 * 1024 * 1024
_HEADER_SCAN_ROWS = 30
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why and what to do."""


@dataclass
class RawTable:
    file_name: str
    header: list[str]
    #: Every row read, blank ones too: text columns c0..cN, plus "_row" (spreadsheet row
    #: number). Kept apart from ``rows`` so that a pass that needs only some columns reads
    #: only those (the blank-row test needs them all).
    cells: pl.LazyFrame
    header_row: int  # 1-based
    encoding: str = ""
    separator: str = ""
    sheet: str = ""
    short_rows: list[int] = field(default_factory=list)  # rows with fewer cells than the header
    temporary: Path | None = None  # a transcoded copy the rows are read from, removed with us
    family_file: str = ""  # when family columns were joined in from a second file
    parts: tuple["RawTable", ...] = field(default=(), repr=False)  # tables read from, kept open

    def __post_init__(self):
        if self.temporary is not None:
            weakref.finalize(self, self.temporary.unlink, missing_ok=True)

    @property
    def columns(self) -> list[str]:
        return [f"c{i}" for i in range(len(self.header))]

    @property
    def rows(self) -> pl.LazyFrame:
        """The rows that hold anything: trailing blanks and spacer rows are dropped."""
        blank = pl.all_horizontal(
            pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in self.columns
        )
        return self.cells.filter(~blank)

    @cached_property
    def frame(self) -> pl.DataFrame:
        """Every row in memory at once; large files are read in ``chunks`` instead."""
        return self.rows.collect()

    def chunks(self, rows: int) -> Iterator[pl.DataFrame]:
        """The rows, ``rows`` at a time, streamed from the file."""
        for chunk in self.rows.collect_batches(chunk_size=rows):
            if chunk.height:
                yield chunk


def header_score(cells: list[str | None], extra: set[str] = frozenset()) -> int:
    """How many cells of a row are headers Padu knows."""
    keys = {header_key(c) for c in cells if c}
    return sum(1 for k in keys if k and (k in HEADER_INDEX or k in extra))


def _find_header(
    rows: list[list[str | None]], extra: set[str], forced: int | None
) -> tuple[int, list[str]]:
    """The header's 0-based index and its cells; a second header row below it is merged in."""
    if forced is not None:
        if forced < 1 or forced > len(rows):
            raise UnreadableFile(f"baris judul {forced} tidak ada di file.")
        index = forced - 1
    else:
        scores = [header_score(r, extra) for r in rows[:_HEADER_SCAN_ROWS]]
        if not scores or max(scores) < 2:
            raise UnreadableFile(
                "Baris judul kolom tidak ditemukan di 30 baris pertama. Pastikan ada baris berisi "
                "judul seperti NIK, NAMA, NO KK; atau tulis file pemetaan (padu import --write-mapping)."
            )
        index = scores.index(max(scores))

    def cells(i: int) -> list[str]:
        return [str(c).strip() if c is not None else "" for c in rows[i]]

    def merge(top: list[str], bottom: list[str]) -> list[str]:
        width = max(len(top), len(bottom))
        top, bottom = top + [""] * (width - len(top)), bottom + [""] * (width - len(bottom))
        known = [header_key(b) in HEADER_INDEX or header_key(b) in extra for b in bottom]
        return [b if k or not t else t for t, b, k in zip(top, bottom, known, strict=True)]

    # Merged headers: a group title row ("IDENTITAS", "ALAMAT") above the real names
    # ("NIK", "RT", "RW"), with some names only in the upper row.
    if forced is None:
        if index > 0 and header_score(rows[index - 1], extra) >= 2:
            return index, merge(cells(index - 1), cells(index))
        if index + 1 < len(rows) and header_score(rows[index + 1], extra) >= 2:
            return index + 1, merge(cells(index), cells(index + 1))
    return index, cells(index)


def _encoding(path: Path, head: bytes) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(_BLOCK), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "windows-1252"
    return "utf-8"


def _as_utf8(path: Path, encoding: str) -> Path:
    """A UTF-8 copy of a file in another code page, written block by block (Polars reads UTF-8)."""
    with (
        open(path, encoding=encoding, errors="replace", newline="") as source,
        tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", newline="", suffix=".csv", delete=False
        ) as target,
    ):
        for block in iter(lambda: source.read(_BLOCK), ""):
            target.write(block)
    return Path(target.name)


def _sniff_separator(lines: list[str]) -> str:
    """The separator that splits the most lines into the same, largest number of cells."""
    best, best_score = ",", -1
    for sep in SEPARATORS:
        counts = [len(next(csv.reader([line], delimiter=sep))) for line in lines if line.strip()]
        if not counts:
            continue
        widest = max(counts)
        score = sum(1 for n in counts if n == widest) * (widest > 1) * widest
        if score > best_score:
            best, best_score = sep, score
    return best


def read_csv(
    path: Path,
    *,
    separator: str | None = None,
    header_row: int | None = None,
    extra_headers: set[str] = frozenset(),
    limit: int | None = None,
) -> RawTable:
    """Read a CSV without holding its text in memory: the head is sniffed for the code page,
    separator and header row, then Polars reads the body straight from the file."""
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head.strip() and path.stat().st_size <= _SNIFF_BYTES:
        raise UnreadableFile("File kosong (0 byte atau hanya spasi). Periksa file yang diunggah.")
    if head.startswith((_XLSX_MAGIC, _XLS_MAGIC)) or b"\x00" in head[:4096]:
        raise UnreadableFile(
            "File ini bukan teks CSV (isinya biner, mungkin file Excel yang diganti namanya). "
            "Simpan ulang sebagai CSV, atau unggah sebagai .xlsx."
        )
    encoding = _encoding(path, head)
    head_lines = head.decode(encoding, errors="ignore").splitlines()[:_SNIFF_LINES]
    sep = separator or _sniff_separator(head_lines)
    reader = csv.reader(head_lines, delimiter=sep)
    head_rows, line_ends = [], []
    for row in reader:
        head_rows.append(row)
        line_ends.append(reader.line_num)
    index, header = _find_header(head_rows, extra_headers, header_row)
    width = len(header)
    # Lines up to the header (title rows too) are skipped; the first data line's number is
    # the row number a spreadsheet shows for it.
    skip = line_ends[index]
    source = path if encoding.startswith("utf-8") else _as_utf8(path, encoding)
    rows = pl.scan_csv(
        source,
        has_header=False,
        separator=sep,
        skip_lines=skip,
        n_rows=limit,
        schema={f"c{i}": pl.String for i in range(width)},
        truncate_ragged_lines=True,
        missing_columns="insert",
        raise_if_empty=False,
    )
    table = RawTable(
        path.name,
        header,
        _numbered(rows, skip + 1),
        index + 1,
        encoding=encoding,
        separator=sep,
        temporary=None if source == path else source,
    )
    if table.rows.head(1).collect().height == 0:
        raise UnreadableFile("File hanya berisi judul kolom, tanpa baris data.")
    table.short_rows = _short_rows(source, sep, width, skip, limit)
    return table


def _fit_width(frame: pl.DataFrame, width: int) -> pl.DataFrame:
    for i in range(frame.width, width):
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(f"c{i}"))
    return frame.select([f"c{i}" for i in range(width)])


def _numbered(frame: pl.LazyFrame, first_row: int) -> pl.LazyFrame:
    """Number rows as the spreadsheet does."""
    return frame.with_row_index("_row", offset=first_row).with_columns(
        pl.col("_row").cast(pl.Int64)
    )


def _short_rows(source: Path, sep: str, width: int, skip: int, limit: int | None) -> list[int]:
    """Rows cut short (fewer separators than the header has columns), by spreadsheet row.
    Lines with quotes are left alone: a quoted cell may hold the separator."""
    lines = pl.scan_csv(
        source,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        skip_lines=skip,
        n_rows=limit,
        schema={"line": pl.String},
        truncate_ragged_lines=True,
    )
    line = pl.col("line")
    short = (
        lines.with_row_index("_row", offset=skip + 1)
        .filter(
            line.str.strip_chars().str.len_chars() > 0,
            ~line.str.contains('"', literal=True),
            line.str.count_matches(sep, literal=True) < width - 1,
        )
        .select(pl.col("_row").cast(pl.Int64))
        .collect()
    )
    return short["_row"].to_list()


def read_xlsx(
    path: Path,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    extra_headers: set[str] = frozenset(),
    limit: int | None = None,
) -> RawTable:
    try:
        reader = fastexcel.read_excel(str(path))
    except Exception as error:  # calamine raises several kinds for a damaged workbook
        raise UnreadableFile(
            f"File Excel tidak dapat dibuka ({error}). Buka di Excel dan simpan ulang sebagai .xlsx."
        ) from error
    names = reader.sheet_names
    if sheet is not None and sheet not in names:
        raise UnreadableFile(f"Sheet {sheet!r} tidak ada. Sheet yang ada: {', '.join(names)}.")
    candidates = [sheet] if sheet else names
    best_name, best_score = None, -1
    for name in candidates:
        sample = reader.load_sheet(name, header_row=None, n_rows=_HEADER_SCAN_ROWS, dtypes="string")
        rows = [list(r) for r in sample.to_polars().iter_rows()]
        score = max((header_score(r, extra_headers) for r in rows), default=0)
        if score > best_score:
            best_name, best_score = name, score
    if best_score < 2 and header_row is None:
        raise UnreadableFile(
            "Tidak ada sheet berisi judul kolom yang dikenali (NIK, NAMA, NO KK …). "
            f"Sheet yang ada: {', '.join(names)}. Pilih sheet dengan pemetaan (sheet: …)."
        )
    frame = reader.load_sheet(
        best_name,
        header_row=None,
        dtypes="string",
        n_rows=limit + _HEADER_SCAN_ROWS if limit else None,
    ).to_polars()
    rows = [list(r) for r in frame.head(_HEADER_SCAN_ROWS).iter_rows()]
    index, header = _find_header(rows, extra_headers, header_row)
    width = len(header)
    data = frame.slice(index + 1)
    data = data.rename({old: f"c{i}" for i, old in enumerate(data.columns)})
    data = _numbered(_fit_width(data, width).lazy(), index + 2)
    table = RawTable(
        path.name, header, data.head(limit) if limit else data, index + 1, sheet=best_name
    )
    if table.rows.head(1).collect().height == 0:
        raise UnreadableFile(f"Sheet {best_name!r} hanya berisi judul kolom, tanpa baris data.")
    return table


def peek(path: Path, rows: int = 8) -> dict[str, list[list[str]]]:
    """The first ``rows`` rows of each sheet (a CSV is one, named ""), as text: what a
    person looks at to tell Padu which sheet and which row hold the column titles."""
    path = Path(path)
    if path.suffix.lower() in EXCEL_SUFFIXES:
        try:
            reader = fastexcel.read_excel(str(path))
            sheets = {
                name: reader.load_sheet(name, header_row=None, n_rows=rows, dtypes="string")
                .to_polars()
                .rows()
                for name in reader.sheet_names
            }
        except Exception as error:  # calamine raises several kinds for a damaged workbook
            raise UnreadableFile(f"File Excel tidak dapat dibuka ({error}).") from error
    else:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
        lines = head.decode(_encoding(path, head), errors="ignore").splitlines()[:rows]
        sheets = {"": list(csv.reader(lines, delimiter=_sniff_separator(lines)))}
    return {
        name: [["" if cell is None else str(cell).strip() for cell in row] for row in table]
        for name, table in sheets.items()
    }


def read_table(path: Path, **options) -> RawTable:
    """Read a CSV or XLSX file; raises UnreadableFile with a message for the user.
    ``limit`` reads only the first rows (for a preview)."""
    path = Path(path)
    if not path.exists():
        raise UnreadableFile(f"File {path} tidak ditemukan.")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        options.pop("separator", None)
        return read_xlsx(path, **options)
    options.pop("sheet", None)
    return read_csv(path, **options)


@contextmanager
def stored_upload(upload) -> Iterator[Path | None]:
    """The uploaded file on disk under its own suffix, for as long as the import needs it."""
    if upload is None:
        yield None
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{Path(upload.name).suffix.lower()}"
        with open(path, "wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        yield path
