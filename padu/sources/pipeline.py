"""From a raw table to accepted records and row-level issues, without touching the database
(apart from looking up regions). Every check is a column expression over the whole file."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import polars as pl

from . import normalise as n
from .canonical import FIELDS_BY_NAME, Kind, unique_headers
from .choices import Severity
from .families import FOUND
from .mapping import ColumnPlan, Mapping, plan_columns
from .models import KEY_COLUMNS, RawRows
from .places import Placement, VillageResolver
from .reading import RawTable

ISSUE_SCHEMA = {
    "row_number": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "severity": pl.String,
    "code": pl.String,
    "message": pl.String,
}
LAT_RANGE, LON_RANGE = (-11.5, 6.5), (94.5, 141.5)
#: Share of distinct values above which a column is normalised in place (see with_per_value):
#: full names (57% distinct in a 75,000-row chunk) are a third cheaper by distinct value,
#: NIKs (98%) a tenth dearer.
MOSTLY_DISTINCT = 0.8
#: Share of a chunk's distinct values found in the lookup carried from earlier chunks, below
#: which the lookup is no longer carried.
MOSTLY_KNOWN = 0.5
#: with_per_value's working columns: the hash of a value, and the value a row's hash found.
_KEY, _LOOKED_UP = "_value_hash", "_value_found"
VALUE_HASH_SEED = 0x5EED_0003


@dataclass
class Prepared:
    records: pl.DataFrame  # record_id, row_number, KEY_COLUMNS, and _f_<name> per value
    raw_rows: RawRows  # every row read, as it was (unsaved: the writer sets its batch)
    value_names: list[str]  # the order of each record's ``values``
    issues: pl.DataFrame
    plan: ColumnPlan
    rows_read: int
    rows_rejected: int
    rows_warned: int
    rows_duplicate: int

    @property
    def rows_accepted(self) -> int:
        return self.records.height

    def values(self) -> pl.DataFrame:
        """The accepted rows' values, as a ValueRows block holds them: ``_row`` and one
        column per name of ``value_names``."""
        return self.records.select(
            pl.col("row_number").alias("_row"),
            *[pl.col(f"_f_{n}").alias(n) for n in self.value_names],
        )


def fmt(template: str, *values: pl.Expr) -> pl.Expr:
    """Like pl.format, with empty text for nulls. (pl.format panics on filtered frames in
    Polars 2.1; concat_str does not.)"""
    pieces = template.split("{}")
    if len(pieces) != len(values) + 1:
        raise ValueError("template placeholders and values differ in number")
    parts: list[pl.Expr] = []
    for piece, value in zip(pieces, [*values, None], strict=True):
        parts.append(pl.lit(piece))
        if value is not None:
            parts.append(value.cast(pl.String).fill_null(""))
    return pl.concat_str(parts)


class _Checks:
    """Collects issue rows: each check is a mask over the frame and a message."""

    def __init__(self, frame: pl.DataFrame):
        self.frame = frame
        self.parts: list[pl.DataFrame] = []

    def add(
        self,
        mask: pl.Expr,
        *,
        column: str,
        value: pl.Expr,
        severity: Severity,
        code: str,
        message: pl.Expr | str,
    ) -> None:
        message_expr = pl.lit(message) if isinstance(message, str) else message
        part = (
            self.frame.lazy()
            .filter(mask)
            .select(
                pl.col("_row").alias("row_number"),
                pl.lit(column).alias("column"),
                value.cast(pl.String).str.slice(0, 200).alias("value"),
                pl.lit(severity.value).alias("severity"),
                pl.lit(code).alias("code"),
                message_expr.str.slice(0, 400).alias("message"),
            )
            .collect()
        )
        if part.height:
            self.parts.append(part)

    def collect(self) -> pl.DataFrame:
        if not self.parts:
            return pl.DataFrame(schema=ISSUE_SCHEMA)
        return pl.concat(self.parts).cast(ISSUE_SCHEMA).sort("row_number")


def with_per_value(
    frame: pl.DataFrame,
    column: str,
    derived: dict[str, pl.Expr],
    known: dict[tuple, pl.DataFrame | None] | None = None,
) -> pl.DataFrame:
    """Add columns computed from one column, each distinct value computed once; each of
    ``derived`` may use those before it.

    Exports repeat their values (villages, dates, codes, common names), so normalising the
    distinct values and joining them back is five to ten times faster than the whole column.
    ``known`` carries the values already computed from one chunk of a file to the next, for
    as long as they come back: a family's ids sit together in a file, so a lookup of them
    would only grow. A column whose values hardly repeat even within a chunk (NIK, ids) is
    computed in place.

    Values are matched by a 64-bit hash, which joins in half the time text does; every row
    is then checked to have found its own value, and the rare chunk where two values share a
    hash is joined by text instead.
    """
    if not derived:
        return frame
    keyed = frame.with_columns(value_hash(pl.col(column)).alias(_KEY))
    values = keyed.select(column, _KEY).filter(pl.col(_KEY).is_first_distinct())
    if values.height > frame.height * MOSTLY_DISTINCT:
        return _derive(frame, derived)
    key = (column, *derived)
    earlier = known.get(key) if known is not None else None
    fresh = values
    if earlier is not None:
        fresh = values.join(earlier.select(_KEY), on=_KEY, how="anti")
    if earlier is None:
        lookup = _derive(fresh, derived)
    elif fresh.height:
        lookup = pl.concat([earlier, _derive(fresh, derived)])
    else:
        lookup = earlier
    if known is not None and (key not in known or earlier is not None):
        comes_back = earlier is None or fresh.height < values.height * (1 - MOSTLY_KNOWN)
        known[key] = lookup if comes_back else None
    joined = keyed.join(
        lookup.rename({column: _LOOKED_UP}), on=_KEY, how="left", maintain_order="left"
    )
    if joined.select(pl.col(column).eq_missing(pl.col(_LOOKED_UP)).all()).item():
        return joined.drop(_KEY, _LOOKED_UP)
    if known is not None:
        known.pop(key, None)
    lookup = _derive(frame.select(pl.col(column).unique()), derived)
    return frame.join(lookup, on=column, how="left", nulls_equal=True, maintain_order="left")


def _derive(frame: pl.DataFrame, derived: dict[str, pl.Expr]) -> pl.DataFrame:
    """``frame`` with the ``derived`` columns, in order: each may use those before it."""
    lazy = frame.lazy()
    for name, expr in derived.items():
        lazy = lazy.with_columns(expr.alias(name))
    return lazy.collect()


def value_hash(values: pl.Expr) -> pl.Expr:
    """with_per_value's key for a value (a function, so that a test can make values collide)."""
    return values.hash(VALUE_HASH_SEED)


