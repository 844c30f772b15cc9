from django.core.exceptions import ValidationError

from padu.accounts.services import issue_api_token
from padu.core.commands import PaduCommand


class Command(PaduCommand):
    help = "API: buat token untuk skrip dan sistem lain (baris terakhir: tokennya saja)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        sub = self.add_subcommands(parser)
        token = sub.add_parser("token", help="buat token API untuk akun --user")
        token.add_argument("--name", default="skrip", help="untuk apa (tampil di daftar token)")
        token.add_argument(
            "--scope", action="append", choices=["read", "write"], help="read (bawaan), write"
        )
        token.add_argument("--days", type=int, default=90, help="berlaku berapa hari (90)")

    def handle(self, *args, action, name, scope, days, **options):
        user = self.acting_user(required=True)
        try:
            token, key = issue_api_token(
                user, name=name, scopes=scope or ["read"], days=days, actor=user
            )
        except ValidationError as error:  # a refused account or scope: said, no traceback
            raise self.fail(" ".join(error.messages)) from None
        until = token.expires_at.strftime("%d-%m-%Y")
        self.stdout.write(
            f"Token {token.prefix}… untuk {user.username} ({', '.join(token.scopes)}), berlaku sampai {until}."
        )
        self.stdout.write("Simpan sekarang: token ini tidak ditampilkan lagi.")
        self.stdout.write(key)
