"""Two Dinsos officers approving two visits of one family at the same moment, each on its
own database connection: neither change is lost."""

import threading

import pytest
from django.db import connection, connections

from padu.accounts.choices import Role
from padu.regions.services import load_regions
from padu.registry.models import Family, Person
from padu.verification import services
from tests.conftest import VILLAGE_A, make_family

from .test_services import agreed, assigned, open_round, visit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def real_concurrency():
    # The in-memory SQLite test database fails a second writer at once ("table is
    # locked") where a SQLite file in WAL mode waits for it; the PostgreSQL pass of the
    # suite runs this test, and test_services covers the same rule on both databases.
    if connection.vendor == "sqlite":
        pytest.skip("concurrent writers need PostgreSQL (or a SQLite file)")


def test_two_approvals_at_once_keep_both_changes(make_user):
    load_regions(only=("33.74",))
    family = make_family(VILLAGE_A, kk="3374010101100001", head="Budi", nik="3374011705800001")
    child = family.members.order_by("id").last()
    dinsos = make_user("dinsos", Role.DINSOS_OFFICER, "33.74")
    second_officer = make_user("dinsos2", Role.DINSOS_OFFICER, "33.74")
    operator = make_user("operator", Role.VILLAGE_OPERATOR, VILLAGE_A)
    opened = services.family_snapshot(family)
    rounds = [open_round(dinsos, name=f"Putaran {n}") for n in (1, 2)]
    roof = visit(
        assigned(rounds[0], family, operator, dinsos),
        operator,
        seen=opened,
        family={"roof_material": "seng", "owns_land": True},
    )
    members = visit(
        assigned(rounds[1], family, operator, dinsos),
        operator,
        seen=opened,
        family={"cooking_fuel": "elpiji_3kg"},
        members={str(child.pk): {"status": "pindah"}},
    )
    roof, members = agreed([roof, members], operator)

    start = threading.Barrier(2)
    errors = []

    def approve(one_visit, officer):
        try:
            start.wait()
            services.approve_visit(one_visit, actor=officer)
        except Exception as error:  # reported below, with the thread's own traceback lost
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [
        threading.Thread(target=approve, args=(roof, dinsos)),
        threading.Thread(target=approve, args=(members, second_officer)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    family = Family.objects.get(pk=family.pk)
    assert (family.roof_material, family.owns_land, family.cooking_fuel) == (
        "seng",
        True,
        "elpiji_3kg",
    )
    assert Person.objects.get(pk=child.pk).lifecycle == "pindah"
    assert family.version >= 3  # each approval moved it on once
