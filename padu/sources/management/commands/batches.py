from pathlib import Path

from padu.accounts.choices import AccessKind
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.commands import PaduCommand
from padu.sources.choices import BatchStatus
from padu.sources.models import ImportBatch
from padu.sources.reporting import batch_summary, write_rejected
from padu.sources.services import discard_draft, request_cancel, withdraw_batch


class Command(PaduCommand):
    help = "Batch impor: daftar, rincian dan masalahnya, baris yang ditolak, pembatalan."

    def add_arguments(self, parser):
        sub = self.add_subcommands(parser)
        listing = sub.add_parser("list", help="batch terbaru")
        listing.add_argument("--limit", type=int, default=20)
        show = sub.add_parser("show", help="rincian satu batch dan masalahnya")
        show.add_argument("batch", type=int)
        show.add_argument("--issues", type=int, default=50, help="jumlah masalah yang ditampilkan")
        rejected = sub.add_parser("rejected", help="tulis baris yang ditolak (kolom PESAN PADU)")
        rejected.add_argument("batch", type=int)
        rejected.add_argument("--out", type=Path, required=True, help="file .csv atau .xlsx")
        cancel = sub.add_parser("cancel", help="batalkan batch yang menunggu atau berjalan")
        cancel.add_argument("batch", type=int)
        withdraw = sub.add_parser(
            "withdraw", help="tarik batch yang selesai (rekamannya menjadi riwayat)"
        )
        withdraw.add_argument("batch", type=int)
        withdraw.add_argument("--reason", required=True, help="alasan, disimpan di riwayat")

    def handle(self, *args, action, **options):
        # A list of batches shows no personal data; a batch's problems and rejected rows do,
        # and a cancel is a change: those need an account, in whose scope they act.
        user = self.acting_user(required=action != "list")
        if action == "list":
            return self._list(user, options["limit"])
        needs = {
            "rejected": Action.EXPORT,
            "cancel": Action.CHANGE,
            "withdraw": Action.CHANGE,
        }.get(action, Action.VIEW)
        batch = self._batch(user, options["batch"], needs)
        if action == "show":
            self.stdout.write("\n".join(batch_summary(batch, issues=options["issues"])))
            log_access(user, kind=AccessKind.VIEW, object_type="import_batch", object_id=batch.pk)
        elif action == "rejected":
            if not batch.rows_rejected:
                raise self.fail(f"batch #{batch.pk} tidak punya baris yang ditolak")
            count = write_rejected(batch, options["out"])
            log_access(
                user,
                kind=AccessKind.EXPORT,
                object_type="import_batch",
                object_id=batch.pk,
                detail=f"baris ditolak ({count}) {options['out'].name}",
            )
            self.stdout.write(f"{count:,} baris ditolak ditulis ke {options['out']}")
        elif action == "cancel":
            if batch.status not in (BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.DRAFT):
                raise self.fail(f"batch #{batch.pk} sudah {batch.get_status_display()}")
            if batch.status == BatchStatus.DRAFT:
                discard_draft(batch, actor=user)
            else:
                request_cancel(batch, actor=user)
            self.stdout.write(f"pembatalan batch #{batch.pk} diminta")
        elif action == "withdraw":
            try:
                count = withdraw_batch(batch, actor=user, reason=options["reason"])
            except ValueError as error:
                raise self.fail(f"batch #{batch.pk}: {error}") from error
            self.stdout.write(
                f"batch #{batch.pk} ditarik: {count:,} rekaman menjadi riwayat; "
                "jalankan padu match agar registri mengikutinya"
            )

    @staticmethod
    def _batches(user, action: str):
        """The batches the account may take ``action`` on; every batch for the installation
        itself (no account named: listing only)."""
        batches = ImportBatch.objects.select_related("dataset")
        return batches if user is None else batches.restrict(user, action)

    def _batch(self, user, number: int, action: str) -> ImportBatch:
        found = self._batches(user, action).filter(pk=number).first()
        if found is None:
            raise self.fail(
                f"batch #{number} tidak ada atau di luar wilayah Anda (padu batches list)"
            )
        return found

    def _list(self, user, limit: int):
        batches = self._batches(user, Action.VIEW).order_by("-pk")[:limit]
        for batch in batches:
            self.stdout.write(
                f"#{batch.pk:<5} {batch.created_at:%Y-%m-%d %H:%M}  {batch.dataset.name:<10} "
                f"{batch.get_status_display():<12} diterima {batch.rows_accepted:>9,}  "
                f"ditolak {batch.rows_rejected:>7,}  {batch.file_name}"
            )
        if not batches:
            self.stdout.write("belum ada batch")
