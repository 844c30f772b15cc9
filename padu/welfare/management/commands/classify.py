import time

from padu.core.commands import PaduCommand
from padu.welfare.choices import PovertyStatus
from padu.welfare.services import DEFAULT_YEAR, classify


class Command(PaduCommand):
    help = (
        "Nilai kesejahteraan setiap keluarga: skor PMT, desil, status kemiskinan, 14 kriteria "
        "BPS, kebutuhan, dan rujukan ke OPD."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--region", help="hanya wilayah ini (kode, mis. 33.74 atau 33.74.01)")
        parser.add_argument(
            "--reuse-model",
            action="store_true",
            help="pakai versi model terakhir tiap kabupaten/kota (bawaan: latih versi baru)",
        )
        parser.add_argument(
            "--year",
            type=int,
            default=DEFAULT_YEAR,
            help=f"tahun garis kemiskinan ({DEFAULT_YEAR})",
        )

    def handle(self, *args, region, reuse_model, year, **options):
        started = time.perf_counter()
        try:
            with self.progress("Klasifikasi") as progress:
                result = classify(
                    region,
                    actor=self.acting_user(required=False),
                    refit=not reuse_model,
                    year=year,
                    progress=progress,
                )
        except ValueError as error:
            raise self.fail(str(error)) from None
        if result.families == 0:
            raise self.fail(
                "Belum ada keluarga: impor dan cocokkan dulu (padu import, padu match)."
            )
        seconds = time.perf_counter() - started
        for model in result.models:
            stats = model.statistics
            self.stdout.write(
                f"{model}: R² {stats['r2']:.3f} (uji terpisah {stats['holdout_r2'] or 0:.3f}), "
                f"{stats['n']:,} keluarga dengan pengeluaran tercatat"
            )
        counts = " · ".join(
            f"{PovertyStatus(status).label}: {result.by_status.get(status, 0):,}"
            for status in PovertyStatus.values
        )
        self.stdout.write(
            f"{result.families:,} keluarga dinilai · {counts} · {result.needs:,} kebutuhan · "
            f"{result.referrals:,} rujukan baru · {seconds:.1f} detik"
        )
