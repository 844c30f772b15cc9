from django.urls import path

from . import views

app_name = "verification"
urlpatterns = [
    path("", views.home, name="home"),
    path("tugas/", views.tasks, name="tasks"),
    path("tugas/<int:pk>/kunjungan/", views.visit_form, name="visit-form"),
    path("usulan-baru/", views.propose, name="propose"),
    path("musyawarah/", views.meeting, name="meeting"),
    path("kunjungan/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("kunjungan/<int:pk>/keputusan/", views.decide, name="decide"),
    path("foto/<int:pk>/", views.photo, name="photo"),
    path("putaran/", views.round_list, name="round-list"),
    path("putaran/<int:pk>/", views.round_detail, name="round-detail"),
    path("putaran/<int:pk>/ekspor/", views.round_export, name="round-export"),
    path("cakupan/", views.coverage, name="coverage"),
]
