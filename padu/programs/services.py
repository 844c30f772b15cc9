from django.db import transaction

from .models import Agency

#: The agencies (OPD) a regional government typically has for poverty work.
STANDARD_AGENCIES = [
    ("dinsos", "Dinsos", "Dinas Sosial"),
    ("perkim", "Perkim", "Dinas Perumahan dan Kawasan Permukiman"),
    ("disdikbud", "Disdikbud", "Dinas Pendidikan dan Kebudayaan"),
    ("dinkes", "Dinkes", "Dinas Kesehatan"),
    ("disnaker", "Disnaker", "Dinas Tenaga Kerja"),
    ("dkumkm", "DKUMKM", "Dinas Koperasi dan Usaha Mikro"),
    ("bappeda", "Bappeda", "Badan Perencanaan Pembangunan Daerah"),
    ("diskominfo", "Diskominfo", "Dinas Komunikasi dan Informatika"),
]


@transaction.atomic
def ensure_standard_agencies() -> list[Agency]:
    """Create the standard agencies that are missing; never overwrite an admin's edits."""
    return [
        Agency.objects.get_or_create(code=code, defaults={"short_name": short, "name": name})[0]
        for code, short, name in STANDARD_AGENCIES
    ]
