import datetime as dt

import pytest
from django.core.management import call_command

from padu.accounts.choices import Role
from padu.accounts.services import create_user
from padu.matching.services import run_matching
from padu.regions.models import Region
from padu.regions.services import load_regions
from padu.registry import choices as c
from padu.registry.models import Family, Person
from padu.registry.services import bulk_create_families
from padu.sources.services import find_dataset, import_file
from padu.synth.services import generate_region

VILLAGE_A = "33.74.01.1001"  # Miroto, Semarang Tengah
VILLAGE_B = "33.74.02.1008"  # Tanjung Mas, Semarang Utara
OTHER_CITY_VILLAGE = "32.73.01.1001"  # in Kota Bandung


def pytest_collection_modifyitems(items):
    """Transactional tests (the browser tests among them) run last: their flushes empty the
    region table the other tests share."""

    def transactional(item) -> bool:
        marker = item.get_closest_marker("django_db")
        uses = getattr(item, "fixturenames", ())
        return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in uses

    items.sort(key=transactional)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The whole Kemendagri hierarchy, loaded once for the session."""
    with django_db_blocker.unblock():
        load_regions()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def make_family(village: str, *, kk: str, head: str, nik: str, members: int = 2) -> Family:
    family = Family(
        village_id=village, kk_number=kk, rt="001", rw="002", address="Jl. Melati No. 1"
    )
    people = [
        Person(
            full_name=head,
            nik=nik,
            sex=c.Sex.MALE,
            relationship=c.Relationship.HEAD,
            birth_date=dt.date(1980, 5, 17),
        )
    ]
    for i in range(1, members):
        people.append(Person(full_name=f"{head} Anak {i}", relationship=c.Relationship.CHILD))
    bulk_create_families([family], [people], actor=None, origin="test")
    return Family.objects.get(kk_number=kk)


@pytest.fixture
def families(db):
    return {
        "a": make_family(
            VILLAGE_A, kk="3374010101100001", head="Budi Santoso", nik="3374011705800001"
        ),
        "b": make_family(
            VILLAGE_B, kk="3374020101100002", head="Siti Aminah", nik="3374025705800002"
        ),
        "bandung": make_family(
            OTHER_CITY_VILLAGE, kk="3273010101100003", head="Asep Saepudin", nik="3273011705800003"
        ),
    }


@pytest.fixture
def make_user(db):
    def make(username: str, role: Role, region: str | None = None, agency=None):
        scope = Region.objects.get(code=region) if region else None
        return create_user(
            username=username, password="rahasia-123", role=role, region=scope, agency=agency
        )

    return make


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
