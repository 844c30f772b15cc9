from django.urls import path

from . import views

app_name = "welfare"

urlpatterns = [
    path("", views.RunListView.as_view(), name="run-list"),
    path("<int:pk>/status/", views.RunStatusView.as_view(), name="run-status"),
    path("<int:pk>/batal/", views.CancelRunView.as_view(), name="run-cancel"),
]
