"""Programs: every write lives here, in three parts.

- ``referrals``: needs sent to the agencies, and moving a referral along;
- ``programs``: programs, the national ones the sources flag, and combination rules;
- ``cycles``: a cycle's beneficiary list (imported, proposed or flagged), links, checks,
  approval, and Bappeda's verdict.
"""

from .cycles import (
    MEMBERSHIP_CHANGES,
    CycleError,
    approve_cycle,
    change_membership,
    check_cycle,
    cycle_from_source_flags,
    decide_link,
    import_cycle_list,
    propose_cycle,
    record_intervention,
    record_verdict,
)
from .flags import detect_anomalies, dismiss_flag, send_flag_to_verivali
from .programs import (
    NATIONAL_PROGRAMS,
    STANDARD_COMBINATIONS,
    add_combination_rule,
    create_program,
    ensure_national_programs,
    ensure_standard_combinations,
    update_program,
)
from .referrals import StaleReferral, intervention_programs, refer_needs, update_referral
from .runs import ProgramRunCancelled, cancel_program_run, execute_program_run, queue_program_run

__all__ = [
    "MEMBERSHIP_CHANGES",
    "NATIONAL_PROGRAMS",
    "STANDARD_COMBINATIONS",
    "CycleError",
    "ProgramRunCancelled",
    "StaleReferral",
    "add_combination_rule",
    "approve_cycle",
    "cancel_program_run",
    "change_membership",
    "check_cycle",
    "create_program",
    "cycle_from_source_flags",
    "decide_link",
    "detect_anomalies",
    "dismiss_flag",
    "ensure_national_programs",
    "ensure_standard_combinations",
    "execute_program_run",
    "import_cycle_list",
    "intervention_programs",
    "propose_cycle",
    "queue_program_run",
    "record_intervention",
    "record_verdict",
    "refer_needs",
    "send_flag_to_verivali",
    "update_program",
    "update_referral",
]
