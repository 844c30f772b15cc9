"""What one chunk of a file cannot tell alone: where the file is (its regency, each row's
village, from a first pass over the place columns), and what the chunks before it held
(repeated rows, reused record ids)."""

from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from padu.regions.models import Region

from . import normalise as n
from .canonical import FIELDS_BY_NAME, header_key, unique_headers
from .checks import Issues, fmt
from .choices import Severity
from .layouts import CodeLists, FamilyRows
from .mapping import ColumnPlan, Mapping, MappingError, plan_columns
from .per_value import with_per_value
from .places import Placement, VillageResolver
from .reading import RawTable

#: Seeds of the two 64-bit hashes that together tell rows apart (see FileSurvey.facts_of).
ROW_HASH_SEEDS = (0x5EED_0001, 0x5EED_0002)


@dataclass
class FileSurvey:
    """What the rows of one chunk cannot tell alone: where the file is (from a first pass
    over its place columns only), and what the chunks before held (rows and record ids), so
    that repeated rows and reused ids are found as the chunks go by, in one pass over the
    cells."""

    plan: ColumnPlan
    codes: CodeLists  # what coded values mean: the mapping's lists, then the layout's
    header: list[str]  # unique column titles
    columns: list[str]  # the text columns c0..cN
    own_id: pl.Expr  # the row's own record id, or null
    rows_in_file: int  # blank rows too: the end of the progress bar
    places: "Places"
    households: "Households"
    notes_from: int | None = None  # the row of a "###" or "Catatan:" line: notes from there on
    normalised: dict[tuple, pl.DataFrame | None] = field(default_factory=dict)  # with_per_value
    rows_before: int = 0  # rows of the chunks already seen
    seen_rows: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"_h1": pl.UInt64, "_h2": pl.UInt64, "_seen_row": pl.Int64}
        )
    )
    seen_ids: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(
            schema={"_record_id": pl.String, "_id_seen_row": pl.Int64}
        )
    )

    def facts_of(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame``, the next chunk of the file, with its rows' facts: ``_duplicate`` and
        ``_first_row`` (an exact repeat of an earlier row, which is kept), ``_record_id``
        (the row's own id, else its ordinal among the file's rows), and ``_id_reused`` and
        ``_id_first_row`` (an id another, different row already has). Chunks must come in
        file order, each once.

        Rows are told apart by two independent 64-bit hashes of all their cells: a pair
        shared by two different rows is less likely than one in 10^20 in a file of a
        billion rows, and no earlier row has to be read again to compare.
        """
        # A family row's values are the row's too: two people alike but for their KK differ.
        row = pl.struct(self.columns + list(self.households.family_columns.values()))
        keys = frame.select(
            "_row",
            _h1=row.hash(ROW_HASH_SEEDS[0]),
            _h2=row.hash(ROW_HASH_SEEDS[1]),
            _own_id=self.own_id,
        )
        keys = keys.join(
            _rows_sharing(self.seen_rows, keys, "_h1"),
            on=["_h1", "_h2"],
            how="left",
            maintain_order="left",
        )
        first_here = pl.col("_row").first().over("_h1", "_h2")
        ordinal = pl.int_range(1, pl.len() + 1) + self.rows_before
        keys = keys.with_columns(
            _first_row=pl.coalesce(
                "_seen_row", pl.when(first_here != pl.col("_row")).then(first_here)
            ),
            _record_id=pl.coalesce("_own_id", ordinal.cast(pl.String)),
        ).with_columns(_duplicate=pl.col("_first_row").is_not_null())
        distinct = keys.filter(~pl.col("_duplicate"))
        # Among rows that are not exact repeats, an id may appear once.
        ids = distinct.select("_row", "_record_id")
        ids = ids.join(
            _rows_sharing(self.seen_ids, ids, "_record_id"),
            on="_record_id",
            how="left",
            maintain_order="left",
        )
        ids = ids.with_columns(
            _id_first_row=pl.coalesce("_id_seen_row", pl.col("_row").first().over("_record_id"))
        )
        self.rows_before += frame.height
        self.seen_rows = pl.concat(
            [self.seen_rows, distinct.select("_h1", "_h2", _seen_row="_row")]
        )
        self.seen_ids = pl.concat(
            [
                self.seen_ids,
                ids.filter(pl.col("_id_first_row") == pl.col("_row")).select(
                    "_record_id", _id_seen_row="_row"
                ),
            ]
        )
        facts = keys.select("_row", "_record_id", "_duplicate", "_first_row").join(
            ids.select("_row", "_id_first_row"), on="_row", how="left", maintain_order="left"
        )
        return frame.hstack(
            facts.select(
                "_record_id",
                "_duplicate",
                "_first_row",
                "_id_first_row",
                _id_reused=(pl.col("_id_first_row") != pl.col("_row")).fill_null(False),
            )
        )


def _rows_sharing(seen: pl.DataFrame, chunk: pl.DataFrame, column: str) -> pl.DataFrame:
    """The rows of ``seen`` (what the file's earlier chunks held, up to a million rows) whose
    ``column`` the chunk has too: joining the chunk to those few is a quarter of the time of
    joining it to them all, which hashes the whole of ``seen`` again for every chunk."""
    return seen.filter(pl.col(column).is_in(chunk[column].implode()))


def survey(
    table: RawTable, mapping: Mapping, within: str | None = None, *, place_optional: bool = False
) -> FileSurvey:
    """A first pass over the file's place columns only (a full read of every cell is left
    to the chunks). ``within``: the importer's region; rows placed outside it are rejected,
    as are rows with no known village, unless ``place_optional`` (a list linked to the
    registry by person: there a row's place is a fact to check, not what keeps it)."""
    plan = plan_columns(table.header, mapping)
    fc = plan.field_columns

    def text(field: str) -> pl.Expr:
        return pl.col(f"c{fc[field]}") if field in fc else pl.lit(None, pl.String)

    places = table.cells.select(
        "_row",
        _code=text("village_code"),
        _rname=text("regency_name"),
        _rcode=_regency_code(table.header, plan.layout),
        _first=pl.col("c0"),
    ).collect(engine="streaming")
    notes = places.filter(pl.col("_first").str.contains(NOTE_MARKER).fill_null(False))
    header = unique_headers(table.header)
    return FileSurvey(
        plan,
        mapping.code_lists(plan.layout),
        header,
        table.columns,
        own_id=n.clean_text(text("record_id")),
        rows_in_file=places.height,
        places=Places(
            mapping,
            places,
            within,
            one_village=bool(plan.layout and plan.layout.one_village),
            optional=place_optional,
        ),
        households=Households.of(plan, header, table.columns),
        notes_from=notes["_row"].min() if notes.height else None,
    )


def _regency_code(header: list[str], layout) -> pl.Expr:
    """The regency code a row's province and regency code columns make ("33" and "74":
    3374), when its layout names them: BPS and Kemendagri agree on those two levels."""
    keys = [header_key(title) for title in header]
    wanted = [header_key(title) for title in (layout.regency_code if layout else ())]
    if not wanted or any(key not in keys for key in wanted):
        return pl.lit(None, pl.String)
    parts = [n.clean_text(pl.col(f"c{keys.index(key)}")).str.zfill(2) for key in wanted]
    return pl.concat_str(parts)


#: The line under a template's data after which come its notes ("###", "Catatan:").
NOTE_MARKER = r"(?i)^\s*(#{3}|catatan\s*:)"


@dataclass
class Households:
    """Values a row shares with the rows above it, as a layout writes them: a family row's
    KK and address (BIP's "No. KK : …" rows, added to the chunk as columns of their own),
    and values written on a family's first row only (``fill_down``). What the last chunk
    ended with carries into the next."""

    family: FamilyRows | None = None
    family_columns: dict[str, str] = field(default_factory=dict)  # field -> added column
    fill_down: list[str] = field(default_factory=list)  # columns written once per family
    columns: list[str] = field(default_factory=list)  # the file's own columns
    carried: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def of(cls, plan: ColumnPlan, header: list[str], columns: list[str]) -> "Households":
        """The households of a file laid out as ``plan`` says; family fields the file has no
        column for become added columns (with titles in ``header``, for the messages)."""
        layout = plan.layout
        if layout is None:
            return cls(columns=columns)
        added = {}
        if layout.family_rows:
            for name in layout.family_rows.fields:
                if name not in plan.field_columns:
                    plan.field_columns[name] = len(header)
                    added[name] = f"c{len(header)}"
                    header.append(f"{FIELDS_BY_NAME[name].headers[0]} (baris keluarga)")
        fill_down = [
            f"c{plan.field_columns[name]}"
            for name in layout.fill_down
            if name in plan.field_columns and name not in added
        ]
        return cls(layout.family_rows, added, fill_down, columns)

    def fill(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` with ``_family_row`` (a row that opens a family) and the values its rows
        share with those above."""
        if self.family is None:
            frame = frame.with_columns(_family_row=pl.lit(False))
        else:
            first = pl.col(self.columns[0]).str.strip_chars()
            text = pl.concat_str([pl.col(c).fill_null("") for c in self.columns], separator=" ")
            frame = frame.with_columns(
                _family_row=first.str.contains("(?i)" + self.family.marker.pattern).fill_null(False)
            )
            opened = pl.col("_family_row").cum_sum()
            for name, column in self.family_columns.items():
                where = self.family.fields[name]
                if isinstance(where, int):
                    found = n.clean_text(pl.col(self.columns[where - 1]))
                else:
                    found = n.clean_text(text.str.extract("(?i)" + where.pattern, 1))
                value = found.first().over(opened)
                frame = frame.with_columns(
                    pl.when(opened == 0)
                    .then(pl.lit(self.carried.get(column), pl.String))
                    .otherwise(value)
                    .alias(column)
                )
                if frame["_family_row"].any():
                    last = frame.filter("_family_row")[column].to_list()[-1]
                    self.carried[column] = last
        for column in self.fill_down:
            given = n.clean_text(pl.col(column))
            frame = frame.with_columns(
                given.forward_fill().fill_null(pl.lit(self.carried.get(column), pl.String))
            )
            filled = frame[column].drop_nulls()
            if filled.len():
                self.carried[column] = filled[-1]
        return frame


def _regency_of_codes(codes: pl.Series) -> str | None:
    """The most common regency of a file's province and regency codes, if it exists."""
    for code, _ in Counter(codes.drop_nulls().to_list()).most_common(3):
        dotted = f"{code[:2]}.{code[2:4]}"
        if len(code) == 4 and Region.objects.filter(code=dotted, level=2).exists():
            return dotted
    return None


class Places:
    """Village codes for rows: from the code column, else from names within the regency.
    The regency is settled once for the whole file; names are looked up once each."""

    def __init__(
        self,
        mapping: Mapping,
        keys: pl.DataFrame,
        within: str | None = None,
        *,
        one_village: bool = False,
        optional: bool = False,
    ):
        self.within = within
        self.optional = optional
        # A file of one village (OpenSID, SIAK, BIP) has none of its own: the importer names
        # it. The regency names are read within: the mapping's, else the village's or the
        # importer's own regency/city.
        self.village = mapping.defaults.get("village")
        if self.village and not Region.objects.filter(code=self.village).exists():
            raise MappingError(f"defaults.village {self.village} bukan kode desa yang ada.")
        self.one_village = one_village
        regency = (
            mapping.defaults.get("regency")
            or (self.village[:5] if self.village else None)
            or _regency_of_codes(keys["_rcode"])
            or (within[:5] if within and len(within) >= 5 else None)
        )
        self.resolver = VillageResolver(regency)
        codes = keys["_code"].drop_nulls().unique()
        cleaned = pl.DataFrame({"raw": codes}).with_columns(code=n.clean_text(pl.col("raw")))
        self.known = self.resolver.known_village_codes(set(cleaned["code"].drop_nulls().to_list()))
        regency_names = keys.select(n.clean_text(pl.col("_rname")).alias("r"))["r"].drop_nulls()
        used_codes = Counter(self.known[c] for c in cleaned["code"].to_list() if c in self.known)
        self.resolver.regency = self.resolver.infer_regency(
            Counter(regency_names.to_list()), used_codes
        )
        self.by_name: dict[tuple[str | None, str | None], Placement] = {}

    @property
    def _unnamed_note(self) -> str:
        if self.one_village:
            return (
                "file ini berisi satu desa tanpa kolom desa: sebutkan desanya, di isian Desa "
                "halaman unggah atau defaults.village di pemetaan"
            )
        return "tanpa kode dan nama"

    def place(self, frame, issues: Issues, plan: ColumnPlan, header: list[str], known: dict):
        """``frame`` with ``village_id``, and the issues of rows it cannot place."""
        fc = plan.field_columns
        targets = {
            "village_code": "_code",
            "village_name": "_vname",
            "district_name": "_dname",
        }
        for name, target in targets.items():
            if name in fc:
                column = f"c{fc[name]}"
                derived = {target: n.clean_text(pl.col(column))}
                frame = with_per_value(frame, column, derived, known)
            else:
                frame = frame.with_columns(pl.lit(None, pl.String).alias(target))
        frame = frame.with_columns(
            village_id=pl.col("_code").replace_strict(
                self.known, default=None, return_dtype=pl.String
            )
        )
        pairs = frame.filter(pl.col("village_id").is_null()).select("_vname", "_dname").unique()
        for pair in pairs.iter_rows():
            if pair not in self.by_name:
                self.by_name[pair] = (
                    Placement(None, self._unnamed_note)
                    if pair == (None, None)
                    else self.resolver.place_by_name(*pair)
                )
        placements = {pair: self.by_name[pair] for pair in pairs.iter_rows()}
        lookup = pl.DataFrame(
            {
                "_vname": [k[0] for k in placements],
                "_dname": [k[1] for k in placements],
                "_placed": [p.village for p in placements.values()],
                "_note": [p.note for p in placements.values()],
                "_loose": [p.loose for p in placements.values()],
            },
            schema={
                "_vname": pl.String,
                "_dname": pl.String,
                "_placed": pl.String,
                "_note": pl.String,
                "_loose": pl.Boolean,
            },
        )
        frame = frame.join(
            lookup, on=["_vname", "_dname"], how="left", nulls_equal=True, maintain_order="left"
        ).with_columns(village_id=pl.coalesce("village_id", "_placed"))
        if self.village:
            unnamed = pl.col("_code").is_null() & pl.col("_vname").is_null()
            frame = frame.with_columns(
                village_id=pl.when(unnamed)
                .then(pl.lit(self.village))
                .otherwise(pl.col("village_id"))
            )
        code_column = header[fc["village_code"]] if "village_code" in fc else "KODE DESA"
        name_column = header[fc["village_name"]] if "village_name" in fc else "DESA/KELURAHAN"
        # The column a person should fix: the name when the file has one, else the code.
        place_column = (
            name_column if "village_name" in fc or "village_code" not in fc else code_column
        )
        bad_code = pl.col("_code").is_not_null() & ~pl.col("_code").is_in(list(self.known))
        issues.add(
            frame,
            bad_code & pl.col("village_id").is_not_null(),
            column=code_column,
            value=pl.col("_code"),
            severity=Severity.WARNING,
            code="village_code_unknown",
            message="Kode desa tidak dikenal; desa ditentukan dari namanya.",
        )
        kept = "; baris tetap diterima dan ditautkan dari NIK dan namanya" if self.optional else ""
        severity = Severity.WARNING if self.optional else Severity.ERROR
        issues.add(
            frame,
            pl.col("village_id").is_null(),
            column=place_column,
            value=pl.coalesce("_code", "_vname", pl.lit("")),
            severity=severity,
            code="village_unknown",
            message=fmt(
                "Desa/kelurahan tidak dikenali ({}). Tulis kode desa 10 digit atau perbaiki "
                f"namanya{kept}.",
                pl.coalesce("_note", pl.lit(self._unnamed_note)),
            ),
        )
        if self.within:
            inside = (pl.col("village_id") == self.within) | pl.col("village_id").str.starts_with(
                f"{self.within}."
            )
            issues.add(
                frame,
                pl.col("village_id").is_not_null() & ~inside,
                column=place_column,
                value=pl.col("village_id"),
                severity=severity,
                code="village_outside_scope",
                message=fmt(
                    f"Desa {{}} di luar wilayah kerja Anda ({self.within})"
                    + (
                        "; baris tetap diterima: pemeriksaan tepat lokasi menilainya."
                        if self.optional
                        else "; baris ini diimpor oleh wali data wilayahnya."
                    ),
                    pl.col("village_id"),
                ),
            )
        issues.add(
            frame,
            pl.col("_loose").fill_null(False) & pl.col("village_id").is_not_null(),
            column=name_column,
            value=pl.col("_vname"),
            severity=Severity.WARNING,
            code="village_name_loose",
            message=fmt("{}; periksa.", pl.col("_note")),
        )
        return frame
