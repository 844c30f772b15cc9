"""Matching: every write lives here, in three parts.

- ``runs``: a matching run, from the current source records to golden records and the
  review queue;
- ``reviews``: people's verdicts on pairs, and records split off a person;
- ``golden_records``: writing golden persons and families from survivorship, for a run
  and for the records an approved field visit adds.
"""

from .golden_records import (
    GoldenSummary,
    link_field_records,
    read_links,
    resurvive_families,
    write_golden_records,
)
from .reviews import decide_pair, split_record
from .runs import (
    RETRAIN_SHARE,
    contested_groups,
    decisions_for,
    execute_run,
    known_records,
    last_trained_model,
    queue_matching,
    run_matching,
)

__all__ = [
    "RETRAIN_SHARE",
    "GoldenSummary",
    "contested_groups",
    "decide_pair",
    "decisions_for",
    "execute_run",
    "known_records",
    "last_trained_model",
    "link_field_records",
    "queue_matching",
    "read_links",
    "resurvive_families",
    "run_matching",
    "split_record",
    "write_golden_records",
]
