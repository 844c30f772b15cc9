from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .choices import Role


@login_required
def home(request):
    """Each user starts where their work is; a user with no page open to them yet (the
    public, until Padu publishes its aggregates, or an account still without its region or
    OPD) is told why rather than shown an empty list."""
    if request.user.home_url_name:
        return redirect(request.user.home_url_name)
    role = request.user.role
    without_agency = role == Role.AGENCY_OFFICER and not request.user.agency_id
    missing = _("OPD") if without_agency else _("wilayah kerja")
    return render(request, "home.html", {"public": role == Role.PUBLIC, "missing": missing})
