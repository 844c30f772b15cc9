"""Background work for imports, run by the database-backed worker (`padu worker`)."""

from django_tasks import task

from .models import ImportBatch
from .services import clean_up_interrupted, run_batch


@task()
def run_import(batch_id: int) -> dict:
    clean_up_interrupted()
    batch = run_batch(ImportBatch.objects.get(pk=batch_id))
    return {
        "status": batch.status,
        "accepted": batch.rows_accepted,
        "rejected": batch.rows_rejected,
    }
