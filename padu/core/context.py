from contextvars import ContextVar

#: The id of the web request (or command) being served, copied into every change log row.
request_id: ContextVar[str] = ContextVar("padu_request_id", default="")


def deployment(request) -> dict:
    """Whether this installation is a trial (development settings: the demo), which every
    page says, so that no one mistakes it for the real registry or types real people in."""
    from django.conf import settings

    user = getattr(request, "user", None)
    waiting_for_code = bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "needs_second_factor", False)
        and not user.is_verified()
    )
    return {
        "trial_installation": not settings.PRODUCTION,
        "two_factor_required": settings.TWO_FACTOR_REQUIRED,
        # Signed in with a password but not yet with the one-time code: no menu to pages
        # that are not open yet.
        "waiting_for_code": waiting_for_code,
    }
