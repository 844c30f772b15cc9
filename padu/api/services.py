from django.db import IntegrityError, transaction

from padu.core.choices import ChangeAction
from padu.core.history import record_change

from .models import DciMessage


class DuplicateMessage(Exception):
    """A DCI message id Padu has answered before."""


@transaction.atomic
def record_dci_message(*, message_id: str, sender_id: str, transaction_id: str,
                       correlation_id: str, outcomes: list, actor) -> DciMessage:  # fmt: skip
    """Keep a DCI message's id (a repeat is refused) and how its requests ended."""
    try:
        with transaction.atomic():
            message = DciMessage.objects.create(
                message_id=message_id, sender_id=sender_id, caller=actor,
                transaction_id=transaction_id, correlation_id=correlation_id, outcomes=outcomes,
            )  # fmt: skip
    except IntegrityError:
        raise DuplicateMessage(message_id) from None
    record_change(
        message, actor=actor, action=ChangeAction.CREATE,
        after={"message_id": message_id, "sender_id": sender_id, "permintaan": len(outcomes)},
    )  # fmt: skip
    return message
