from django.views.generic import DetailView


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
