"""``padu serve``: Padu's web server (gunicorn) and its background worker, side by side."""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings

from padu.core.commands import PaduCommand
from padu.core.staticstorage import collect_if_changed

#: Each worker holds Django, Polars and DuckDB (about 200 MB): a large machine's rule of
#: thumb would fill its memory before its cores.
MAX_DEFAULT_WORKERS = 9


def default_workers() -> int:
    """gunicorn's rule of thumb, two workers per core and one, up to MAX_DEFAULT_WORKERS."""
    return min(2 * (os.cpu_count() or 1) + 1, MAX_DEFAULT_WORKERS)


#: How much lower the background worker's CPU priority is than the web server's.
WORKER_NICENESS = 5


class Command(PaduCommand):
    help = (
        "Jalankan Padu: server web (gunicorn, berkas statis dari WhiteNoise) dan pekerja latar "
        "belakang berdampingan. SIGTERM atau Ctrl+C menghentikan keduanya dengan rapi: "
        "permintaan yang sedang dilayani dan pekerjaan latar yang sedang berjalan diselesaikan."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("addr", nargs="?", default="127.0.0.1:8000", help="alamat server")
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help=f"proses gunicorn (bawaan: 2 × inti + 1, paling banyak {MAX_DEFAULT_WORKERS}: "
            f"{default_workers()})",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="tanpa pekerja latar (ia berjalan sebagai layanan sendiri: padu worker)",
        )
        parser.add_argument(
            "--dev",
            action="store_true",
            help="server pengembangan Django (runserver) sebagai ganti gunicorn",
        )

    def handle(self, *args, addr, workers, no_worker, dev, **options):
        if settings.PRODUCTION and collect_if_changed():
            self.stdout.write("Berkas statis dikumpulkan dan dikompresi.")
        python = [sys.executable, "-m"]
        if dev:
            web = [*python, "padu.cli", "manage", "runserver", addr, "--noreload"]
        else:
            web = [
                *python,
                "gunicorn", "padu.wsgi:application",
                "--bind", addr,
                "--workers", str(workers),
                # A page that builds a large Excel file may take a while; a hung worker not.
                "--timeout", "300",
                "--graceful-timeout", "60",
                # The reverse proxy on this machine says which requests came over HTTPS.
                "--forwarded-allow-ips", "127.0.0.1,::1",
                "--access-logfile", "-",
                # Stopped by its signals (here, or by systemd): no control socket in $HOME.
                "--no-control-socket",
            ]  # fmt: skip
        processes = {"web": subprocess.Popen(web)}
        if not no_worker:
            # Below the web server: a matching run or an import yields the CPU to people's pages.
            processes["worker"] = subprocess.Popen(
                [*python, "padu.cli", "worker", "--no-reload"],
                preexec_fn=lambda: os.nice(WORKER_NICENESS),
            )
        self.stdout.write(
            f"Padu berjalan di http://{addr}/ "
            f"({'runserver' if dev else f'gunicorn, {workers} proses'}"
            f"{'' if no_worker else ', dengan pekerja latar'}). Ctrl+C untuk berhenti."
        )
        return self._supervise(processes)

    def _supervise(self, processes: dict[str, subprocess.Popen]) -> None:
        """Wait; on SIGTERM or SIGINT, or when one process ends, stop the others gently
        (SIGTERM: gunicorn finishes its requests, the worker its task), and exit with the
        first one's code so that systemd restarts what failed."""
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        ended = None
        while not stopping and ended is None:
            ended = next((n for n, p in processes.items() if p.poll() is not None), None)
            time.sleep(0.5)
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=600)  # the worker may be finishing an import
            except subprocess.TimeoutExpired:
                process.kill()
        if ended is not None and not stopping:
            code = processes[ended].returncode
            self.stderr.write(f"{ended} berhenti (kode {code}); yang lain dihentikan.")
            sys.exit(code or 1)
