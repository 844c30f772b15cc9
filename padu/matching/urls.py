from django.urls import path

from . import views

app_name = "matching"
urlpatterns = [
    path("", views.RunListView.as_view(), name="run-list"),
    path("jalankan/", views.StartRunView.as_view(), name="run-start"),
    path("<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("<int:pk>/status/", views.RunStatusView.as_view(), name="run-status"),
    path("tinjau/", views.ReviewListView.as_view(), name="review-list"),
    path("tinjau/<int:pk>/", views.PairView.as_view(), name="pair"),
    path("nik-hampir-sama/", views.NearMissListView.as_view(), name="near-miss-list"),
    path("tinjau/<int:pk>/putuskan/", views.DecideView.as_view(), name="pair-decide"),
    path("tautan/<int:pk>/pisah/", views.SplitView.as_view(), name="split"),
]
