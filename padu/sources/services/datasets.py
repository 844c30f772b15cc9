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


#: The kinds a user may give a new source (field verification is Padu's own).
ADDABLE_KINDS = [kind for kind in SourceKind if kind != SourceKind.FIELD]


class DatasetError(ValueError):
    pass


def find_dataset(name: str) -> SourceDataset:
    """The dataset of this name, whatever its case ("dtks", "DTKS")."""
    found = SourceDataset.objects.filter(name__iexact=name).first()
    if found is None:
        names = ", ".join(SourceDataset.objects.values_list("name", flat=True))
        kinds = ", ".join(ADDABLE_KINDS)
        raise SourceDataset.DoesNotExist(
            f"Sumber {name!r} tidak dikenal. Sumber yang ada: {names}. Sumber baru ditambahkan "
            f"dengan: padu sources add {name!r} --kind JENIS (jenis: {kinds}), atau di halaman "
            "Sumber data."
        )
    return found


@transaction.atomic
def add_dataset(
    name: str,
    *,
    kind: str,
    actor,
    precedence: int | None = None,
    description: str = "",
    agency=None,
) -> SourceDataset:
    """A new source (an agency's list, a regional survey). Without a precedence it is
    trusted least, below every source there is."""
    name = " ".join(name.split())
    if not name:
        raise DatasetError("Nama sumber kosong.")
    if kind not in ADDABLE_KINDS:
        raise DatasetError(
            f"Jenis {kind!r} tidak dikenal. Jenis yang ada: {', '.join(ADDABLE_KINDS)}."
        )
    if SourceDataset.objects.filter(name__iexact=name).exists():
        raise DatasetError(f"Sumber {name!r} sudah ada.")
    if precedence is None:
        lowest = SourceDataset.objects.order_by("precedence").values_list("precedence", flat=True)
        precedence = max((lowest.first() or 11) - 1, 0)
    dataset = SourceDataset.objects.create(
        name=name, kind=kind, precedence=precedence, description=description, agency=agency
    )
    record_change(
        dataset,
        actor=actor,
        action=ChangeAction.CREATE,
        after={"kind": kind, "precedence": precedence},
    )
    return dataset


@transaction.atomic
def set_precedence(dataset: SourceDataset, precedence: int, *, actor) -> None:
    """How far ``dataset`` is trusted where sources disagree (larger: more); it shapes the
    golden records from the next matching run on."""
    if precedence < 0:
        raise DatasetError("Prioritas tidak boleh negatif.")
    before = dataset.precedence
    SourceDataset.objects.filter(pk=dataset.pk).update(precedence=precedence)
    record_change(
        dataset,
        actor=actor,
        action=ChangeAction.UPDATE,
        before={"precedence": before},
        after={"precedence": precedence},
    )


@transaction.atomic
def move_dataset(dataset: SourceDataset, *, up: bool, actor) -> None:
    """Swap ``dataset``'s place in the order of trust with its neighbour above or below."""
    ordered = list(SourceDataset.objects.order_by("-precedence", "name"))
    index = next(i for i, d in enumerate(ordered) if d.pk == dataset.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(ordered):
        return
    mine, theirs = ordered[index], ordered[other]
    if mine.precedence == theirs.precedence:  # equal: lift the one that goes first
        first = mine if up else theirs
        set_precedence(first, first.precedence + 1, actor=actor)
        return
    set_precedence(mine, theirs.precedence, actor=actor)
    set_precedence(theirs, mine.precedence, actor=actor)


def field_dataset() -> SourceDataset:
    """Field verification: the records approved visits write, above every other source."""
    return SourceDataset.objects.filter(kind=SourceKind.FIELD).order_by("-precedence").first()
