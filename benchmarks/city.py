"""What the benchmarks share: Django on a fresh SQLite database in a temporary folder, and a
synthetic city generated once by another process (so that the peak memory a benchmark
prints is its own work's) and kept in the system's temporary folder for the next run."""

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

CACHE = Path(tempfile.gettempdir()) / "padu-bench"
SOURCES = ("regsosek", "dtks", "p3ke")


def setup_django(region: str) -> Path:
    data = Path(tempfile.mkdtemp(prefix="padu-bench-"))
    os.environ.pop("DATABASE_URL", None)
    reuse_django(data)
    from padu.regions.services import load_regions

    load_regions(only=(region,))
    return data


def reuse_django(data_dir: Path) -> None:
    """Django on ``data_dir`` (a folder an earlier run prepared, or a new one), migrated."""
    os.environ["PADU_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "padu.settings")
    os.environ.setdefault("PADU_ENV", "development")  # a benchmark is a trial
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def synthetic_city(
    region: str, people: int, seed: int, *, profile: str = "first", random_dirt: bool = False
) -> Path:
    """The city's folder; ``profile`` names the dirt profile, ``random_dirt`` draws its rates."""
    variant = ("" if profile == "first" else f"-{profile}") + ("-random" if random_dirt else "")
    city_dir = CACHE / f"{region.replace('.', '')}-{people}-{seed}{variant}"
    if not (city_dir / "manifest.json").exists():
        subprocess.run(
            [sys.executable, "-m", "padu.cli", "synth", "--region", region, "--people",
             str(people), "--seed", str(seed), "--out", str(city_dir), "--quiet",
             "--dirt-profile", profile, *(["--random-dirt"] if random_dirt else [])],
            check=True,
            env={**os.environ, "PADU_DATA_DIR": str(Path(os.environ["PADU_DATA_DIR"]) / "synth")},
        )  # fmt: skip
    return city_dir


def peak_mb() -> float:
    """This process's peak resident memory. ``ru_maxrss`` is not used: Linux carries it over
    from the parent through fork and exec, so a child would report its parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def import_sources(city_dir: Path, sources=SOURCES) -> None:
    from padu.sources.services import find_dataset, import_file

    for source in sources:
        import_file(city_dir / f"{source}.csv", dataset=find_dataset(source), actor=None)


def prepare_city(people: int, region: str, seed: int) -> None:
    """A synthetic city imported, matched and classified in the current database."""
    from padu.matching.services import run_matching
    from padu.welfare.services import classify

    import_sources(synthetic_city(region, people, seed))
    run, _ = run_matching(actor=None)
    assert run.status == "completed", run.message
    classify(region, actor=None)
