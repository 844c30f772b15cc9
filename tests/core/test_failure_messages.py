"""What a person is told when the system, not their data, failed; a full disk said as such."""

import errno
import sqlite3

import pytest
from django.test import RequestFactory

from padu.core.faults import disk_full, system_failure_message
from padu.core.middleware import DiskFullMiddleware


class _PgDiskFull(Exception):
    sqlstate = "53100"


def _raised_from(cause: BaseException) -> RuntimeError:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise RuntimeError("writing the rows failed") from inner
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        sqlite3.OperationalError("database or disk is full"),
        _PgDiskFull("could not write to file"),
        _raised_from(OSError(errno.ENOSPC, "No space left on device")),
    ],
)
def test_a_full_disk_is_recognised_however_it_is_raised(error, settings):
    assert disk_full(error)
    message = system_failure_message("Impor", error)
    assert message.startswith("Impor gagal. Ruang disk server Padu penuh")
    assert str(settings.DATA_DIR) in message and "padu retention" in message


@pytest.mark.parametrize(
    "error", [ValueError("bad value"), OSError(errno.EACCES, "Permission denied"), None]
)
def test_other_failures_are_not_a_full_disk(error, settings):
    assert not disk_full(error)
    if error is not None:
        message = system_failure_message("Pencocokan", error)
        assert "kesalahan sistem" in message and str(settings.LOG_FILE) in message


def test_a_request_that_fills_the_disk_gets_a_page_saying_nothing_was_saved():
    middleware = DiskFullMiddleware(lambda request: None)
    request = RequestFactory().post("/verivali/tugas/1/kunjungan/")
    assert middleware.process_exception(request, ValueError("other")) is None
    response = middleware.process_exception(request, OSError(errno.ENOSPC, "No space left"))
    response.render()
    assert response.status_code == 507
    page = response.content.decode()
    assert "Penyimpanan server penuh" in page and "belum tersimpan" in page
