import logging
import re
import uuid

from django.template.response import TemplateResponse

from . import context
from .faults import disk_full

logger = logging.getLogger(__name__)

#: What a client's X-Request-ID may be: a proxy's or a caller's id (a UUID, or letters,
#: digits and - _ . up to 36 characters, the width of the log columns). Anything else is
#: replaced by an id of our own, so that a long or odd header can never break a page.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,36}")


class RequestIdMiddleware:
    """Tags each request with an id so that every change it writes can be traced back to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        offered = request.headers.get("X-Request-ID", "")
        request.id = offered if _WELL_FORMED.fullmatch(offered) else uuid.uuid4().hex
        token = context.request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response


class DiskFullMiddleware:
    """A request that failed because the disk is full gets a page that says so (507):
    nothing of it was saved, and what to do; not the general error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not disk_full(exception):
            return None
        logger.error("disk full during %s %s: %s", request.method, request.path, exception)
        return TemplateResponse(request, "507.html", status=507)
