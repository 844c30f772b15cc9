from django.urls import path

from . import views

app_name = "service"

urlpatterns = [
    # The resident's pages (no login).
    path("", views.home, name="home"),
    path("cek/", views.check_status, name="check"),
    path("lacak/", views.find, name="find"),
    path("lacak/<str:token>/", views.track, name="track"),
    path("tanda-terima/<str:token>/", views.receipt, name="receipt"),
    # The desk, Dinsos' queue, the operator's visit.
    path("loket/", views.desk, name="desk"),
    path("loket/<slug:kind_slug>/", views.desk, name="desk-form"),
    path("antrean/", views.queue, name="queue"),
    path("permintaan/<int:pk>/", views.detail, name="detail"),
    path("permintaan/<int:pk>/kunjungan/", views.proposal_visit, name="proposal-visit"),
    path("foto/<int:pk>/", views.photo, name="photo"),
    # Last: a kind of request by its name (usul, sanggah, pengaduan, tanya).
    path("<slug:kind_slug>/", views.submit, name="submit"),
]
