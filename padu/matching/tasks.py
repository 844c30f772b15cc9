"""Background matching, run by the database-backed worker (`padu worker`)."""

from django_tasks import task

from .models import LinkageRun
from .services import execute_run


@task()
def run_linkage(run_id: int) -> dict:
    run, _linkage = execute_run(LinkageRun.objects.get(pk=run_id))
    return {"status": run.status, "clusters": run.clusters, "queued": run.pairs_queued}
