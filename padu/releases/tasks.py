"""Background release builds, run by the database-backed worker (`padu worker`)."""

from django_tasks import task

from .models import Release
from .services import execute_build


@task()
def build_release_task(release_id: int) -> dict:
    release = execute_build(Release.objects.get(pk=release_id))
    return {"status": release.status, "number": release.number}
