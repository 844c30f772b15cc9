import time
from pathlib import Path

from padu.core.commands import PaduCommand
from padu.sources.choices import BatchStatus
from padu.sources.mapping import MappingError, load_mapping, plan_columns, starter_mapping
from padu.sources.models import SourceDataset
from padu.sources.reading import UnreadableFile
from padu.sources.services import (
    clean_up_interrupted,
    find_dataset,
    import_file,
    write_rejected,
)


class Command(PaduCommand):
    help = "Impor file sumber (CSV/XLSX) ke Padu; setiap baris dipertanggungjawabkan."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("path", type=Path, help="file CSV atau XLSX")
        parser.add_argument("--source", required=True, help="nama sumber: DTKS, P3KE, Regsosek …")
        parser.add_argument("--mapping", type=Path, help="file pemetaan kolom (YAML)")
        parser.add_argument(
            "--write-mapping",
            type=Path,
            metavar="FILE",
            help="tulis pemetaan awal dari file ini untuk diedit, lalu berhenti",
        )
        parser.add_argument(
            "--rejected-out",
            type=Path,
            metavar="FILE",
            help="tulis baris yang ditolak (CSV/XLSX, dengan kolom PESAN PADU)",
        )

    def handle(self, *args, path, source, **options):
        try:
            mapping = load_mapping(options["mapping"])
            if options["write_mapping"]:
                return self._write_mapping(path, mapping, options["write_mapping"])
            dataset = find_dataset(source)
        except (MappingError, UnreadableFile, SourceDataset.DoesNotExist) as error:
            raise self.fail(str(error)) from error
        if not path.exists():
            raise self.fail(f"File {path} tidak ditemukan.")
        clean_up_interrupted()
        started = time.perf_counter()
        with self.progress(f"Impor {dataset.name}") as progress:
            batch = import_file(
                path, dataset=dataset, actor=None, mapping=mapping, progress=progress
            )
        seconds = time.perf_counter() - started
        self._summary(batch, seconds)
        if options["rejected_out"] and batch.rows_rejected:
            count = write_rejected(batch, options["rejected_out"])
            self.stdout.write(f"{count:,} baris ditolak ditulis ke {options['rejected_out']}")
        if batch.status == BatchStatus.DUPLICATE:
            return
        if batch.status != BatchStatus.COMPLETED or batch.rows_accepted == 0:
            raise self.fail(batch.message or "Tidak ada baris yang diterima.")

    def _write_mapping(self, path, mapping, out):
        table = mapping.read(path)
        plan = plan_columns(table.header, mapping)
        out.write_text(
            starter_mapping(table.header, plan, sheet=table.sheet, header_row=table.header_row),
            encoding="utf-8",
        )
        self.stdout.write(
            f"Pemetaan awal ditulis ke {out}: {len(plan.field_columns)} kolom dikenali, "
            f"{len(plan.unknown)} belum: {', '.join(plan.unknown) or '-'}"
        )

    def _summary(self, batch, seconds):
        self.stdout.write(
            f"Batch #{batch.pk} {batch.dataset.name} · {batch.file_name}: "
            f"{batch.get_status_display()}"
        )
        if batch.status == BatchStatus.DUPLICATE:
            self.stdout.write(batch.message)
            return
        rate = batch.rows_read / seconds if seconds else 0
        self.stdout.write(
            f"  dibaca {batch.rows_read:,} · diterima {batch.rows_accepted:,} "
            f"(dengan peringatan {batch.rows_warned:,}) · ditolak {batch.rows_rejected:,} · "
            f"kembar {batch.rows_duplicate:,}\n"
            f"  rekaman baru {batch.records_created:,} · diperbarui {batch.records_updated:,} · "
            f"{seconds:.1f} detik ({rate:,.0f} baris/detik)"
        )
        if batch.message:
            self.stdout.write(f"  {batch.message}")
        for issue in batch.issues.order_by("-severity", "row_number")[:10]:
            self.stdout.write(f"  baris {issue.row_number} {issue.column}: {issue.message}")
        more = batch.issues.count() - 10
        if more > 0:
            self.stdout.write(f"  … dan {more:,} masalah lain (padu batches show {batch.pk})")
