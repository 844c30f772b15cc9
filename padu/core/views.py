from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView

from .spreadsheet import CONTENT_TYPES

#: What each kind of file offered for download is served as, by its extension.
DOWNLOAD_TYPES = {**CONTENT_TYPES, "pdf": "application/pdf", "yaml": "text/yaml; charset=utf-8"}


def download(body: bytes | str, filename: str, *, personal: bool = True) -> HttpResponse:
    """A file to save as ``filename``, typed by its extension. A file with personal data
    (the default) is kept by no cache on the way; a public one may be."""
    extension = filename.rsplit(".", 1)[-1]
    response = HttpResponse(body, content_type=DOWNLOAD_TYPES[extension])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if personal:
        patch_cache_control(response, private=True, no_store=True)
    return response


def number_param(value: str | None) -> int | None:
    """A query parameter as a whole number, or None when it is not one: ASCII digits only
    (``"²".isdigit()`` is true, and ``int("²")`` fails)."""
    return int(value) if value and value.isascii() and value.isdigit() else None


class PolledStatusView(DetailView):
    """The progress block of background work, polled by htmx; when the work is done the
    whole page reloads (into its report)."""

    #: Statuses in which the work is still queued or running.
    active_statuses: tuple = ()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["active"] = self.object.status in self.active_statuses
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if self.object.status not in self.active_statuses and self.request.htmx:
            response["HX-Refresh"] = "true"
        return response


@never_cache
def healthz(request):
    """The process answers (no database, nothing else)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Ready to serve: 200 when every check passes, 503 naming the one that does not."""
    from .health import readiness

    checks = readiness()
    ready = all(check.ok for check in checks)
    return JsonResponse(
        {
            "status": "ok" if ready else "not ready",
            "checks": {c.name: {"ok": c.ok, "detail": c.detail} for c in checks},
        },
        status=200 if ready else 503,
    )


#: The queue's states in the words of Padu's pages (django-tasks labels them in English).
TASK_STATES = {
    "READY": _lazy("menunggu"),
    "RUNNING": _lazy("berjalan"),
    "SUCCESSFUL": _lazy("selesai"),
    "FAILED": _lazy("gagal"),
}


@staff_member_required
def system_status(request):
    """For whoever runs the installation: the readiness checks, the worker's heartbeat and
    what it is doing, and the background queue (no personal data: task names and times)."""
    from django_tasks_db.models import DBTaskResult

    from .health import last_beat, readiness

    tasks = DBTaskResult.objects.order_by("-enqueued_at")
    counts = tasks.order_by().values_list("status").annotate(n=Count("id"))
    recent = list(tasks[:25])
    for task in recent:
        task.state = TASK_STATES.get(task.status, task.status)
    return render(
        request,
        "core/status.html",
        {
            "checks": readiness(),
            "beat": last_beat(),
            "counts": [(TASK_STATES.get(status, status), n) for status, n in counts],
            "tasks": recent,
        },
    )
