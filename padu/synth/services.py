"""Generating a synthetic region: its true population, its three source exports, the truth."""

import datetime as dt
import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from padu.core.progress import ProgressCallback, no_progress

from .dirt import FIRST, DirtProfile, DirtRates
from .geography import load_regency
from .population import Population, generate_population
from .sources import SourceExport, add_deceased, build_dtks, build_p3ke, build_regsosek

DEFAULT_AS_OF = dt.date(2025, 9, 30)
EXPORT_FORMATS = ("csv", "xlsx")
_TRUTH_COLUMNS = ["_person_id", "_family_id", "_dirt", "_order"]


@dataclass
class SynthResult:
    region: str
    region_name: str
    people: int
    families: int
    seed: int
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _p3ke_title(geo) -> list[str]:
    return [
        f"DATA PENSASARAN PERCEPATAN PENGHAPUSAN KEMISKINAN EKSTREM (P3KE) {geo.name.upper()}",
        "Sumber: Kemenko PMK, pemutakhiran 2021. Desil 1-4.",
    ]


def write_export(export: SourceExport, path: Path, *, geo, fmt: str) -> int:
    """Write one export in its office's habits; returns the number of data rows."""
    frame = export.frame.drop(_TRUTH_COLUMNS)
    if export.source == "dtks":
        # SIKS-NG exports open in Excel with ';' and the Windows code page.
        text = frame.write_csv(separator=";")
        path.write_bytes(text.encode("cp1252", errors="replace"))
    elif export.source == "p3ke" and fmt == "xlsx":
        _write_p3ke_xlsx(frame, path, _p3ke_title(geo))
    elif export.source == "p3ke":
        title = "\n".join(_p3ke_title(geo)) + "\n\n"
        path.write_bytes(("\ufeff" + title + frame.write_csv()).encode("utf-8"))
    else:
        frame.write_csv(path)
    return frame.height


def _write_p3ke_xlsx(frame: pl.DataFrame, path: Path, title: list[str]) -> None:
    """XLSX with title rows above the header; NIKs partly stored as numbers, as offices do."""
    import xlsxwriter  # only needed for this format

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("P3KE")
    bold = workbook.add_format({"bold": True})
    for r, line in enumerate(title):
        sheet.write_string(r, 0, line, bold)
    header_row = len(title) + 1
    sheet.write_row(header_row, 0, frame.columns, bold)
    nik_col = frame.columns.index("NIK")
    date_col = frame.columns.index("TANGGAL LAHIR")
    for i, row in enumerate(frame.iter_rows()):
        r = header_row + 1 + i
        for j, value in enumerate(row):
            if value is None:
                continue
            if (j == nik_col and i % 7 == 3 and value.isdigit() and len(value) == 16) or (
                j == date_col and value.isdigit()
            ):
                sheet.write_number(r, j, int(value))
            elif isinstance(value, int | float):
                sheet.write_number(r, j, value)
            else:
                sheet.write_string(r, j, str(value))
    workbook.close()


def _truth_frames(pop: Population, ghosts: pl.DataFrame, exports: list[SourceExport]):
    persons = pl.concat([pop.persons, ghosts], how="diagonal_relaxed")
    source_rows = pl.concat(
        [
            e.frame.select(
                pl.lit(e.source).alias("source"),
                pl.col(e.record_id_column).cast(pl.String).alias("record_id"),
                pl.col("_person_id").alias("person_id"),
                pl.col("_family_id").alias("family_id"),
                pl.col("_dirt").alias("dirt"),
                # A duplicated row's copy comes last and says so in its dirt.
            ).unique(subset=["source", "record_id"], keep="last", maintain_order=True)
            for e in exports
        ]
    )
    return persons, pop.families, source_rows


def generate_region(
    *,
    region: str,
    people: int,
    seed: int,
    out_dir: Path,
    rates: DirtRates | None = None,
    profile: DirtProfile = FIRST,
    p3ke_format: str = "csv",
    as_of: dt.date = DEFAULT_AS_OF,
    progress: ProgressCallback = no_progress,
) -> SynthResult:
    """Write dtks.csv, p3ke.(csv|xlsx), regsosek.csv and truth/*.csv for a regency or city."""
    if people < 1:
        raise ValueError("jumlah penduduk harus lebih dari 0")
    if p3ke_format not in EXPORT_FORMATS:
        raise ValueError(f"format P3KE harus salah satu dari {', '.join(EXPORT_FORMATS)}")
    started = time.perf_counter()
    rates = rates or DirtRates()
    steps = 7
    geo = load_regency(region)
    rng = np.random.default_rng(seed)
    rnd = random.Random(seed)
    progress(0, steps, "Membangkitkan penduduk")
    pop = generate_population(geo, people, rng, as_of)
    progress(1, steps, "Menyusun ekspor DTKS")
    poorest = pop.families.filter(pl.col("welfare") < pop.families["welfare"].quantile(0.45))
    with_ghost = poorest["family_id"].to_numpy()[rng.random(poorest.height) < rates.deceased_listed]
    ghosts = add_deceased(pop, with_ghost, rng)
    exports = [build_dtks(pop, geo, ghosts, rates, rng, rnd, profile)]
    progress(2, steps, "Menyusun ekspor P3KE")
    exports.append(build_p3ke(pop, geo, ghosts, rates, rng, rnd, profile))
    progress(3, steps, "Menyusun ekspor Regsosek")
    exports.append(build_regsosek(pop, geo, rates, rng, rnd, profile))

    out_dir = Path(out_dir)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    result = SynthResult(
        region=geo.code,
        region_name=geo.name,
        people=people,
        families=pop.families.height,
        seed=seed,
        out_dir=out_dir,
    )
    for step, export in enumerate(exports, start=4):
        progress(step, steps, f"Menulis {export.source}")
        suffix = p3ke_format if export.source == "p3ke" else "csv"
        path = out_dir / f"{export.source}.{suffix}"
        result.rows[export.source] = write_export(export, path, geo=geo, fmt=suffix)
        result.files[export.source] = path
    persons, families, source_rows = _truth_frames(pop, ghosts, exports)
    persons.write_csv(out_dir / "truth" / "persons.csv")
    families.write_csv(out_dir / "truth" / "families.csv")
    source_rows.write_csv(out_dir / "truth" / "source_rows.csv")
    result.files.update(
        truth_persons=out_dir / "truth" / "persons.csv",
        truth_families=out_dir / "truth" / "families.csv",
        truth_source_rows=out_dir / "truth" / "source_rows.csv",
    )
    result.seconds = time.perf_counter() - started
    manifest = {
        "region": geo.code,
        "region_name": geo.name,
        "people": people,
        "seed": seed,
        "families": pop.families.height,
        "as_of": as_of.isoformat(),
        "rates": asdict(rates),
        "dirt_profile": profile.name,
        "rows": result.rows,
        "files": {k: str(v.relative_to(out_dir)) for k, v in result.files.items()},
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    progress(steps, steps, "Selesai")
    return result
