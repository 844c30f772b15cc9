from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("masuk/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("keluar-semua/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("dua-langkah/", views.second_factor, name="second-factor"),
    path("saya/", views.account, name="account"),
    path("sandi/", views.PasswordChangeView.as_view(), name="password-change"),
    path("sandi/lupa/", views.PasswordResetView.as_view(), name="password-reset"),
    path(
        "sandi/lupa/terkirim/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_sent.html"),
        name="password-reset-sent",
    ),
    path(
        "sandi/atur/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "sandi/atur/selesai/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_done.html"
        ),
        name="password-reset-done",
    ),
    path("daftar/", views.register, name="register"),
    path("daftar/<str:token>/", views.application_status, name="application-status"),
    path("pendaftaran/", views.application_list, name="application-list"),
    path("pendaftaran/<int:pk>/", views.application_detail, name="application-detail"),
    path("pendaftaran/<int:pk>/surat.pdf", views.application_letter, name="application-letter"),
    path("pengguna/", views.user_list, name="user-list"),
    path("pengguna/<int:pk>/", views.user_detail, name="user-detail"),
    path("log-akses/", views.access_log, name="access-log"),
]
