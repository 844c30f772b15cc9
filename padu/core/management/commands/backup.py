from pathlib import Path

from django.conf import settings

from padu.core.backup import (
    BackupError,
    backup_name,
    create_backup,
    prune_backups,
    read_manifest,
    verify_backup,
)
from padu.core.commands import PaduCommand


class Command(PaduCommand):
    help = (
        "Cadangan: satu arsip utuh (basis data, berkas unggahan dan foto, berkas rilis) dengan "
        "manifest jumlah baris dan SHA-256 tiap bagian; dapat dibuat saat Padu dipakai. "
        "padu backup --out FILE|FOLDER; padu backup verify FILE."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("action", nargs="?", choices=["verify"], help="periksa sebuah arsip")
        parser.add_argument("file", nargs="?", type=Path, help="arsip yang diperiksa")
        parser.add_argument(
            "--out",
            type=Path,
            help="berkas arsip (.tar), atau folder: padu-cadangan-TANGGAL-JAM.tar di dalamnya",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.BACKUP_KEEP,
            help=f"di folder --out, simpan sekian arsip terbaru (bawaan {settings.BACKUP_KEEP})",
        )

    def handle(self, *args, action, file, out, keep, **options):
        try:
            if action == "verify":
                return self._verify(file)
            return self._backup(out, keep)
        except BackupError as error:
            raise self.fail(str(error)) from error

    def _backup(self, out: Path | None, keep: int) -> None:
        if out is None:
            raise self.fail("Sebutkan --out FILE atau --out FOLDER.")
        folder = out if out.is_dir() or not out.suffix else None
        target = folder / backup_name() if folder else out
        with self.progress("Cadangan") as progress:
            manifest = create_backup(target, progress=progress)
        rows = sum(manifest["tables"].values())
        size = target.stat().st_size / 2**20
        self.stdout.write(
            f"Arsip {target}: {rows:,} baris basis data, {len(manifest['parts']) - 1:,} berkas, "
            f"{size:,.1f} MB."
        )
        if folder:
            for removed in prune_backups(folder, keep):
                self.stdout.write(f"  arsip lama dihapus: {removed.name}")

    def _verify(self, file: Path | None) -> None:
        if file is None or not file.exists():
            raise self.fail("Sebutkan arsip yang ada: padu backup verify FILE.")
        problems = verify_backup(file)
        manifest = read_manifest(file)
        if problems:
            for problem in problems:
                self.stderr.write(f"  {problem}")
            raise self.fail(f"Arsip {file} rusak: {len(problems)} masalah.")
        self.stdout.write(
            f"Arsip {file} utuh: {len(manifest['parts'])} bagian sesuai manifest "
            f"(dibuat {manifest['created_at']}, basis data {manifest['database']['vendor']})."
        )
