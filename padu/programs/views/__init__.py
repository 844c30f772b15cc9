"""The programs app's pages: referrals (an agency's work queue) and programs with their
cycles."""

from .programs import (
    CycleDetailView,
    CycleStepView,
    DecideLinkView,
    FlagDecideView,
    FlagDetectView,
    FlagListView,
    MembershipView,
    NotReachedExportView,
    ProgramCreateView,
    ProgramDetailView,
    ProgramListView,
    ProgramStatusView,
    ProgramStepView,
    RunCancelView,
    RunStatusView,
    SimulationView,
    SynergyView,
    UnreachedExtremeExportView,
    VerdictView,
)
from .referrals import ReferralDetailView, ReferralListView

__all__ = [
    "CycleDetailView",
    "CycleStepView",
    "DecideLinkView",
    "FlagDecideView",
    "FlagDetectView",
    "FlagListView",
    "MembershipView",
    "NotReachedExportView",
    "ProgramCreateView",
    "ProgramDetailView",
    "ProgramListView",
    "ProgramStatusView",
    "ProgramStepView",
    "ReferralDetailView",
    "ReferralListView",
    "RunCancelView",
    "RunStatusView",
    "SimulationView",
    "SynergyView",
    "UnreachedExtremeExportView",
    "VerdictView",
]
