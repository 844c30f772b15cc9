from contextvars import ContextVar

#: The id of the web request (or command) being served, copied into every change log row.
request_id: ContextVar[str] = ContextVar("padu_request_id", default="")


def deployment(request) -> dict:
    """Whether this installation is a trial (development settings: the demo), which every
    page says, so that no one mistakes it for the real registry or types real people in."""
    from django.conf import settings

    return {"trial_installation": not settings.PRODUCTION}