#: Seeds of the two 64-bit hashes that together tell rows apart (see FileSurvey.facts_of).
ROW_HASH_SEEDS = (0x5EED_0001, 0x5EED_0002)


@dataclass
class FileSurvey:
    """What the rows of one chunk cannot tell alone: where the file is (from a first pass
    over its place columns only), and what the chunks before held (rows and record ids), so
    that repeated rows and reused ids are found as the chunks go by, in one pass over the
    cells."""

    plan: ColumnPlan
    header: list[str]  # unique column titles
    columns: list[str]  # the text columns c0..cN
    own_id: pl.Expr  # the row's own record id, or null
    rows_in_file: int  # blank rows too: the end of the progress bar
    places: "_Places"
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
        row = pl.struct(self.columns)
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


def survey(table: RawTable, mapping: Mapping, within: str | None = None) -> FileSurvey:
    """A first pass over the file's place columns only (a full read of every cell is left
    to the chunks). ``within``: the importer's region; rows placed outside it are rejected."""
    plan = plan_columns(table.header, mapping)
    fc = plan.field_columns

    def text(field: str) -> pl.Expr:
        return pl.col(f"c{fc[field]}") if field in fc else pl.lit(None, pl.String)

    places = table.cells.select(_code=text("village_code"), _rname=text("regency_name")).collect(
        engine="streaming"
    )
    return FileSurvey(
        plan,
        unique_headers(table.header),
        table.columns,
        own_id=n.clean_text(text("record_id")),
        rows_in_file=places.height,
        places=_Places(mapping, places, within),
    )


def prepare_chunks(
    table: RawTable, mapping: Mapping, rows: int, within: str | None = None
) -> tuple[FileSurvey, Iterator["Prepared"]]:
    """The file's survey, and its rows prepared ``rows`` at a time (memory stays bounded)."""
    facts = survey(table, mapping, within)
    return facts, (prepare_chunk(chunk, table, facts) for chunk in table.chunks(rows))


