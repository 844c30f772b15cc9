import subprocess
import sys

from django.core.management import call_command

from padu.core.commands import PaduCommand


class Command(PaduCommand):
    help = "Jalankan server web bersama pekerja latar belakang (impor, pencocokan). Untuk demo dan uji coba."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("addr", nargs="?", default="127.0.0.1:8000", help="alamat server")

    def handle(self, *args, addr, **options):
        # The worker is its own process, as in production (`padu manage db_worker` under a
        # supervisor), so a long import never blocks the web server.
        worker = subprocess.Popen(
            [sys.executable, "-m", "padu.cli", "manage", "db_worker", "--no-reload"]
        )
        self.stdout.write(f"Pekerja latar belakang berjalan (pid {worker.pid}).")
        self.stdout.write(f"Buka http://{addr}/  (Ctrl+C untuk berhenti)\n")
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
