"""One consistent archive of an installation: the database (SQLite's online backup, or
``pg_dump`` in its custom format for PostgreSQL), the uploaded files and photos
(``media/``) and the releases' Parquet files (``releases/``), with a manifest of the row
count of every table and the size and SHA-256 of every part. Made while people work: the
database is copied as one snapshot first, then the files it points to (a file written
after the snapshot is carried along and is harmless; Padu does not change a file in place).

``verify`` checks every part against the manifest; ``restore`` puts an archive onto an empty
installation and checks the counts again."""

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from .progress import ProgressCallback, no_progress

MANIFEST = "manifest.json"
#: The data directory's folders that an archive carries.
FOLDERS = ("media", "releases")
FORMAT_VERSION = 1


class BackupError(Exception):
    """What is wrong with an archive or an installation, said for the person at the console."""


@dataclass(frozen=True)
class Part:
    name: str
    size: int
    sha256: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    )


def _count(cursor) -> dict[str, int]:
    counts = {}
    for table in _tables():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # a model's table, not user input
        counts[table] = cursor.fetchone()[0]
    return counts


def table_counts() -> dict[str, int]:
    """Rows of every table of every installed model (a restore's check)."""
    with connection.cursor() as cursor:
        return _count(cursor)


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the database Django is connected to (pg_dump, pg_restore)."""
    database = connection.settings_dict
    env = {**os.environ}
    for key, variable in (("NAME", "PGDATABASE"), ("HOST", "PGHOST"), ("PORT", "PGPORT"),
                          ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if database.get(key):
            env[variable] = str(database[key])
    return env


def _dump_database(folder: Path) -> tuple[str, dict[str, int]]:
    """The database as one snapshot, and the row counts of that same snapshot."""
    if connection.vendor == "sqlite":
        target = folder / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        with destination:
            connection.connection.backup(destination)
        counts = _count(destination.cursor())
        destination.close()
        return target.name, counts
    if connection.vendor == "postgresql":
        target = folder / "database.pgdump"
        # pg_dump reads the snapshot this transaction exported, in which the counts are made.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count(cursor)
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                 "--file", str(target)],
                env=_pg_environment(), capture_output=True, text=True,
            )  # fmt: skip
        if result.returncode != 0:
            raise BackupError(f"pg_dump gagal: {result.stderr.strip()[-500:]}")
        return target.name, counts
    raise BackupError(f"basis data {connection.vendor} tidak didukung")


def _data_files() -> list[tuple[Path, str]]:
    data = Path(settings.DATA_DIR)
    found = []
    for folder in FOLDERS:
        root = data / folder
        for path in sorted(root.rglob("*")) if root.exists() else []:
            if path.is_file():
                found.append((path, path.relative_to(data).as_posix()))
    return found


def create_backup(out: Path, *, progress: ProgressCallback = no_progress) -> dict:
    """Write the archive to ``out`` (written beside it, then moved into place) and return its
    manifest."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as scratch:
        scratch = Path(scratch)
        database, counts = _dump_database(scratch)
        files = _data_files()
        parts = [Part(database, (scratch / database).stat().st_size, _sha256(scratch / database))]
        partial = out.with_name(out.name + ".part")
        # Every person's data: readable by Padu's own account only, whatever the umask.
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)
        with tarfile.open(partial, "w") as archive:
            archive.add(scratch / database, arcname=database)
            for done, (path, name) in enumerate(files, 1):
                parts.append(Part(name, path.stat().st_size, _sha256(path)))
                archive.add(path, arcname=name)
                progress(done, len(files), "berkas")
            manifest = {
                "format": FORMAT_VERSION,
                "created_at": dt.datetime.now(dt.UTC).isoformat(),
                "database": {"vendor": connection.vendor, "part": database},
                "tables": counts,
                "parts": [part.__dict__ for part in parts],
            }
            encoded = json.dumps(manifest, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(encoded)
            info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
            archive.addfile(info, fileobj=io.BytesIO(encoded))
        partial.replace(out)
    return manifest


def read_manifest(path: Path) -> dict:
    try:
        with tarfile.open(path) as archive:
            member = archive.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return json.loads(member.read())
    except (OSError, KeyError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"{path} bukan arsip cadangan Padu yang utuh ({error}).") from error


def verify_backup(path: Path) -> list[str]:
    """Every part of the archive against its manifest; the problems found (none: intact)."""
    manifest = read_manifest(path)
    expected = {part["name"]: part for part in manifest["parts"]}
    problems = []
    with tarfile.open(path) as archive:
        seen = set()
        for member in archive:
            if member.name == MANIFEST or not member.isfile():
                continue
            part = expected.get(member.name)
            if part is None:
                problems.append(f"{member.name}: tidak tercatat di manifest")
                continue
            seen.add(member.name)
            digest = hashlib.sha256()
            handle = archive.extractfile(member)
            for block in iter(lambda handle=handle: handle.read(1 << 20), b""):
                digest.update(block)
            if member.size != part["size"] or digest.hexdigest() != part["sha256"]:
                problems.append(f"{member.name}: isi tidak sama dengan manifest (rusak)")
        problems += [f"{name}: hilang dari arsip" for name in sorted(set(expected) - seen)]
    return problems


#: The tables that make an installation not empty: its accounts and what they recorded.
#: (Reference data that migrations or ``padu regions load`` put in does not count.)
_OWN_DATA = ("accounts_user", "registry_family", "registry_person", "sources_importbatch")


def installation_is_empty() -> bool:
    """No account, family, person or import yet, and no file in the data folders."""
    with connection.cursor() as cursor:
        for table in _OWN_DATA:
            cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # a fixed table name
            if cursor.fetchone():
                return False
    return not _data_files()


def restore_backup(path: Path, *, progress: ProgressCallback = no_progress) -> dict:
    """Put the archive onto this (empty) installation; returns the tables whose counts
    differ from the manifest (none: restored whole). Raises BackupError when the archive is
    damaged, of another kind of database, or the installation is not empty."""
    problems = verify_backup(path)
    if problems:
        raise BackupError("Arsip rusak: " + "; ".join(problems[:5]))
    manifest = read_manifest(path)
    if manifest["database"]["vendor"] != connection.vendor:
        raise BackupError(
            f"Arsip ini dari basis data {manifest['database']['vendor']}, instalasi ini "
            f"{connection.vendor}: pulihkan ke instalasi yang sejenis."
        )
    if not installation_is_empty():
        raise BackupError(
            "Instalasi ini berisi data: pulihkan hanya ke instalasi kosong (basis data baru "
            "yang sudah dimigrasi, PADU_DATA_DIR kosong)."
        )
    data = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(dir=data) as scratch, tarfile.open(path) as archive:
        database = manifest["database"]["part"]
        archive.extract(database, scratch, filter="data")
        _load_database(Path(scratch) / database)
        members = [
            m for m in archive.getmembers() if m.isfile() and m.name.split("/")[0] in FOLDERS
        ]
        for done, member in enumerate(members, 1):
            archive.extract(member, data, filter="data")
            progress(done, len(members), "berkas")
    now = table_counts()
    return {
        table: (count, now.get(table))
        for table, count in manifest["tables"].items()
        if now.get(table) != count
    }


def _load_database(dump: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        with source:
            source.backup(connection.connection)
        source.close()
        return
    connection.close()
    env = _pg_environment()
    result = subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
         "--dbname", env["PGDATABASE"], str(dump)],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise BackupError(f"pg_restore gagal: {result.stderr.strip()[-500:]}")


def copy_backup(archive: Path, folder: Path) -> Path:
    """Copy an archive into ``folder`` (another machine's disk, mounted here: NFS, SMB) and
    check the copy part by part against its manifest; the copy appears under its name only
    once whole. Raises BackupError when the folder cannot be written or the copy differs."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BackupError(f"Folder salinan {folder} tidak ada (atau tidak terpasang).")
    copy = folder / archive.name
    partial = copy.with_name(copy.name + ".part")
    try:
        partial.unlink(missing_ok=True)
        partial.touch(mode=0o600)
        shutil.copyfile(archive, partial)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Salinan ke {folder} gagal: {error}") from error
    if problems := verify_backup(partial):
        partial.unlink()
        raise BackupError(f"Salinan di {folder} tidak sama dengan arsipnya: {problems[0]}")
    partial.replace(copy)
    return copy


def prune_backups(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` archives Padu wrote in ``folder``; returns them."""
    archives = sorted(Path(folder).glob("padu-cadangan-*.tar"), reverse=True)
    removed = archives[keep:]
    for path in removed:
        path.unlink()
    return removed


def backup_name(now: dt.datetime | None = None) -> str:
    return f"padu-cadangan-{(now or dt.datetime.now()):%Y%m%d-%H%M%S}.tar"
