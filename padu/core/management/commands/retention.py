from django.utils.formats import number_format

from padu.core.commands import PaduCommand
from padu.core.retention import retention_rules


def _size(n: int) -> str:
    return f"{n / 2**20:,.1f} MB".replace(",", "·").replace(".", ",").replace("·", ".")


class Command(PaduCommand):
    help = (
        "Aturan retensi: tampilkan apa yang akan dihapus (selalu dulu), lalu hapus dengan "
        "--terapkan. Lama simpan diatur di PADU_RETAIN_*_DAYS."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--terapkan",
            dest="apply",
            action="store_true",
            help="benar-benar menghapus (tanpa ini: hanya laporan)",
        )

    def handle(self, *args, apply: bool, **options):
        actor = self.acting_user(required=apply)
        rules = retention_rules()
        self.stdout.write(
            "Aturan retensi (laporan; tidak ada yang dihapus):" if not apply else "Aturan retensi:"
        )
        found = {rule.name: rule.find(rule.cutoff()) for rule in rules}
        for rule in rules:
            item = found[rule.name]
            self.stdout.write(
                f"  {rule.label}, lebih tua dari {rule.days} hari: "
                f"{number_format(item.count, force_grouping=True)} ({_size(item.bytes)})"
            )
        if not apply:
            self.stdout.write("Jalankan lagi dengan --terapkan --user NAMA untuk menghapusnya.")
            return
        for rule in rules:
            if found[rule.name].count:
                deleted = rule.apply(rule.cutoff(), actor)
                self.stdout.write(self.style.SUCCESS(f"  dihapus: {deleted} ({rule.label})"))
