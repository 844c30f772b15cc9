import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

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


class SharedWorld:
    """Data many tests read, built once per session: inside a transaction that stays open
    while the tests that use it run one after another, each in its own savepoint (what
    pytest-django's ``db`` makes of a test inside an open transaction), all rolled back
    after the last of them. ``pytest_collection_modifyitems`` runs a world's tests together;
    ``pytest_runtest_teardown`` closes the world after its last test."""

    def __init__(self, build):
        self.build = build
        self.atomic = None
        self.blocker = None
        self.closed = False

    def open(self, blocker, folder):
        if self.closed:
            raise RuntimeError("a shared world's tests must run one after another")
        self.blocker = blocker
        with blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.media = override_settings(MEDIA_ROOT=folder / "media")
            self.media.enable()
            return self.build(folder)

    def close(self):
        if self.atomic is None:
            return
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.media.disable()
        self.atomic, self.closed = None, True


def _imported(folder):
    city = generate_region(region="33.74", people=3_000, seed=7, out_dir=folder / "city")
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(city.files[source], dataset=find_dataset(source), actor=None)
    return folder / "city"


def _matched(folder):
    city = _imported(folder)
    run, _ = run_matching(actor=None, u_pairs=2e5)
    assert run.status == "completed", run.message
    return city


def _classified(folder):
    from padu.welfare.services import classify

    city = _matched(folder)
    classify(actor=None)
    return city


#: The shared worlds, by the name of the fixture that hands them to a test.
WORLDS = {
    "imported_city": SharedWorld(_imported),
    "matched_city": SharedWorld(_matched),
    "classified_city": SharedWorld(_classified),
}


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    uses = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or "transactional_db" in uses


def _world_of(item) -> str | None:
    uses = getattr(item, "fixturenames", ())
    return next((name for name in WORLDS if name in uses), None)


def pytest_collection_modifyitems(items):
    """Tests of each shared world run together, after the others; transactional tests (the
    browser tests among them) run last: their flushes empty the region table the other
    tests share."""
    order = list(WORLDS)

    def rank(item) -> int:
        if _transactional(item):
            return len(order) + 1
        world = _world_of(item)
        return 0 if world is None else 1 + order.index(world)

    items.sort(key=rank)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's own savepoint is rolled back first
    world = _world_of(item)
    if world and (nextitem is None or _world_of(nextitem) != world):
        WORLDS[world].close()


def _world_fixture(name: str):
    @pytest.fixture(scope="session", name=name)
    def fixture(django_db_setup, django_db_blocker, tmp_path_factory):
        """Session-scoped, so that it is set up before a test's own transaction opens.
        Closed after its last test (below), or at the latest before the session's flush."""
        yield WORLDS[name].open(django_db_blocker, tmp_path_factory.mktemp(name))
        WORLDS[name].close()

    return fixture


imported_city = _world_fixture("imported_city")
matched_city = _world_fixture("matched_city")
classified_city = _world_fixture("classified_city")


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
def staff(make_user):
    """Verivali's people: Dinsos of the city and an operator in each of two villages."""
    return {
        "dinsos": make_user("dinsos", Role.DINSOS_OFFICER, "33.74"),
        "operator_a": make_user("operator_a", Role.VILLAGE_OPERATOR, VILLAGE_A),
        "operator_b": make_user("operator_b", Role.VILLAGE_OPERATOR, VILLAGE_B),
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Counts and the name vocabulary are cached; a test starts from its own data."""
    from django.core.cache import cache

    cache.clear()
