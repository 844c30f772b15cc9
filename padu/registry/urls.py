from django.urls import path

from . import views

app_name = "registry"
urlpatterns = [
    path("keluarga/", views.FamilyListView.as_view(), name="family-list"),
    path("orang/", views.PersonListView.as_view(), name="person-list"),
    path("keluarga/<int:pk>/", views.FamilyDetailView.as_view(), name="family-detail"),
    path("keluarga/<int:pk>/tampilkan/", views.reveal_identifier, name="reveal"),
    path("subjek-data/", views.subject_document, name="subject"),
    path("foto/<int:pk>/", views.FamilyPhotoView.as_view(), name="family-photo"),
]
