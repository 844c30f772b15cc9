import contextlib
import io

from django.core.management import call_command

from padu.core.choices import RunStatus
from padu.core.commands import PaduCommand
from padu.demo.setup import (
    DEMO_PASSWORD,
    demo_dir,
    ensure_demo_accounts,
    ensure_demo_programs,
    ensure_demo_round,
    ensure_demo_service_requests,
    publish_demo_release,
)
from padu.matching.models import LinkageRun
from padu.matching.services import run_matching
from padu.regions.models import Boundary, Region
from padu.regions.services import EXPECTED_TOTAL, load_boundaries, load_regions
from padu.registry.models import Family
from padu.releases.models import Release
from padu.sources.choices import BatchStatus
from padu.sources.services import file_sha256, find_dataset, import_file
from padu.synth.services import generate_region
from padu.welfare.models import WelfareModel
from padu.welfare.services import classify


class Command(PaduCommand):
    help = "Siapkan dan jalankan demo: kota sintetis, data terpadu, akun untuk tiap peran."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--region", default="33.74", help="kabupaten/kota (bawaan: Kota Semarang)"
        )
        parser.add_argument("--people", type=int, default=50_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--addr", default="127.0.0.1:8000", help="alamat server")
        parser.add_argument("--no-serve", action="store_true", help="siapkan saja, tanpa server")

    def handle(self, *args, **options):
        region, people, seed = options["region"], options["people"], options["seed"]
        self.stdout.write("1/11 Menyiapkan basis data …")
        call_command("migrate", verbosity=0)
        self.stdout.write("2/11 Memuat wilayah Kemendagri dan batasnya untuk peta …")
        if Region.objects.count() != EXPECTED_TOTAL:
            with self.progress("Memuat wilayah") as progress:
                load_regions(progress=progress)
        if not Boundary.objects.exists():
            with self.progress("Memuat batas wilayah") as progress:
                load_boundaries(progress=progress)
        try:
            city = Region.objects.get_by_code(region)
        except Region.DoesNotExist as error:
            raise self.fail(f"wilayah {region!r} tidak dikenal") from error
        out = demo_dir(city.code, people, seed)
        self.stdout.write(f"3/11 Membangkitkan {people:,} penduduk sintetis {city.name} …")
        if not (out / "manifest.json").exists():
            with self.progress("Membangkitkan") as progress:
                generate_region(
                    region=city.code,
                    people=people,
                    seed=seed,
                    out_dir=out,
                    p3ke_format="xlsx",
                    progress=progress,
                )
        self.stdout.write("4/11 Mengimpor ekspor DTKS, P3KE dan Regsosek …")
        for source in ("regsosek", "dtks", "p3ke"):
            self._import(out, source)
        if not LinkageRun.objects.filter(status=RunStatus.COMPLETED).exists():
            self.stdout.write("5/11 Mencocokkan: satu orang, satu keluarga …")
            with self.progress("Pencocokan") as progress:
                run, _linkage = run_matching(actor=None, progress=progress)
            if run.status != RunStatus.COMPLETED:
                raise self.fail(run.message)
            self.stdout.write(
                f"    {run.records:,} rekaman → {run.clusters:,} orang; "
                f"{run.pairs_queued:,} pasangan menunggu tinjauan"
            )
        if not WelfareModel.objects.exists():
            self.stdout.write("6/11 Menilai kesejahteraan: desil, kemiskinan, kebutuhan, rujukan …")
            with self.progress("Klasifikasi") as progress:
                result = classify(city.code, actor=None, progress=progress)
            self.stdout.write(
                f"    {result.families:,} keluarga dinilai; {result.referrals:,} rujukan ke OPD"
            )
        self.stdout.write("7/11 Membuat akun demo …")
        accounts = ensure_demo_accounts(city.code)
        first_release = not Release.objects.exists()
        if first_release:
            release = publish_demo_release(
                city.code,
                name=f"Data Tunggal Kemiskinan {city.name}",
                period="sebelum verivali",
                decree="400.9/001/2026",
            )
            self.stdout.write(f"    rilis {release.number} terbit (sebelum verivali)")
        self.stdout.write("8/11 Menyiapkan putaran verivali yang sedang berjalan …")
        approved = ensure_demo_round(city.code, seed=seed)
        if approved:
            self.stdout.write(
                f"    {approved:,} kunjungan disetujui; sisanya menunggu musdes/Dinsos"
            )
        self.stdout.write("9/11 Program OPD: daftar penerima diimpor, ditautkan dan diperiksa …")
        checked = ensure_demo_programs(city.code, people=people, seed=seed)
        if checked:
            self.stdout.write(f"    {checked:,} baris penerima diperiksa")
        self.stdout.write("10/11 Layanan warga: usulan, sanggahan, pengaduan dalam tiap tahap …")
        with contextlib.redirect_stdout(io.StringIO()):  # the residents' messages, not ours
            requests = ensure_demo_service_requests(seed=seed)
        if requests:
            self.stdout.write(f"    {requests} permintaan warga")
        if first_release:
            self.stdout.write("11/11 Menilai ulang dan menerbitkan rilis sesudah verivali …")
            classify(city.code, actor=None, refit=False)
            release = publish_demo_release(
                city.code,
                name=f"Data Tunggal Kemiskinan {city.name}",
                period="sesudah verivali",
                decree="400.9/002/2026",
            )
            self.stdout.write(f"    rilis {release.number} terbit (sesudah verivali)")
        families = Family.objects.filter(village__code__within=city.code).count()
        self.stdout.write(self.style.SUCCESS(f"\nDemo siap: {city.name}, {families:,} keluarga."))
        self.stdout.write(f"File sumber: {out}\n")
        self.stdout.write(f"Akun demo (kata sandi semua: {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.username:<12} {account.role.label:<28} {account.scope}")
        if options["no_serve"]:
            return
        call_command("serve", options["addr"])

    def _import(self, out, source):
        path = next(out.glob(f"{source}.*"))
        dataset = find_dataset(source)
        if dataset.batches.filter(
            file_sha256=file_sha256(path), status=BatchStatus.COMPLETED
        ).exists():
            return
        with self.progress(f"Impor {dataset.name}") as progress:
            batch = import_file(path, dataset=dataset, actor=None, progress=progress)
        self.stdout.write(
            f"    {dataset.name}: {batch.rows_accepted:,} diterima, {batch.rows_warned:,} dengan "
            f"peringatan, {batch.rows_rejected:,} ditolak, {batch.rows_duplicate:,} kembar"
        )
