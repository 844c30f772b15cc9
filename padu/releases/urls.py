from django.urls import path

from . import views

app_name = "releases"

urlpatterns = [
    path("", views.ReleaseListView.as_view(), name="release-list"),
    path("<int:pk>/", views.ReleaseDetailView.as_view(), name="release-detail"),
    path("<int:pk>/status/", views.ReleaseStatusView.as_view(), name="release-status"),
    path("<int:pk>/angka/", views.FiguresView.as_view(), name="release-figures"),
    path("<int:pk>/beda/<int:other>/", views.DiffView.as_view(), name="release-diff"),
    path("<int:pk>/keputusan.pdf", views.DecreeFileView.as_view(), name="release-decree-file"),
    path("<int:pk>/periksa/", views.CheckView.as_view(), name="release-check"),
    path("<int:pk>/setujui/", views.ApproveView.as_view(), name="release-approve"),
    path("<int:pk>/kembalikan/", views.ReturnView.as_view(), name="release-return"),
    path("<int:pk>/keputusan/", views.DecreeView.as_view(), name="release-decree"),
    path("<int:pk>/terbitkan/", views.PublishView.as_view(), name="release-publish"),
    path("<int:pk>/tarik/", views.WithdrawView.as_view(), name="release-withdraw"),
    path("<int:pk>/batal/", views.CancelBuildView.as_view(), name="release-cancel"),
    path("<int:pk>/susun-ulang/", views.RebuildView.as_view(), name="release-rebuild"),
    path("<int:pk>/hapus/", views.DiscardView.as_view(), name="release-discard"),
]

#: The public's pages: published aggregates and open data, no login (padu/urls.py mounts
#: them under /statistik/).
public_patterns = (
    [
        path("", views.PublicReleaseListView.as_view(), name="list"),
        path("<int:pk>/", views.PublicReleaseView.as_view(), name="release"),
        path("<int:pk>/data.csv", views.PublicDataView.as_view(), {"format": "csv"}, name="csv"),
        path(
            "<int:pk>/data.parquet",
            views.PublicDataView.as_view(),
            {"format": "parquet"},
            name="parquet",
        ),
        path("indikator.json", views.indicator_metadata, name="indicators"),
        path("api/3/action/package_list", views.ckan_package_list, name="package-list"),
        path("api/3/action/package_show", views.ckan_package_show, name="package-show"),
    ],
    "public-statistics",
)
