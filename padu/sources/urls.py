from django.urls import path

from . import views

app_name = "sources"
urlpatterns = [
    path("", views.BatchListView.as_view(), name="batch-list"),
    path("unggah/", views.UploadView.as_view(), name="upload"),
    path("sumber/", views.DatasetListView.as_view(), name="dataset-list"),
    path("sumber/<int:pk>/pindah/", views.DatasetMoveView.as_view(), name="dataset-move"),
    path("<int:pk>/", views.BatchDetailView.as_view(), name="batch-detail"),
    path("<int:pk>/status/", views.BatchStatusView.as_view(), name="batch-status"),
    path("<int:pk>/impor/", views.CommitView.as_view(), name="batch-commit"),
    path("<int:pk>/batal/", views.CancelView.as_view(), name="batch-cancel"),
    path("<int:pk>/pemetaan/", views.MappingView.as_view(), name="batch-mapping"),
    path("<int:pk>/desa/", views.VillageView.as_view(), name="batch-village"),
    path("<int:pk>/tarik/", views.WithdrawView.as_view(), name="batch-withdraw"),
    path("<int:pk>/pemetaan.yaml", views.StarterMappingView.as_view(), name="starter-mapping"),
    path(
        "<int:pk>/ditolak.csv",
        views.RejectedRowsView.as_view(),
        {"extension": "csv"},
        name="rejected-csv",
    ),
    path(
        "<int:pk>/ditolak.xlsx",
        views.RejectedRowsView.as_view(),
        {"extension": "xlsx"},
        name="rejected-xlsx",
    ),
]
