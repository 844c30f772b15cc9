import pytest

from padu.matching.services import run_matching
from padu.sources.services import find_dataset, import_file
from padu.synth.services import generate_region


@pytest.fixture
def matched_city(db, tmp_path, settings):
    """A small synthetic city imported and matched: golden families to classify."""
    settings.MEDIA_ROOT = tmp_path / "media"
    city = generate_region(region="33.74", people=3_000, seed=7, out_dir=tmp_path / "city")
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(city.files[source], dataset=find_dataset(source), actor=None)
    run, _ = run_matching(actor=None, u_pairs=2e5)
    assert run.status == "completed", run.message
    return tmp_path / "city"