def prepare(table: RawTable, mapping: Mapping, within: str | None = None) -> "Prepared":
    """All of a (small) file at once: previews and tests."""
    facts = survey(table, mapping, within)
    return prepare_chunk(table.frame, table, facts)


def prepare_chunk(frame: pl.DataFrame, table: RawTable, facts: FileSurvey) -> "Prepared":
    plan, header = facts.plan, facts.header
    # The streaming reader hands a chunk over in pieces, which every column operation
    # below would pay for one by one.
    frame = frame.rechunk()
    rows_read = frame.height
    cols = table.columns
    # Encoded at once: the chunk's cells are views into what the file reader holds, and
    # keeping them until the writer gets to them kept that alive too (4 GB for 1 M rows).
    raw_rows = RawRows.encode(frame.select("_row", *cols))
    frame = facts.facts_of(frame)
    checks = _Checks(frame)

    def src(field: str) -> pl.Expr:
        return pl.col(f"c{plan.field_columns[field]}")

    def title(field: str) -> str:
        return header[plan.field_columns[field]]

    has = plan.field_columns.__contains__
    rows_duplicate = int(frame["_duplicate"].sum())
    checks.frame = frame
    checks.add(
        pl.col("_duplicate"),
        column="",
        value=pl.lit(""),
        severity=Severity.SKIPPED,
        code="duplicate_row",
        message=fmt("Baris kembar dengan baris {}; dilewati.", pl.col("_first_row")),
    )

    if table.short_rows:
        short = pl.col("_row").is_in(table.short_rows)
        checks.add(
            short,
            column="",
            value=pl.lit(""),
            severity=Severity.ERROR,
            code="short_row",
            message=f"Baris terpotong: kurang dari {len(header)} kolom. Periksa pemisah dan tanda kutip.",
        )

    out: dict[str, pl.Expr] = {}
    fields: dict[str, pl.Expr] = {}
    for name, index in plan.field_columns.items():
        field = FIELDS_BY_NAME[name]
        cell = src(name)
        column = title(name)
        # Normalisers run once per distinct value (see with_per_value); what they produce
        # is named here and picked up from the frame below.
        derived: dict[str, pl.Expr] = {}
        if field.kind in (Kind.NIK, Kind.KK):
            derived[f"_{name}"] = n.id_reading(cell)
            out[name] = pl.col(f"_{name}").struct.field("digits")
            if field.kind is Kind.NIK:
                out["nik_status"] = pl.col(f"_{name}").struct.field("status")
        elif field.kind is Kind.NAME and name == "full_name":
            derived["_full_name"] = n.name_parts(cell)
            out["full_name"] = pl.col("_full_name").struct.field("display")
            out["name_key"] = pl.col("_full_name").struct.field("key")
            fields["name_title"] = pl.col("_full_name").struct.field("title")
        elif field.kind is Kind.NAME:
            derived[f"_v_{name}"] = n.name_display(cell)
            (out if name in KEY_COLUMNS else fields)[name] = pl.col(f"_v_{name}")
        elif field.kind in (Kind.CHOICE, Kind.SEX, Kind.FLAG, Kind.DATE, Kind.INTEGER, Kind.MONEY):
            if field.kind is Kind.CHOICE:
                value = n.choice(cell, field)
            else:
                value = n.KIND_NORMALISERS[field.kind](cell)
            derived[f"_v_{name}"] = value
            derived[f"_bad_{name}"] = (
                n.clean_text(cell).is_not_null() & pl.col(f"_v_{name}").is_null()
            )
            (out if name in KEY_COLUMNS else fields)[name] = pl.col(f"_v_{name}")
        elif field.kind is Kind.RT_RW:
            derived[f"_v_{name}"] = n.rt_rw(cell)
            out.setdefault("rt", pl.col(f"_v_{name}").struct.field("rt"))
            out.setdefault("rw", pl.col(f"_v_{name}").struct.field("rw"))
        elif field.kind in (Kind.RT, Kind.RW):
            derived[f"_v_{name}"] = n.rt_or_rw(cell)
            out[name] = pl.col(f"_v_{name}")
        elif field.kind is Kind.COORDINATE:
            derived[f"_v_{name}"] = n.coordinate(cell)
            fields[name] = pl.col(f"_v_{name}")
        elif field.kind is Kind.COORDINATES:
            derived[f"_v_{name}"] = n.coordinate_pair(cell)
            fields.setdefault("latitude", pl.col(f"_v_{name}").struct.field("latitude"))
            fields.setdefault("longitude", pl.col(f"_v_{name}").struct.field("longitude"))
        elif field.kind in (Kind.REGION_CODE, Kind.REGION_NAME):
            continue
        else:
            derived[f"_v_{name}"] = n.clean_text(cell)
            (out if name in KEY_COLUMNS else fields)[name] = pl.col(f"_v_{name}")
        frame = with_per_value(frame, f"c{index}", derived, facts.normalised)
        checks.frame = frame
        if field.kind in (Kind.NIK, Kind.KK):
            label = "NIK" if field.kind is Kind.NIK else "No KK"
            status = pl.col(f"_{name}").struct.field("status")
            for code, message in _ID_MESSAGES.items():
                checks.add(
                    status == code,
                    column=column,
                    value=cell,
                    severity=Severity.WARNING,
                    code=f"{name}_{code}",
                    message=fmt(message, pl.lit(label), cell),
                )
        elif f"_bad_{name}" in derived:
            what = "tanggal" if field.kind is Kind.DATE else "nilai"
            checks.add(
                pl.col(f"_bad_{name}"),
                column=column,
                value=cell,
                severity=Severity.WARNING,
                code=f"{name}_unreadable",
                message=fmt(
                    f"{what.capitalize()} {{}} tidak dikenali; dikosongkan. "
                    f"Perbaiki di sumber atau tambahkan ejaannya ke pemetaan.",
                    cell,
                ),
            )
    checks.frame = frame

    # Formula-looking cells are kept as text, and flagged, in every column that has any.
    # (An anchored first-character test first: the full test is slow and rarely needed.)
    maybe = frame.select(pl.col(c).str.contains(r"^\s*[=+\-@]").any() for c in cols).row(0)
    suspects = [c for c, hit in zip(cols, maybe, strict=True) if hit]
    found = (
        frame.select(n.looks_like_formula(pl.col(c)).any() for c in suspects).row(0)
        if suspects
        else ()
    )
    risky = [c in suspects and found[suspects.index(c)] for c in cols]
    for i, column in enumerate(header):
        if not risky[i]:
            continue
        checks.add(
            n.looks_like_formula(pl.col(f"c{i}")).fill_null(False),
            column=column,
            value=pl.col(f"c{i}"),
            severity=Severity.WARNING,
            code="formula_text",
            message="Sel diawali = + - @: disimpan sebagai teks, tidak dijalankan.",
        )

    frame = frame.with_columns(**out, **{f"_f_{k}": v for k, v in fields.items()})
    checks.frame = frame
    if not has("full_name"):
        frame = frame.with_columns(
            full_name=pl.lit(None, pl.String), name_key=pl.lit(None, pl.String)
        )
        checks.frame = frame
    checks.add(
        pl.col("full_name").is_null(),
        column=title("full_name") if has("full_name") else "NAMA",
        value=pl.lit(""),
        severity=Severity.ERROR,
        code="name_missing",
        message="Nama kosong: baris tanpa nama tidak dapat diterima. Isi nama lalu impor ulang.",
    )

    if FOUND in frame.columns:
        family_column = title("family_record_id") if has("family_record_id") else title("kk_number")
        checks.add(
            ~pl.col(FOUND),
            column=family_column,
            value=src("family_record_id") if has("family_record_id") else src("kk_number"),
            severity=Severity.WARNING,
            code="family_not_in_family_file",
            message=f"Keluarga ini tidak ada di file keluarga {table.family_file}; "
            "kolom keluarganya kosong. Periksa ID KELUARGA / NO KK di kedua file.",
        )

    frame, checks = _check_nik_against_row(frame, checks, title("nik") if has("nik") else "NIK")
    frame, checks = _check_coordinates(frame, checks)
    frame, checks = facts.places.place(frame, checks, plan, header, facts.normalised)
    frame, checks = _check_record_ids(frame, checks, plan, header)

    for column in KEY_COLUMNS:
        if column not in frame.columns:
            frame = frame.with_columns(
                pl.lit(None, dtype=pl.Date if column == "birth_date" else pl.String).alias(column)
            )

    issues = checks.collect()
    errors = issues.filter(pl.col("severity") == Severity.ERROR.value)["row_number"].unique()
    warned = issues.filter(pl.col("severity") == Severity.WARNING.value)["row_number"].unique()
    keep = ~pl.col("_row").is_in(errors.implode()) & ~pl.col("_duplicate")
    accepted = frame.filter(keep)
    value_columns = [c for c in accepted.columns if c.startswith("_f_")]
    # The values stay columns here (``_f_<name>``); the writer encodes them as a ValueRows
    # block, beside the preparation of the next chunk.
    records = accepted.select(
        pl.col("_record_id").alias("record_id"),
        pl.col("_row").alias("row_number"),
        *[pl.col(c) for c in KEY_COLUMNS],
        *value_columns,
    )
    return Prepared(
        records=records,
        raw_rows=raw_rows,
        value_names=[c[3:] for c in value_columns],
        issues=issues,
        plan=plan,
        rows_read=rows_read,
        rows_rejected=errors.len(),
        rows_warned=accepted.filter(pl.col("_row").is_in(warned.implode())).height,
        rows_duplicate=rows_duplicate,
    )


