from padu.core.commands import PaduCommand
from padu.service.services import escalate_overdue


class Command(PaduCommand):
    help = (
        "Layanan terpadu: eskalasi permintaan warga yang lewat batas waktu (jalankan tiap hari, "
        "mis. dari timer systemd atau cron)."
    )

    def add_arguments(self, parser):
        sub = self.add_subcommands(parser)
        sub.add_parser(
            "escalate",
            help="tandai permintaan terbuka yang lewat batas waktu dan kabari Dinsos wilayahnya",
        )

    def handle(self, *args, action, **options):
        escalated = escalate_overdue(actor=self.acting_user(required=False))
        self.stdout.write(
            f"{escalated:,} permintaan lewat batas waktu dieskalasi; lihat Layanan › Permintaan warga."
        )
