"""A cycle's bulk steps, run by the database-backed worker (`padu worker`)."""

from django_tasks import task

from .models import ProgramRun
from .services.runs import execute_program_run


@task()
def run_program_step(run_id: int) -> dict:
    run = execute_program_run(ProgramRun.objects.get(pk=run_id))
    return {"status": run.status, "cycle": run.cycle_id}
