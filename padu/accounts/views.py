from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .choices import Role


def home(request):
    """Each user starts where their work is; a user with no page open to them yet (the
    public account, or an account still without its region or OPD) is told why rather than
    shown an empty list. A visitor who is not signed in gets the public statistics."""
    if not request.user.is_authenticated:
        return redirect("portal:home")
    if request.user.home_url_name:
        return redirect(request.user.home_url_name)
    role = request.user.role
    without_agency = role == Role.AGENCY_OFFICER and not request.user.agency_id
    missing = _("OPD") if without_agency else _("wilayah kerja")
    return render(request, "home.html", {"public": role == Role.PUBLIC, "missing": missing})
