import pytest

from padu.sources.services import find_dataset


@pytest.fixture
def dataset(db):
    return find_dataset("DTKS")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
