from tests.releases.conftest import build, people, release_files  # noqa: F401  (shared fixtures)
