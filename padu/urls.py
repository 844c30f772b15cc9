from django.contrib import admin
from django.urls import include, path

from padu.accounts.views import home
from padu.core.views import healthz, readyz, system_status
from padu.dashboards.urls import portal_patterns
from padu.releases.urls import public_patterns

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("akun/", include("padu.accounts.urls")),
    path("registri/", include("padu.registry.urls")),
    path("impor/", include("padu.sources.urls")),
    path("pencocokan/", include("padu.matching.urls")),
    path("penilaian/", include("padu.welfare.urls")),
    path("", include("padu.programs.urls")),
    path("verivali/", include("padu.verification.urls")),
    path("rilis/", include("padu.releases.urls")),
    path("dasbor/", include("padu.dashboards.urls")),
    path("statistik/", include(public_patterns)),
    path("portal/", include(portal_patterns)),
    path("layanan/", include("padu.service.urls")),
    path("api/", include("padu.api.urls")),
    path("admin/status/", system_status, name="system-status"),
    path("admin/", admin.site.urls),
]
