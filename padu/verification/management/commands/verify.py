from pathlib import Path

from padu.accounts.choices import AccessKind
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.commands import PaduCommand
from padu.core.spreadsheet import xlsx_bytes
from padu.verification.coverage import coverage
from padu.verification.export import round_results
from padu.verification.models import Round, Visit


class Command(PaduCommand):
    help = "Verivali: hasil putaran ke Excel bertata letak SIKS-NG, dan cakupannya."

    def add_arguments(self, parser):
        sub = self.add_subcommands(parser)
        export = sub.add_parser("export", help="hasil satu putaran, satu baris per orang (.xlsx)")
        export.add_argument("--round", type=int, help="nomor putaran (bawaan: yang terbaru)")
        export.add_argument("--out", type=Path, required=True, help="file .xlsx")
        status = sub.add_parser("coverage", help="cakupan per wilayah di bawah wilayah putaran")
        status.add_argument("--round", type=int, help="nomor putaran (bawaan: yang terbaru)")

    def handle(self, *args, action, **options):
        verification_round = self._round(options["round"])
        if action == "export":
            out = options["out"]
            if out.suffix.lower() != ".xlsx":
                raise self.fail(f"{out}: tulis ke file .xlsx")
            user = self.acting_user(required=True)
            frame = round_results(verification_round, Visit.objects.restrict(user, Action.EXPORT))
            log_access(
                user,
                kind=AccessKind.EXPORT,
                object_type="verification_round",
                object_id=verification_round.pk,
                detail=f"padu verify export ({frame.height} orang)",
            )
            out.write_bytes(xlsx_bytes(frame, "verivali"))
            self.stdout.write(
                f"{frame.height:,} orang dari putaran {verification_round.name!r} ditulis ke {out}"
            )
            return
        rows, total = coverage(verification_round.region, [verification_round])
        self.stdout.write(f"{'wilayah':<32}{'sasaran':>10}{'dikunjungi':>12}{'disetujui':>11}")
        for row in [*rows, total]:
            self.stdout.write(
                f"{row.name[:31]:<32}{row.in_scope:>10,}{row.visited:>12,}{row.approved:>11,}"
                f"  {row.share:.1%}"
            )

    def _round(self, number: int | None) -> Round:
        rounds = Round.objects.all()
        found = rounds.filter(pk=number).first() if number else rounds.first()
        if found is None:
            known = ", ".join(f"{r.pk} ({r.name})" for r in rounds[:10]) or "belum ada"
            raise self.fail(f"Putaran {number or ''} tidak ada. Putaran yang ada: {known}.")
        return found
