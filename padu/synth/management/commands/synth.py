import random
from pathlib import Path

from padu.core.commands import PaduCommand
from padu.synth.dirt import PROFILES, DirtRates
from padu.synth.services import EXPORT_FORMATS, generate_region


class Command(PaduCommand):
    help = (
        "Bangkitkan penduduk sintetis sebuah kabupaten/kota beserta ekspor DTKS, P3KE dan "
        "Regsosek (dengan kotoran data yang realistis) dan file kebenarannya (truth)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--region", required=True, help="kode kabupaten/kota, mis. 33.74")
        parser.add_argument("--people", type=int, default=50_000, help="jumlah penduduk")
        parser.add_argument(
            "--seed", type=int, default=1, help="benih acak (hasil sama untuk benih sama)"
        )
        parser.add_argument("--out", required=True, type=Path, help="folder keluaran")
        parser.add_argument(
            "--dirt",
            type=float,
            default=1.0,
            help="pengali tingkat kotoran data: 0 = bersih, 1 = bawaan, 2 = dua kali lipat",
        )
        parser.add_argument(
            "--dirt-profile",
            choices=sorted(PROFILES),
            default="first",
            help="jenis kotoran: first = kebiasaan kantor (gelar, ejaan lama, nama panggilan); "
            "second = salah ketik, NIK rusak oleh spreadsheet, tanggal tak diketahui, pindah",
        )
        parser.add_argument(
            "--random-dirt",
            action="store_true",
            help="tingkat tiap jenis kotoran diundi (0 sampai 3 kali bawaan, dari benih)",
        )
        parser.add_argument("--p3ke-format", choices=EXPORT_FORMATS, default="csv")

    def handle(self, *args, **options):
        if options["dirt"] < 0:
            raise self.fail("--dirt tidak boleh negatif")
        if options["random_dirt"]:
            rates = DirtRates.drawn(random.Random(options["seed"]), most=3.0 * options["dirt"])
        elif options["dirt"] == 0:
            rates = DirtRates.clean()
        else:
            rates = DirtRates.scaled(options["dirt"])
        with self.progress("Membangkitkan wilayah sintetis") as progress:
            try:
                result = generate_region(
                    region=options["region"],
                    people=options["people"],
                    seed=options["seed"],
                    out_dir=options["out"],
                    rates=rates,
                    profile=PROFILES[options["dirt_profile"]],
                    p3ke_format=options["p3ke_format"],
                    progress=progress,
                )
            except ValueError as error:
                raise self.fail(str(error)) from error
        self.stdout.write(
            f"{result.region_name}: {result.people:,} jiwa, {result.families:,} keluarga "
            f"dalam {result.seconds:.1f} detik"
        )
        for source, path in result.files.items():
            rows = result.rows.get(source)
            self.stdout.write(f"  {path}" + (f"  ({rows:,} baris)" if rows is not None else ""))
