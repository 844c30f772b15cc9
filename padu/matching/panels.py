"""The family page's panel of source records: where each member's values came from."""

from collections import Counter

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.registry.panels import family_panel

from .models import RecordLink


@family_panel(order=40, template="matching/_family_sources.html")
def sources_panel(family, request) -> dict:
    links = list(
        RecordLink.objects.restrict(request.user, Action.VIEW)
        .filter(family=family)
        .select_related("dataset", "person", "source_record__batch")
        .order_by("person_id", "-dataset__precedence", "record_id")
    )
    # A record can be split off a person only while the person has others.
    counts = Counter(link.person_id for link in links)
    return {
        "sources": links,
        "splittable": {person for person, n in counts.items() if n > 1},
        "can_split": policy.allows(request.user, RecordLink, Action.CHANGE),
    }
