from contextvars import ContextVar

#: The id of the web request (or command) being served, copied into every change log row.
request_id: ContextVar[str] = ContextVar("padu_request_id", default="")
