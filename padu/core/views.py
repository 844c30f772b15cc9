from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from padu.accounts.choices import Role


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


@login_required
def home(request):
    """Each user starts where their work is; a user with no page open to them yet (the
    public, until Padu publishes its aggregates, or an account still without its region or
    OPD) is told why rather than shown an empty list."""
    if request.user.home_url_name:
        return redirect(request.user.home_url_name)
    role = request.user.role
    missing = _("OPD") if role == Role.AGENCY_OFFICER else _("wilayah kerja")
    return render(request, "home.html", {"public": role == Role.PUBLIC, "missing": missing})
