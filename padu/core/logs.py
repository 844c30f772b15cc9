"""Log records carry the id of the request (or command) they belong to, so that a line in
the log, a change-log row and the X-Request-ID a user quotes lead to one another."""

import logging

from . import context


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.request_id.get()
        return True
