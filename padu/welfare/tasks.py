"""Background classification, run by the database-backed worker (`padu worker`)."""

from django_tasks import task

from .models import ClassificationRun
from .services import execute_classification


@task()
def run_classification(run_id: int) -> dict:
    run = execute_classification(ClassificationRun.objects.get(pk=run_id))
    return {"status": run.status, "families": run.families}
