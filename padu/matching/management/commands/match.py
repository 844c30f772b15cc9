import time

from padu.core.choices import RunStatus
from padu.core.commands import PaduCommand
from padu.matching.choices import RunMode
from padu.matching.engine import MATCH_THRESHOLD, REVIEW_THRESHOLD
from padu.matching.services import run_matching


class Command(PaduCommand):
    help = (
        "Cocokkan rekaman sumber: satu orang, satu keluarga, dari banyak sumber. Bawaannya "
        "(--mode auto) rekaman baru dicocokkan dengan model terakhir; --mode full melatih ulang."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--threshold",
            type=float,
            default=MATCH_THRESHOLD,
            help=f"peluang minimal untuk dianggap orang yang sama (bawaan {MATCH_THRESHOLD})",
        )
        parser.add_argument(
            "--review-threshold",
            type=float,
            default=REVIEW_THRESHOLD,
            help=f"pasangan di antara ambang ini dan --threshold ditinjau (bawaan {REVIEW_THRESHOLD})",
        )

        parser.add_argument(
            "--mode",
            choices=[mode.value for mode in RunMode],
            default=RunMode.AUTO.value,
            help="auto (bawaan): rekaman baru saja bila sudah ada model, kecuali sebagian besar "
            "rekaman baru; full: latih ulang dan cocokkan semua; new: rekaman baru saja",
        )

        parser.add_argument(
            "--engine",
            choices=["duckdb", "spark"],
            default="duckdb",
            help="duckdb (bawaan, satu mesin) atau spark (provinsi/nasional; pip install padu[spark])",
        )
        parser.add_argument(
            "--spark-master",
            default="local[2]",
            help="alamat Spark untuk --engine spark: local[N], spark://host:7077, yarn …",
        )

    def handle(self, *args, threshold, review_threshold, mode, engine, spark_master, **options):
        if not 0 < review_threshold < threshold <= 1:
            raise self.fail("ambang harus 0 < --review-threshold < --threshold ≤ 1")
        started = time.perf_counter()
        db_api = None
        if engine == "spark":
            try:
                from padu.matching.spark import spark_api

                db_api = spark_api(spark_master)
            except ImportError:
                raise self.fail('Spark belum terpasang: pip install "padu[spark]"') from None
        with self.progress("Pencocokan") as progress:
            run, _linkage = run_matching(
                actor=self.acting_user(required=False),
                mode=RunMode(mode),
                match_threshold=threshold,
                review_threshold=review_threshold,
                db_api=db_api,
                progress=progress,
            )
        if run.status != RunStatus.COMPLETED:
            raise self.fail(run.message)
        seconds = time.perf_counter() - started
        self.stdout.write(
            f"Pencocokan #{run.pk} ({run.get_mode_display()}): {run.records:,} rekaman · {run.comparisons:,} pasangan "
            f"dibandingkan · {run.clusters:,} orang · {run.pairs_queued:,} pasangan untuk "
            f"ditinjau · {seconds:.1f} detik"
        )
