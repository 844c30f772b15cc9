from pathlib import Path

from padu.core.backup import BackupError, restore_backup
from padu.core.commands import PaduCommand


class Command(PaduCommand):
    help = (
        "Pulihkan arsip cadangan ke instalasi kosong (basis data baru yang sudah dimigrasi, "
        "PADU_DATA_DIR tanpa berkas), lalu periksa jumlah baris tiap tabel."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("file", type=Path, help="arsip dari padu backup")

    def handle(self, *args, file, **options):
        if not file.exists():
            raise self.fail(f"Arsip {file} tidak ada.")
        try:
            with self.progress("Pemulihan") as progress:
                differing = restore_backup(file, progress=progress)
        except BackupError as error:
            raise self.fail(str(error)) from error
        if differing:
            for table, (expected, found) in differing.items():
                self.stderr.write(f"  {table}: {found} baris, di arsip {expected}")
            raise self.fail("Pemulihan selesai, tetapi jumlah baris berbeda dari arsip.")
        self.stdout.write(f"Arsip {file} dipulihkan; jumlah baris tiap tabel sama dengan arsip.")
