from django.urls import path

from . import views

app_name = "programs"
urlpatterns = [
    path("", views.ReferralListView.as_view(), name="referral-list"),
    path("<int:pk>/", views.ReferralDetailView.as_view(), name="referral-detail"),
]
