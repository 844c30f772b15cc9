from pathlib import Path

from django.core.exceptions import ValidationError

from padu.core.commands import PaduCommand
from padu.sources.choices import BatchStatus
from padu.sources.forms import VillageField
from padu.sources.mapping import (
    MappingError,
    load_mapping,
    plan_columns,
    starter_mapping,
    undecided_mapping,
)
from padu.sources.models import SourceDataset
from padu.sources.reading import UnreadableFile
from padu.sources.reporting import batch_summary, write_rejected
from padu.sources.services import (
    clean_up_interrupted,
    find_dataset,
    import_file,
)


class Command(PaduCommand):
    help = "Impor file sumber (CSV/XLSX) ke Padu; setiap baris dipertanggungjawabkan."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("path", type=Path, help="file CSV atau XLSX")
        parser.add_argument("--source", required=True, help="nama sumber: DTKS, P3KE, Regsosek …")
        parser.add_argument("--mapping", type=Path, help="file pemetaan kolom (YAML)")
        parser.add_argument(
            "--families",
            type=Path,
            metavar="FILE",
            help="file keluarga, bila PATH hanya berisi anggota (digabung lewat ID keluarga/No KK)",
        )
        parser.add_argument(
            "--village",
            metavar="CODE",
            help="kode desa/kelurahan bila file hanya berisi satu desa (OpenSID, SIAK, BIP)",
        )
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
            if options["village"]:
                mapping = mapping.in_village(self._village(options["village"]))
            if options["write_mapping"]:
                return self._write_mapping(path, mapping, options["write_mapping"])
            dataset = find_dataset(source)
        except (MappingError, UnreadableFile, SourceDataset.DoesNotExist) as error:
            raise self.fail(str(error)) from error
        for given in (path, options["families"]):
            if given and not given.exists():
                raise self.fail(f"File {given} tidak ditemukan.")
        clean_up_interrupted(actor=self.acting_user(required=False))
        with self.progress(f"Impor {dataset.name}") as progress:
            batch = import_file(
                path,
                dataset=dataset,
                actor=self.acting_user(required=False),
                mapping=mapping,
                family_path=options["families"],
                progress=progress,
            )
        self.stdout.write("\n".join(batch_summary(batch)))
        if options["rejected_out"] and batch.rows_rejected:
            count = write_rejected(batch, options["rejected_out"])
            self.stdout.write(f"{count:,} baris ditolak ditulis ke {options['rejected_out']}")
        if batch.status == BatchStatus.DUPLICATE:
            return
        if batch.status != BatchStatus.COMPLETED or batch.rows_accepted == 0:
            raise self.fail(batch.message or "Tidak ada baris yang diterima.")

    def _village(self, given: str) -> str:
        try:
            return VillageField().clean(given)
        except ValidationError as error:
            raise self.fail(" ".join(error.messages)) from error

    def _write_mapping(self, path, mapping, out):
        try:
            table = mapping.read(path)
        except UnreadableFile as error:
            if not path.exists():
                raise
            out.write_text(undecided_mapping(path), encoding="utf-8")
            self.stdout.write(
                f"{error}\nContoh baris tiap sheet ditulis ke {out}: isi sheet dan header_row, "
                f"lalu jalankan lagi dengan --mapping {out}."
            )
            return
        plan = plan_columns(table.header, mapping)
        out.write_text(
            starter_mapping(table.header, plan, sheet=table.sheet, header_row=table.header_row),
            encoding="utf-8",
        )
        self.stdout.write(
            f"Pemetaan awal ditulis ke {out}: {len(plan.field_columns)} kolom dikenali, "
            f"{len(plan.unknown)} belum: {', '.join(plan.unknown) or '-'}"
        )
