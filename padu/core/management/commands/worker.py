"""``padu worker``: django-tasks-db's database worker, with a heartbeat for ``/readyz``."""

import threading
import time

from django_tasks_db.compat import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from padu.core import health
from padu.core.services import recover_interrupted_work


class Command(DatabaseWorkerCommand):
    help = (
        "Jalankan pekerja latar belakang (impor, pencocokan, klasifikasi, rilis). SIGTERM: "
        "pekerjaan yang sedang berjalan diselesaikan dulu, lalu berhenti."
    )

    def handle(self, *args, **options):
        if health.other_worker_alive():
            self.stderr.write("Pekerja latar lain masih berjalan: pekerjaannya dibiarkan.")
        elif found := recover_interrupted_work():
            self.stderr.write(f"{found} pekerjaan yang terpotong ditandai gagal; jalankan lagi.")
        state = {"task": ""}

        def started(sender, task_result, **kwargs):
            state["task"] = f"{task_result.task.name} ({task_result.id})"
            health.beat(**state)

        def finished(sender, task_result, **kwargs):
            state["task"] = ""
            health.beat(**state)

        def beating():
            while True:
                health.beat(**state)
                time.sleep(health.HEARTBEAT_INTERVAL_SECONDS)

        task_started.connect(started, weak=False)
        task_finished.connect(finished, weak=False)
        threading.Thread(target=beating, name="heartbeat", daemon=True).start()
        return super().handle(*args, **options)
