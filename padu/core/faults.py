"""What a long step tells its user when the system, not the data, failed: a bug, the
database gone, or the disk full. A full disk is said as such, with what to do: the step
wrote nothing (each writes in transactions), and it can run again once space is freed."""

import errno

from django.conf import settings

#: SQLSTATE of PostgreSQL's "disk_full" (class 53, insufficient resources).
_PG_DISK_FULL = "53100"
_DISK_FULL_WORDS = ("disk is full", "no space left on device", "could not extend file")


def disk_full(error: BaseException | None) -> bool:
    """Whether ``error``, or an error it was raised from, is the disk running out of space:
    the OS's ENOSPC or quota, SQLite's "database or disk is full", PostgreSQL's disk_full."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if getattr(error, "sqlstate", None) == _PG_DISK_FULL:
            return True
        if any(words in str(error).lower() for words in _DISK_FULL_WORDS):
            return True
        error = error.__cause__ or error.__context__
    return False


def disk_full_message() -> str:
    return (
        f"Ruang disk server Padu penuh ({settings.DATA_DIR}). Tidak ada yang tersimpan "
        "setengah jadi. Minta admin mengosongkan ruang (cadangan lama, berkas yang sudah "
        "lewat masa simpannya: `padu retention`), lalu jalankan lagi."
    )


def system_failure_message(step: str, error: BaseException) -> str:
    """The message of a ``step`` ("Impor", "Pencocokan", …) that failed because of ``error``,
    for the person who started it (the traceback goes to the log)."""
    if disk_full(error):
        return f"{step} gagal. {disk_full_message()}"
    return (
        f"{step} gagal karena kesalahan sistem ({error}). Tidak ada yang tersimpan setengah "
        f"jadi; laporkan ke admin (rincian di {settings.LOG_FILE})."
    )
