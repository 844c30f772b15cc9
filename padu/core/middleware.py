import uuid

from . import context


class RequestIdMiddleware:
    """Tags each request with an id so that every change it writes can be traced back to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        token = context.request_id.set(request.id)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response["X-Request-ID"] = request.id
        return response
