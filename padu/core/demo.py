"""Setting up the demo: a synthetic city with golden records and one account per role."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Count

from padu.accounts.choices import Role
from padu.accounts.models import User
from padu.programs.models import Agency
from padu.programs.services import ensure_standard_agencies
from padu.regions.models import Region
from padu.registry.models import Family

DEMO_PASSWORD = "padu-demo"

#: What staff roles may do in the Django admin (always through the scoped querysets).
ROLE_PERMISSIONS = {
    Role.DATA_CUSTODIAN: ["view_family", "view_person", "view_familyphoto", "view_region"],
    Role.DINSOS_OFFICER: ["view_family", "view_person", "change_family", "change_person"],
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    scope: str


def demo_dir(region: str, people: int, seed: int) -> Path:
    return Path(settings.DATA_DIR) / "demo" / f"{region.replace('.', '')}-{people}-{seed}"


@transaction.atomic
def ensure_role_groups() -> None:
    for role, codenames in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=str(role.label))
        group.permissions.set(Permission.objects.filter(codename__in=codenames))


def _busiest_village(region: str) -> Region:
    busiest = (
        Family.objects.filter(village__code__within=region)
        .values("village_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return Region.objects.get(code=busiest["village_id"])


@transaction.atomic
def ensure_demo_accounts(region_code: str) -> list[DemoAccount]:
    """One account per role, scoped to the demo city (an operator to its busiest village)."""
    ensure_standard_agencies()
    ensure_role_groups()
    city = Region.objects.get(code=region_code)
    village = _busiest_village(region_code)
    dinkes, perkim = Agency.objects.get(code="dinkes"), Agency.objects.get(code="perkim")
    plan = [
        ("admin", Role.ADMIN, None, None, "Administrator"),
        ("walidata", Role.DATA_CUSTODIAN, city, None, "Wali Data"),
        ("dinsos", Role.DINSOS_OFFICER, city, None, "Petugas Dinsos"),
        ("operator", Role.VILLAGE_OPERATOR, village, None, "Operator Desa"),
        ("verifikator", Role.VERIFIER, city, None, "Verifikator TKPK"),
        ("dinkes", Role.AGENCY_OFFICER, city, dinkes, "Petugas Dinkes"),
        ("perkim", Role.AGENCY_OFFICER, city, perkim, "Petugas Perkim"),
        ("pimpinan", Role.LEADER, city, None, "Pimpinan Daerah"),
        ("publik", Role.PUBLIC, None, None, "Warga"),
    ]
    accounts = []
    for username, role, scope, agency, first_name in plan:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "role": role,
                "region": scope,
                "agency": agency,
                "first_name": first_name,
                "is_staff": role in {Role.ADMIN, *ROLE_PERMISSIONS},
                "is_superuser": role == Role.ADMIN,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        if role in ROLE_PERMISSIONS:
            user.groups.set([Group.objects.get(name=str(role.label))])
        where = scope.name if scope and scope.level <= 2 else "semua wilayah"
        if scope and scope.level > 2:
            where = f"{scope.get_kind_display()} {scope.name}"
        if agency:
            where += f", {agency.short_name}"
        accounts.append(
            DemoAccount(username, role, where if role != Role.PUBLIC else "agregat saja")
        )
    return accounts
