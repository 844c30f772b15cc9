"""People's verdicts: a queued pair decided, a wrongly merged record split off. Every later
run honours them."""

from django.db import transaction

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.choices import ChangeAction
from padu.core.history import record_change
from padu.registry.models import Person

from ..choices import PairKind, PairStatus, RunMode
from ..golden import PERSON_FIELDS
from ..models import MatchDecision, MatchPair, RecordLink
from .runs import queue_matching


@transaction.atomic
def decide_pair(pair: MatchPair, *, same: bool, actor, note: str = "") -> MatchDecision:
    """Record a verdict on a queued pair; every later run honours it. A merge made on a
    near-miss NIK alone and now undone is matched again at once (a run of new records
    re-matches every person holding records said to differ)."""
    policy.require(actor, pair, Action.CHANGE)
    left, right = pair.left, pair.right
    decision, _ = MatchDecision.objects.update_or_create(
        left_dataset_id=left.dataset_id,
        left_record_id=left.record_id,
        right_dataset_id=right.dataset_id,
        right_record_id=right.record_id,
        defaults={"same": same, "note": note, "decided_by": actor},
    )
    MatchPair.objects.filter(pk=pair.pk).update(
        status=PairStatus.SAME if same else PairStatus.DIFFERENT
    )
    record_change(
        decision,
        actor=actor,
        action=ChangeAction.UPDATE,
        after={"sama": same, "pasangan": pair.pk, "catatan": note},
        origin="tinjauan pencocokan",
    )
    if pair.kind == PairKind.NEAR_MISS_NIK and not same:
        queue_matching(actor=actor, mode=RunMode.NEW)
    return decision


@transaction.atomic
def split_record(link: RecordLink, *, actor) -> Person:
    """Take a source record that was wrongly merged into a person out again: it becomes a
    person of its own (in the same family), and every later run is told that it differs
    from each record the person keeps."""
    policy.require(actor, link, Action.CHANGE)
    person = link.person
    others = list(RecordLink.objects.filter(person=person).exclude(pk=link.pk))
    if not others:
        raise ValueError("Rekaman ini satu-satunya sumber orang tersebut; tidak ada yang dipisah.")
    for other in others:
        MatchDecision.objects.update_or_create(
            left_dataset_id=link.dataset_id,
            left_record_id=link.record_id,
            right_dataset_id=other.dataset_id,
            right_record_id=other.record_id,
            defaults={"same": False, "note": "dipisah dari orang yang sama", "decided_by": actor},
        )
    record = link.source_record
    values = {**record.fields, "nik": record.nik, "full_name": record.full_name, "sex": record.sex}
    values["birth_date"] = record.birth_date
    fields = {name: values[name] for name in PERSON_FIELDS if values.get(name) not in (None, "")}
    separated = Person.objects.create(
        family_id=person.family_id, origins=dict.fromkeys(fields, record.pk), **fields
    )
    RecordLink.objects.filter(pk=link.pk).update(person=separated)
    record_change(
        separated,
        actor=actor,
        action=ChangeAction.CREATE,
        after={"dipisah_dari": person.pk, "rekaman": f"{link.dataset_id}:{link.record_id}"},
        origin="pemisahan rekaman",
    )
    return separated