_ID_MESSAGES = {
    "excel_scientific": "{} rusak oleh Excel ({}): digit aslinya hilang dan tidak ditebak. "
    "Ambil ulang dari sumber; simpan kolomnya sebagai Teks.",
    "too_short": "{} {} kurang dari 16 digit (nol di depan atau satu digit hilang); dikosongkan.",
    "too_long": "{} {} lebih dari 16 digit; dikosongkan.",
    "not_digits": "{} {} berisi huruf atau tanda; dikosongkan.",
}


def _check_nik_against_row(frame, checks, column):
    if "nik" not in frame.columns:
        return frame, checks
    nik = pl.col("nik")
    day = nik.str.slice(6, 2).cast(pl.Int64, strict=False)
    born = pl.col("birth_date") if "birth_date" in frame.columns else pl.lit(None, pl.Date)
    sex = pl.col("sex") if "sex" in frame.columns else pl.lit(None, pl.String)
    nik_sex = pl.when(day > 40).then(pl.lit("P")).otherwise(pl.lit("L"))
    encoded = fmt(
        "{}{}{}", (day % 40).cast(pl.String).str.zfill(2), nik.str.slice(8, 2), nik.str.slice(10, 2)
    )
    written = born.dt.strftime("%d%m%y")
    checks.add(
        nik.is_not_null() & sex.is_not_null() & (nik_sex != sex),
        column=column,
        value=nik,
        severity=Severity.WARNING,
        code="nik_sex_mismatch",
        message="Jenis kelamin tidak cocok dengan NIK (tanggal +40 untuk perempuan). Periksa keduanya.",
    )
    checks.add(
        nik.is_not_null() & born.is_not_null() & (encoded != written),
        column=column,
        value=nik,
        severity=Severity.WARNING,
        code="nik_birth_date_mismatch",
        message=fmt(
            "Tanggal lahir {} tidak cocok dengan tanggal di NIK. Periksa keduanya.",
            born.dt.strftime("%d-%m-%Y"),
        ),
    )
    return frame, checks


