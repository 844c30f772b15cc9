import datetime as dt
import shutil
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File

from padu.accounts import policy
from padu.accounts.choices import AccessKind
from padu.accounts.policy import Action
from padu.accounts.services import log_access
from padu.core.commands import PaduCommand
from padu.core.spreadsheet import spreadsheet_bytes
from padu.regions.models import Region
from padu.releases import services, storage
from padu.releases.diff import change_label, diff_releases, for_readers, summarise
from padu.releases.figures import figures_of
from padu.releases.models import Release
from padu.welfare.services import DEFAULT_YEAR


class Command(PaduCommand):
    help = "Rilis data: susun, periksa, setujui, terbitkan, bandingkan, ekspor, periksa berkas."

    def add_arguments(self, parser):
        sub = self.add_subcommands(parser)
        sub.add_parser("list", help="rilis yang ada")
        create = sub.add_parser("create", help="susun rilis baru dari registri saat ini")
        create.add_argument("--name", required=True, help='mis. "Data Tunggal Kemiskinan 2026"')
        create.add_argument("--period", required=True, help='mis. "Semester II 2026"')
        create.add_argument("--region", help="kode wilayah (bawaan: wilayah akun)")
        create.add_argument("--year", type=int, default=DEFAULT_YEAR, help="tahun garis kemiskinan")
        create.add_argument("--notes", default="")
        for name, text in (
            ("check", "tandai rilis sudah diperiksa (TKPK/Bappeda)"),
            ("approve", "setujui rilis (pimpinan)"),
            ("verify", "periksa berkas rilis terhadap manifesnya"),
            ("show", "ringkasan dan angka utama rilis"),
        ):
            sub.add_parser(name, help=text).add_argument("number", type=int)
        publish = sub.add_parser("publish", help="terbitkan rilis yang disetujui")
        publish.add_argument("number", type=int)
        publish.add_argument("--decree-number", help="nomor keputusan")
        publish.add_argument("--decree-date", help="tanggal keputusan (YYYY-MM-DD)")
        publish.add_argument("--signatory", help="penanda tangan keputusan")
        publish.add_argument("--decree-pdf", type=Path, help="PDF keputusan bertanda tangan")
        withdraw = sub.add_parser("withdraw", help="tarik rilis yang terbit (tetap dapat dibaca)")
        withdraw.add_argument("number", type=int)
        withdraw.add_argument("--reason", required=True)
        diff = sub.add_parser("diff", help="perbedaan dua rilis")
        diff.add_argument("older", type=int)
        diff.add_argument("newer", type=int)
        diff.add_argument("--out", type=Path, help="tulis rinciannya per keluarga (.xlsx/.csv)")
        export = sub.add_parser("export", help="salin berkas rilis dan manifesnya ke folder")
        export.add_argument("number", type=int)
        export.add_argument("--out", type=Path, required=True)

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (services.ReleaseError, storage.ReleaseFilesError, ValidationError) as error:
            raise self.fail(" ".join(getattr(error, "messages", [str(error)]))) from error
        except PermissionDenied as error:
            raise self.fail(str(error) or "Akun ini tidak berwenang.") from error

    def _release(self, number: int, action: str, user=None) -> Release:
        releases = (
            Release.objects.all() if user is None else Release.objects.restrict(user, Action.VIEW)
        )
        found = releases.filter(number=number).first()
        if found is None:
            raise self.fail(
                f"Rilis {number} tidak ada atau di luar wilayah Anda (padu release list)."
            )
        if user is not None and action != Action.VIEW:
            policy.require(user, found, action)
        return found

    def _list(self, **options):
        user = self.acting_user(required=False)
        releases = Release.objects.select_related("region")
        if user is not None:
            releases = releases.restrict(user, Action.VIEW)
        for release in releases.order_by("number"):
            summary = release.summary
            self.stdout.write(
                f"{release.number:>4}  {release.get_lifecycle_display():<10} "
                f"{release.get_status_display():<10} {release.period:<20} "
                f"keluarga {summary.get('families', 0):>9,}  miskin {summary.get('families_poor', 0):>7,}  "
                f"ekstrem {summary.get('families_extreme', 0):>6,}  {release.name}"
            )
        if not releases.exists():
            self.stdout.write("belum ada rilis (padu release create --name … --period …)")

    def _create(self, *, name, period, region, year, notes, **options):
        user = self.acting_user(required=False)
        area = None
        if region:
            area = Region.objects.filter(code=region).first()
            if area is None:
                raise self.fail(f"Wilayah {region} tidak dikenal (padu regions find NAMA).")
        release = services.create_release(
            actor=user, name=name, period=period, region=area, year=year, notes=notes, enqueue=False
        )
        with self.progress(f"Rilis {release.number}") as progress:
            release = services.execute_build(release, progress=progress)
        if release.status != "completed":
            raise self.fail(f"Rilis {release.number}: {release.message}")
        self.stdout.write(
            f"Rilis {release.number} tersusun (draf), data per {release.as_of:%Y-%m-%d %H:%M}."
        )
        self._show(number=release.number)

    def _show(self, *, number, **options):
        release = self._release(number, Action.VIEW, self.acting_user(required=False))
        self.stdout.write(
            f"Rilis {release.number}: {release.name} ({release.period}), "
            f"{release.get_lifecycle_display().lower()}"
        )
        if not release.is_built:
            self.stdout.write(
                f"  belum tersusun: {release.message or release.get_status_display()}"
            )
            return
        for table, entry in release.manifest["tables"].items():
            self.stdout.write(
                f"  {table:<11} {entry['rows']:>10,} baris  {len(entry['files'])} berkas"
            )
        for figures in figures_of(release).headline(release.region_id):
            for indicator, value in figures.indicators():
                self.stdout.write(
                    f"  {figures.area} {indicator.label}: {indicator.shown(value)} {indicator.unit}"
                )

    def _check(self, *, number, **options):
        user = self.acting_user(required=True)
        release = services.check_release(self._release(number, Action.CHECK, user), actor=user)
        self.stdout.write(f"Rilis {release.number} ditandai sudah diperiksa.")

    def _approve(self, *, number, **options):
        user = self.acting_user(required=True)
        release = services.approve_release(self._release(number, Action.APPROVE, user), actor=user)
        self.stdout.write(f"Rilis {release.number} disetujui.")

    def _publish(self, *, number, decree_number, decree_date, signatory, decree_pdf, **options):
        user = self.acting_user(required=True)
        release = self._release(number, Action.CHANGE, user)
        if decree_number or decree_date or signatory or decree_pdf:
            try:
                date = dt.date.fromisoformat(decree_date) if decree_date else release.decree_date
            except ValueError as error:
                raise self.fail(f"Tanggal keputusan {decree_date!r}: tulis YYYY-MM-DD.") from error
            pdf = None
            if decree_pdf:
                if not decree_pdf.exists():
                    raise self.fail(f"File {decree_pdf} tidak ditemukan.")
                pdf = File(decree_pdf.open("rb"), name=decree_pdf.name)
            try:
                services.set_decree(
                    release,
                    actor=user,
                    number=decree_number or release.decree_number,
                    date=date,
                    signatory=signatory or release.decree_signatory,
                    pdf=pdf,
                )
            finally:
                if pdf is not None:
                    pdf.close()
        release = services.publish_release(release, actor=user)
        self.stdout.write(
            f"Rilis {release.number} terbit: {release.decree_number} ({release.decree_date:%d-%m-%Y})."
        )

    def _withdraw(self, *, number, reason, **options):
        user = self.acting_user(required=True)
        release = services.withdraw_release(
            self._release(number, Action.CHANGE, user), actor=user, reason=reason
        )
        self.stdout.write(f"Rilis {release.number} ditarik: {release.withdrawal_reason}")

    def _verify(self, *, number, **options):
        release = self._release(number, Action.VIEW, self.acting_user(required=False))
        decree = Path(release.decree_file.path) if release.decree_file else None
        problems = storage.verify(
            storage.release_dir(release.number), release.manifest, decree=decree
        )
        if problems:
            raise self.fail(f"Rilis {release.number} tidak utuh:\n  " + "\n  ".join(problems))
        files = sum(len(t["files"]) for t in release.manifest.get("tables", {}).values())
        self.stdout.write(f"Rilis {release.number} utuh: {files} berkas cocok dengan manifesnya.")

    def _diff(self, *, older, newer, out, **options):
        # The summary counts families; the detail names them (No KK): personal data.
        user = self.acting_user(required=bool(out))
        action = Action.EXPORT if out else Action.VIEW
        first, second = self._release(older, action, user), self._release(newer, action, user)
        changes = diff_releases(first, second)
        table = summarise(changes, by="district")
        self.stdout.write(
            f"Rilis {first.number} → {second.number}: {changes.height:,} keluarga berubah"
        )
        names = dict(
            Region.objects.filter(code__in=table["district"].to_list()).values_list("code", "name")
        )
        for row in table.iter_rows(named=True):
            counts = ", ".join(
                f"{change_label(k)} {v:,}" for k, v in row.items() if k != "district" and v
            )
            self.stdout.write(f"  {names.get(row['district'], row['district'])}: {counts}")
        if out:
            extension = out.suffix.lower().lstrip(".") or "xlsx"
            out.write_bytes(spreadsheet_bytes(for_readers(changes), extension, "Perubahan"))
            log_access(
                user,
                kind=AccessKind.EXPORT,
                object_type="release_diff",
                object_id=f"{first.number}-{second.number}",
                detail=f"{changes.height} keluarga {out.name}",
            )
            self.stdout.write(f"Rincian ditulis ke {out}")

    def _export(self, *, number, out, **options):
        user = self.acting_user(required=True)
        release = self._release(number, Action.EXPORT, user)
        source = storage.release_dir(release.number)
        problems = storage.verify(source, release.manifest)
        if problems:
            raise self.fail("Berkas rilis tidak utuh: " + "; ".join(problems))
        target = out / source.name
        if target.exists():
            raise self.fail(f"{target} sudah ada.")
        shutil.copytree(source, target)
        if release.decree_file:
            shutil.copy(release.decree_file.path, target / Path(release.decree_file.name).name)
        log_access(
            user,
            kind=AccessKind.EXPORT,
            object_type="release",
            object_id=str(release.number),
            detail=f"berkas rilis ke {target}",
        )
        self.stdout.write(f"Rilis {release.number} disalin ke {target}")
