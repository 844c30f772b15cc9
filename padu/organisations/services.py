"""Agencies (OPD): every write lives here."""

from django.db import transaction

from padu.core.choices import ChangeAction
from padu.core.history import record_change

from .choices import Sector
from .models import Agency

#: The agencies (OPD) a regional government typically has for poverty work, with the
#: sectors each answers for.
STANDARD_AGENCIES = [
    ("dinsos", "Dinsos", "Dinas Sosial", [Sector.SOCIAL_ASSISTANCE, Sector.FOOD]),
    (
        "perkim",
        "Perkim",
        "Dinas Perumahan dan Kawasan Permukiman",
        [Sector.HOUSING, Sector.WATER_SANITATION, Sector.ELECTRICITY],
    ),
    ("disdikbud", "Disdikbud", "Dinas Pendidikan dan Kebudayaan", [Sector.EDUCATION]),
    ("dinkes", "Dinkes", "Dinas Kesehatan", [Sector.HEALTH]),
    ("disnaker", "Disnaker", "Dinas Tenaga Kerja", [Sector.WORK]),
    ("dkumkm", "DKUMKM", "Dinas Koperasi dan Usaha Mikro", [Sector.WORK]),
    ("bappeda", "Bappeda", "Badan Perencanaan Pembangunan Daerah", []),
    ("diskominfo", "Diskominfo", "Dinas Komunikasi dan Informatika", []),
]


@transaction.atomic
def ensure_standard_agencies(*, actor=None) -> list[Agency]:
    """Create the standard agencies that are missing; never overwrite an admin's edits."""
    agencies = []
    for code, short, name, sectors in STANDARD_AGENCIES:
        agency, created = Agency.objects.get_or_create(
            code=code,
            defaults={"short_name": short, "name": name, "sectors": [str(s) for s in sectors]},
        )
        if created:
            record_change(
                agency,
                actor=actor,
                action=ChangeAction.CREATE,
                after={"code": code, "sectors": agency.sectors},
                origin="OPD standar",
            )
        agencies.append(agency)
    return agencies
