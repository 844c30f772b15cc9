"""How long loading the full Kemendagri hierarchy takes on a fresh SQLite database
(target: under 30 seconds), and how long a second, idempotent load takes.

    .venv/bin/python benchmarks/regions_load.py
"""

import os
import tempfile
import time

os.environ["PADU_DATA_DIR"] = tempfile.mkdtemp(prefix="padu-bench-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
os.environ.setdefault("PADU_ENV", "development")  # a benchmark is a trial


def main() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from padu.regions.services import load_regions

    call_command("migrate", verbosity=0)
    for attempt in ("first load", "second load"):
        started = time.perf_counter()
        result = load_regions()
        seconds = time.perf_counter() - started
        counts = " / ".join(f"{n:,}" for n in result.by_level.values())
        print(f"{attempt}: {seconds:.1f} s, {counts}, created {result.created:,}")


if __name__ == "__main__":
    main()
