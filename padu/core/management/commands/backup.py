from pathlib import Path

from django.conf import settings

from padu.core.backup import (
    BackupError,
    backup_name,
    copy_backup,
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
        parser.add_argument(
            "--copy-to",
            type=Path,
            default=settings.BACKUP_COPY_TO,
            help="salin arsip ke folder ini juga (disk mesin lain yang terpasang: NFS, SMB) dan "
            "periksa salinannya; bawaan $PADU_BACKUP_COPY_TO",
        )

    def handle(self, *args, action, file, out, keep, copy_to, **options):
        try:
            if action == "verify":
                return self._verify(file)
            return self._backup(out, keep, copy_to)
        except BackupError as error:
            raise self.fail(str(error)) from error

    def _backup(self, out: Path | None, keep: int, copy_to: Path | None) -> None:
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
        if copy_to:
            copy = copy_backup(target, copy_to)
            self.stdout.write(f"Salinan {copy}: utuh.")
            if copy.stat().st_dev == target.stat().st_dev:  # e.g. the share is not mounted
                self.stderr.write(
                    f"Peringatan: {copy_to} ada di disk yang sama dengan arsipnya, bukan di mesin "
                    "lain: periksa bahwa disk salinannya terpasang."
                )
            for removed in prune_backups(copy_to, keep):
                self.stdout.write(f"  salinan lama dihapus: {removed.name}")

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
