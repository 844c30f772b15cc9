"""A release on disk: one Parquet file set per table, partitioned by regency/city
(``families/regency=33.74/part-0.parquet``), zstd-compressed, and ``manifest.json`` with
every file's row count and SHA-256. Files are made read-only when written and checked
against the manifest before they are read: a mismatch names the file.

DuckDB reads the files (``open_release``); nothing here reads the live tables.
"""

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import duckdb
import polars as pl
from django.conf import settings

from .snapshot import SCHEMA_VERSION

MANIFEST = "manifest.json"


class ReleaseFilesError(Exception):
    """A release's files are missing, changed or of another schema: the message names them."""


#: What a build's folder is called while it is written (it takes its number's name once whole).
PARTIAL_SUFFIX = ".partial"


def releases_dir() -> Path:
    return Path(settings.DATA_DIR) / "releases"


def release_dir(number: int) -> Path:
    return releases_dir() / f"{number:05d}"


def partial_dir(final: Path) -> Path:
    """Where the build of ``final`` writes until it is whole."""
    return final.with_name(final.name + PARTIAL_SUFFIX)


def write_tables(
    directory: Path, tables: dict[str, pl.DataFrame], *, partition_by: str | None = "regency"
) -> dict[str, dict]:
    """Write each table as Parquet files, one per value of ``partition_by`` (one file when
    None); return the manifest's ``tables`` entry: per table its rows and files (path,
    rows, bytes, sha256)."""
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, dict] = {}
    for name, frame in tables.items():
        files = [
            _write_file(directory, Path(name) / folder / "part-0.parquet", part)
            for folder, part in _partitions(frame, partition_by)
        ]
        written[name] = {
            "rows": frame.height,
            "columns": {column: str(dtype) for column, dtype in frame.schema.items()},
            "files": files,
        }
    return written


def _partitions(frame: pl.DataFrame, by: str | None):
    if by is None or frame.height == 0:
        yield "", frame
        return
    parts = frame.partition_by(by, as_dict=True, maintain_order=True)
    for (value,), part in sorted(parts.items(), key=lambda item: str(item[0][0])):
        yield f"{by}={value or 'kosong'}", part


def _write_file(directory: Path, relative: Path, frame: pl.DataFrame) -> dict:
    path = directory / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(path, compression="zstd", statistics=True, row_group_size=100_000)
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return {
        "path": relative.as_posix(),
        "rows": frame.height,
        "bytes": path.stat().st_size,
        "sha256": sha256_of(path),
    }


def write_manifest(directory: Path, manifest: dict) -> None:
    path = directory / MANIFEST
    if path.exists():
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)


def remove(directory: Path) -> None:
    """Delete a release's files (a draft discarded, a build cancelled)."""
    if not directory.exists():
        return
    for root, dirs, files in os.walk(directory):
        for entry in (*dirs, *files):
            (Path(root) / entry).chmod(stat.S_IRWXU)
    shutil.rmtree(directory)


def sha256_of(path: Path | str) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify(directory: Path, manifest: dict, *, decree: Path | None = None) -> list[str]:
    """What is wrong with the files (and the signed decree, once the manifest names it)
    against the manifest (empty: all intact). Each file is hashed again."""
    problems = []
    if decree is not None and "decree" in manifest:
        if not decree.exists():
            problems.append(f"{decree.name}: PDF keputusan tidak ada")
        elif sha256_of(decree) != manifest["decree"]["sha256"]:
            problems.append(f"{decree.name}: PDF keputusan berubah (SHA-256 tidak cocok)")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        problems.append(
            f"versi skema {manifest.get('schema_version')} (Padu ini membaca versi "
            f"{SCHEMA_VERSION})"
        )
    for table in manifest.get("tables", {}).values():
        for entry in table["files"]:
            path = directory / entry["path"]
            if not path.exists():
                problems.append(f"{entry['path']}: tidak ada")
            elif path.stat().st_size != entry["bytes"] or sha256_of(path) != entry["sha256"]:
                problems.append(f"{entry['path']}: isinya berubah (SHA-256 tidak cocok)")
    return problems


#: Files already checked by this process, by (path, size, modified): hashing a release
#: again on every page would cost more than the page. `padu release verify` always hashes.
_checked: dict[str, tuple[int, int]] = {}


def checked_files(directory: Path, manifest: dict, table: str) -> list[str]:
    """The table's files, each verified against the manifest; raises ReleaseFilesError."""
    if table not in manifest.get("tables", {}):
        raise ReleaseFilesError(f"Tabel {table} tidak ada di manifes rilis {directory.name}.")
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise ReleaseFilesError("; ".join(verify(directory, {"tables": {}, **manifest})))
    paths = []
    for entry in manifest["tables"][table]["files"]:
        path = directory / entry["path"]
        try:
            info = path.stat()
        except FileNotFoundError:
            raise ReleaseFilesError(f"Berkas rilis hilang: {path}") from None
        key = (info.st_size, info.st_mtime_ns)
        if _checked.get(str(path)) != key:
            if info.st_size != entry["bytes"] or sha256_of(path) != entry["sha256"]:
                raise ReleaseFilesError(
                    f"Berkas rilis berubah sejak diterbitkan (SHA-256 tidak cocok): {path}"
                )
            _checked[str(path)] = key
        paths.append(str(path))
    return paths


def open_tables(directory: Path, manifest: dict, tables: list[str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table over its verified files."""
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    for table in tables:
        files = checked_files(directory, manifest, table)
        listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        con.execute(
            f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{listing}], "
            "hive_partitioning = false, union_by_name = true)"
        )
    return con
