"""Log records carry the id of the request (or command) they belong to, so that a line in
the log, a change-log row and the X-Request-ID a user quotes lead to one another."""

import logging
import sys

from . import context


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = context.request_id.get()
        return True


class LogFile(logging.FileHandler):
    """Padu's log file. When a record cannot be written (the disk is full, the file's
    folder gone), one line on stderr says so, once per process, instead of logging's
    traceback for every record in front of the person at the terminal."""

    _warned = False

    def handleError(self, record: logging.LogRecord) -> None:
        if LogFile._warned:
            return
        LogFile._warned = True
        error = sys.exc_info()[1]
        sys.stderr.write(
            f"Padu: catatan log tidak dapat ditulis ke {self.baseFilename} ({error}).\n"
        )
