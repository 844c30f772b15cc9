from django.urls import path

from . import views
from .choices import RunStep

app_name = "programs"
urlpatterns = [
    path("rujukan/", views.ReferralListView.as_view(), name="referral-list"),
    path("rujukan/<int:pk>/", views.ReferralDetailView.as_view(), name="referral-detail"),
    path("program/", views.ProgramListView.as_view(), name="program-list"),
    path("program/baru/", views.ProgramCreateView.as_view(), name="program-create"),
    path("program/sinergi/", views.SynergyView.as_view(), name="synergy"),
    path("program/simulasi/", views.SimulationView.as_view(), name="simulation"),
    path("program/anomali/", views.FlagListView.as_view(), name="flag-list"),
    path("program/anomali/cari/", views.FlagDetectView.as_view(), name="flag-detect"),
    path("program/anomali/<int:pk>/", views.FlagDecideView.as_view(), name="flag-decide"),
    path(
        "program/sinergi/belum-terjangkau/",
        views.UnreachedExtremeExportView.as_view(),
        name="unreached-extreme",
    ),
    path("program/siklus/<int:pk>/", views.CycleDetailView.as_view(), name="cycle-detail"),
    path(
        "program/siklus/<int:pk>/periksa/",
        views.CycleStepView.as_view(step=RunStep.CHECK),
        name="cycle-check",
    ),
    path(
        "program/siklus/<int:pk>/setujui/",
        views.CycleStepView.as_view(step=RunStep.APPROVE),
        name="cycle-approve",
    ),
    path("program/siklus/<int:pk>/penilaian/", views.VerdictView.as_view(), name="cycle-verdict"),
    path("program/penerima/<int:pk>/tautan/", views.DecideLinkView.as_view(), name="decide-link"),
    path(
        "program/penerima/<int:pk>/keanggotaan/",
        views.MembershipView.as_view(),
        name="membership",
    ),
    path("program/proses/<int:pk>/status/", views.RunStatusView.as_view(), name="run-status"),
    path("program/proses/<int:pk>/batal/", views.RunCancelView.as_view(), name="run-cancel"),
    path("program/<slug:code>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("program/<slug:code>/status/", views.ProgramStatusView.as_view(), name="program-status"),
    path("program/<slug:code>/ubah/", views.ProgramUpdateView.as_view(), name="program-update"),
    path(
        "program/<slug:code>/pengecualian/",
        views.ExclusionView.as_view(),
        name="program-exclusion",
    ),
    path(
        "program/<slug:code>/belum-terjangkau/",
        views.NotReachedExportView.as_view(),
        name="program-not-reached",
    ),
    path(
        "program/<slug:code>/impor/",
        views.ProgramStepView.as_view(step=RunStep.IMPORT),
        name="program-import",
    ),
    path(
        "program/<slug:code>/usulan/",
        views.ProgramStepView.as_view(step=RunStep.PROPOSE),
        name="program-propose",
    ),
]