def _check_coordinates(frame, checks):
    if "_f_latitude" not in frame.columns or "_f_longitude" not in frame.columns:
        return frame, checks
    lat, lon = pl.col("_f_latitude"), pl.col("_f_longitude")
    swapped = lat.is_between(*LON_RANGE) & lon.is_between(*LAT_RANGE)
    frame = frame.with_columns(
        _f_latitude=pl.when(swapped).then(lon).otherwise(lat),
        _f_longitude=pl.when(swapped).then(lat).otherwise(lon),
    )
    checks.frame = frame
    checks.add(
        swapped,
        column="LATITUDE/LONGITUDE",
        value=fmt("{}, {}", lon, lat),
        severity=Severity.WARNING,
        code="coordinates_swapped",
        message="Lintang dan bujur tertukar; sudah dibalik.",
    )
    outside = (lat.is_not_null() | lon.is_not_null()) & ~(
        lat.is_between(*LAT_RANGE) & lon.is_between(*LON_RANGE)
    )
    checks.add(
        outside,
        column="LATITUDE/LONGITUDE",
        value=fmt("{}, {}", lat, lon),
        severity=Severity.WARNING,
        code="coordinates_outside",
        message="Koordinat di luar Indonesia; dikosongkan.",
    )
    frame = frame.with_columns(
        _f_latitude=pl.when(outside).then(None).otherwise(lat),
        _f_longitude=pl.when(outside).then(None).otherwise(lon),
    )
    checks.frame = frame
    return frame, checks


