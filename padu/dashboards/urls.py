from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("peta/", views.MapView.as_view(), name="map"),
    path("laporan/", views.ReportView.as_view(), name="report"),
]

#: The public portal, no login (padu/urls.py mounts it at /portal/; / sends visitors there).
portal_patterns = (
    [
        path("", views.PortalView.as_view(), name="home"),
        path("<int:pk>/", views.PortalView.as_view(), name="release"),
    ],
    "portal",
)
