"""Static files in production: WhiteNoise's compressed files with hashed names."""

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import HashedFilesMixin
from django.core.management import call_command
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    for extension, rules in patterns:
        kept = tuple(
            rule
            for rule in rules
            if "sourceMappingURL" not in (rule if isinstance(rule, str) else rule[0])
        )
        yield extension, kept


class StaticStorage(CompressedManifestStaticFilesStorage):
    """The scripts Padu takes from packages (Leaflet, Plotly) name source maps that their
    packages do not ship; hashing would fail on them (collectstatic stops), so their
    ``sourceMappingURL`` comments are left as written: a browser's developer tools alone
    ask for the map, and get a 404."""

    patterns = tuple(_without_source_maps(HashedFilesMixin.patterns))


def static_fingerprint() -> str:
    """A digest of every static file the finders see (path, size, time): it changes when an
    upgrade brings new or changed files, and costs a directory walk, not a collectstatic."""
    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list([]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_if_changed() -> bool:
    """Run collectstatic when the files differ from those last collected (a new install or
    an upgrade): compressing them takes a minute, so not at every start. True when it ran."""
    stamp = Path(settings.STATIC_ROOT) / ".padu-collected"
    fingerprint = static_fingerprint()
    if stamp.exists() and stamp.read_text() == fingerprint:
        return False
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint)
    return True
