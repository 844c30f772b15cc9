"""Source datasets: the feeds Padu takes in, and how far each is trusted."""

from django.db import transaction

from padu.core.choices import ChangeAction
from padu.core.history import record_change

from ..choices import SourceKind
from ..models import SourceDataset

#: The national feeds, and field verification above them all, by how far their values are
#: trusted when sources disagree (an admin adds agency lists).
STANDARD_DATASETS = [
    ("Verifikasi lapangan", SourceKind.FIELD, 100),
    ("Regsosek", SourceKind.REGSOSEK, 40),
    ("DTKS", SourceKind.DTKS, 30),
    ("P3KE", SourceKind.P3KE, 20),
]


@transaction.atomic
def ensure_standard_datasets(*, actor) -> list[SourceDataset]:
    """Create the standard datasets that are missing (after every migrate); never overwrite
    an admin's edits."""
    datasets = []
    for name, kind, precedence in STANDARD_DATASETS:
        dataset, created = SourceDataset.objects.get_or_create(
            name=name, defaults={"kind": kind, "precedence": precedence}
        )
        if created:
            after = {"kind": kind, "precedence": precedence}
            record_change(
                dataset,
                actor=actor,
                action=ChangeAction.CREATE,
                after=after,
                origin="sumber standar",
            )
        datasets.append(dataset)
    return datasets


def find_dataset(name: str) -> SourceDataset:
    """The dataset of this name, whatever its case ("dtks", "DTKS")."""
    found = SourceDataset.objects.filter(name__iexact=name).first()
    if found is None:
        names = ", ".join(SourceDataset.objects.values_list("name", flat=True))
        raise SourceDataset.DoesNotExist(
            f"Sumber {name!r} tidak dikenal. Sumber yang ada: {names}."
        )
    return found


def field_dataset() -> SourceDataset:
    """Field verification: the records approved visits write, above every other source."""
    return SourceDataset.objects.filter(kind=SourceKind.FIELD).order_by("-precedence").first()
