import datetime as dt
from pathlib import Path

from padu.accounts.choices import AccessKind
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.commands import PaduCommand
from padu.core.spreadsheet import spreadsheet_bytes
from padu.programs.linking import LinkingUnavailable
from padu.programs.models import Beneficiary, Cycle, Program
from padu.programs.reports import check_report
from padu.programs.services import CycleError, check_cycle, detect_anomalies, import_cycle_list
from padu.sources.mapping import MappingError, load_mapping


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class Command(PaduCommand):
    help = (
        "Program dan intervensi: impor daftar penerima sebuah siklus, dan laporan pemeriksaan "
        "tepat sasaran per penerima."
    )

    def add_arguments(self, parser):
        sub = self.add_subcommands(parser)
        imported = sub.add_parser(
            "import", help="impor daftar penerima OPD ke sebuah siklus, tautkan dan periksa"
        )
        imported.add_argument("file", type=Path, help="file .xlsx, .xls, .csv daftar penerima")
        imported.add_argument("--program", required=True, help="kode program")
        imported.add_argument("--cycle", required=True, help="nama siklus (mis. 'Tahap 1 2025')")
        imported.add_argument("--from", dest="starts_on", type=_date, help="mulai (YYYY-MM-DD)")
        imported.add_argument("--to", dest="ends_on", type=_date, help="selesai (YYYY-MM-DD)")
        imported.add_argument("--mapping", type=Path, help="file pemetaan kolom (.yaml)")
        checked = sub.add_parser(
            "check", help="periksa siklus yang belum disetujui dan tulis laporan per penerima"
        )
        checked.add_argument("--program", help="hanya program ini (kode)")
        checked.add_argument("--out", type=Path, required=True, help="laporan .xlsx atau .csv")
        sub.add_parser(
            "flags",
            help="cari anomali: penerima meninggal/pindah, NIK ganda, aset tidak sesuai, "
            "desil melompat",
        )

    def handle(self, *args, action, **options):
        if action == "import":
            return self._import(**options)
        if action == "flags":
            raised = detect_anomalies(actor=self.acting_user(required=False))
            self.stdout.write(
                f"{raised:,} tanda anomali baru; putuskan di halaman Program › Tanda anomali."
            )
            return None
        return self._check(**options)

    def _program(self, code: str) -> Program:
        program = Program.objects.filter(code=code).first()
        if program is None:
            known = ", ".join(Program.objects.values_list("code", flat=True)[:30]) or "belum ada"
            raise self.fail(f"Program {code!r} tidak dikenal. Program yang ada: {known}.")
        return program

    def _import(self, *, file, program, cycle, starts_on, ends_on, mapping, **options):
        if not file.exists():
            raise self.fail(f"File {file} tidak ada.")
        user = self.acting_user(required=False)
        try:
            columns = load_mapping(mapping) if mapping else None
            with self.progress("Daftar penerima") as progress:
                found = import_cycle_list(
                    file,
                    program=self._program(program),
                    cycle_name=cycle,
                    actor=user,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    mapping=columns,
                    progress=progress,
                )
        except (CycleError, LinkingUnavailable, MappingError, ValueError) as error:
            raise self.fail(str(error)) from None
        s = found.summary
        batch = found.batch
        self.stdout.write(
            f"{found}: {batch.rows_read:,} baris dibaca, {batch.rows_rejected:,} ditolak "
            f"(lihat `padu batches show {batch.pk}`) · {s['baris']:,} penerima: "
            f"{s['tertaut']:,} tertaut, {s['calon']:,} perlu diputuskan, "
            f"{s['tidak_ditemukan']:,} tidak ditemukan · {s['gagal']:,} gagal pemeriksaan "
            f"(tidak tepat sasaran {s['tepat_sasaran']:,}, tidak tepat lokasi "
            f"{s['tepat_lokasi']:,}, tidak hidup/menetap {s['hidup_menetap']:,}, ganda "
            f"{s['ganda_program']:,}, kombinasi terlarang {s['kombinasi_terlarang']:,})"
        )

    def _check(self, *, program, out, **options):
        if out.suffix.lower() not in (".xlsx", ".csv"):
            raise self.fail("Laporan harus berakhiran .xlsx atau .csv.")
        user = self.acting_user(required=True)
        cycles = Cycle.objects.restrict(user, Action.VIEW).select_related("program")
        if program:
            cycles = cycles.filter(program=self._program(program))
        if not cycles.exists():
            raise self.fail("Belum ada siklus program yang dapat Anda lihat.")
        for cycle in cycles:
            if not cycle.is_frozen:
                try:
                    check_cycle(cycle, actor=user)
                except CycleError as error:
                    raise self.fail(str(error)) from None
        rows = Beneficiary.objects.restrict(user, Action.EXPORT).filter(cycle__in=cycles)
        report = check_report(rows, reveal=user.sees_full_identifiers)
        out.write_bytes(spreadsheet_bytes(report, out.suffix.lower()[1:], "Pemeriksaan"))
        log_access(
            user,
            kind=AccessKind.EXPORT,
            object_type="program_beneficiary",
            object_id=program or "*",
            detail=f"padu programs check ({report.height} baris)",
        )
        failed = report.filter(
            (report["tepat_sasaran"] == "tidak")
            | (report["tepat_lokasi"] == "tidak")
            | (report["hidup_menetap"] == "tidak")
            | (report["ganda_program"] == "ya")
            | (report["kombinasi_terlarang"] == "ya")
        ).height
        self.stdout.write(
            f"{report.height:,} baris penerima dari {cycles.count()} siklus ditulis ke {out}; "
            f"{failed:,} gagal sedikitnya satu pemeriksaan."
        )
