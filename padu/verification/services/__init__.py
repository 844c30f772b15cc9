"""Verivali: every write lives here.

- ``rounds``: rounds over an area, and each village's families given to an operator;
- ``visits``: what an operator records at a family, with photos; a family proposed;
- ``approval``: the village meeting, Dinsos' approval or return, and an approved visit
  written as field records that survivorship takes in.
"""

from ..findings import (
    FAMILY_EDITABLE,
    NEW_MEMBER_FIELDS,
    PERSON_EDITABLE,
    Conflict,
    VisitConflict,
    changed_meanwhile,
    family_label,
    family_snapshot,
    plain_value,
)
from .approval import approve_agreed, approve_visit, record_meeting, return_visit
from .rounds import NoOpenRound, add_to_round, assign_village, create_round, open_round_over
from .visits import FieldReport, propose_family, submit_visit

__all__ = [
    "FAMILY_EDITABLE",
    "NEW_MEMBER_FIELDS",
    "PERSON_EDITABLE",
    "Conflict",
    "FieldReport",
    "NoOpenRound",
    "VisitConflict",
    "add_to_round",
    "approve_agreed",
    "approve_visit",
    "assign_village",
    "changed_meanwhile",
    "create_round",
    "family_label",
    "family_snapshot",
    "open_round_over",
    "plain_value",
    "propose_family",
    "record_meeting",
    "return_visit",
    "submit_visit",
]