class _Places:
    """Village codes for rows: from the code column, else from names within the regency.
    The regency is settled once for the whole file; names are looked up once each."""

    def __init__(self, mapping: Mapping, keys: pl.DataFrame, within: str | None = None):
        self.within = within
        self.resolver = VillageResolver(mapping.defaults.get("regency") or None)
        codes = keys["_code"].drop_nulls().unique()
        cleaned = pl.DataFrame({"raw": codes}).with_columns(code=n.clean_text(pl.col("raw")))
        self.known = self.resolver.known_village_codes(set(cleaned["code"].drop_nulls().to_list()))
        regency_names = keys.select(n.clean_text(pl.col("_rname")).alias("r"))["r"].drop_nulls()
        used_codes = Counter(self.known[c] for c in cleaned["code"].to_list() if c in self.known)
        self.resolver.regency = self.resolver.infer_regency(
            Counter(regency_names.to_list()), used_codes
        )
        self.by_name: dict[tuple[str | None, str | None], Placement] = {}

    def place(self, frame, checks, plan, header, known):
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
                self.by_name[pair] = self.resolver.place_by_name(*pair)
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
        checks.frame = frame
        code_column = header[fc["village_code"]] if "village_code" in fc else "KODE DESA"
        name_column = header[fc["village_name"]] if "village_name" in fc else "DESA/KELURAHAN"
        # The column a person should fix: the name when the file has one, else the code.
        place_column = (
            name_column if "village_name" in fc or "village_code" not in fc else code_column
        )
        bad_code = pl.col("_code").is_not_null() & ~pl.col("_code").is_in(list(self.known))
        checks.add(
            bad_code & pl.col("village_id").is_not_null(),
            column=code_column,
            value=pl.col("_code"),
            severity=Severity.WARNING,
            code="village_code_unknown",
            message="Kode desa tidak dikenal; desa ditentukan dari namanya.",
        )
        checks.add(
            pl.col("village_id").is_null(),
            column=place_column,
            value=pl.coalesce("_code", "_vname", pl.lit("")),
            severity=Severity.ERROR,
            code="village_unknown",
            message=fmt(
                "Desa/kelurahan tidak dikenali ({}). Tulis kode desa 10 digit atau perbaiki namanya.",
                pl.coalesce("_note", pl.lit("tanpa kode dan nama")),
            ),
        )
        if self.within:
            inside = (pl.col("village_id") == self.within) | pl.col("village_id").str.starts_with(
                f"{self.within}."
            )
            checks.add(
                pl.col("village_id").is_not_null() & ~inside,
                column=place_column,
                value=pl.col("village_id"),
                severity=Severity.ERROR,
                code="village_outside_scope",
                message=fmt(
                    f"Desa {{}} di luar wilayah kerja Anda ({self.within}); baris ini diimpor "
                    "oleh wali data wilayahnya.",
                    pl.col("village_id"),
                ),
            )
        checks.add(
            pl.col("_loose").fill_null(False) & pl.col("village_id").is_not_null(),
            column=name_column,
            value=pl.col("_vname"),
            severity=Severity.WARNING,
            code="village_name_loose",
            message=fmt("{}; periksa.", pl.col("_note")),
        )
        return frame, checks


def _check_record_ids(frame, checks, plan, header):
    column = header[plan.field_columns["record_id"]] if "record_id" in plan.field_columns else "ID"
    checks.add(
        pl.col("_id_reused"),
        column=column,
        value=pl.col("_record_id"),
        severity=Severity.ERROR,
        code="record_id_reused",
        message=fmt(
            "ID {} sudah dipakai baris {} dengan isi berbeda. Beri ID unik.",
            pl.col("_record_id"),
            pl.col("_id_first_row"),
        ),
    )
    return frame, checks
