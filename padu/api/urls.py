from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import views
from .dci import views as dci

# Path converters, not regexes, and no format suffixes: plain URLs, as the web's.
router = SimpleRouter(use_regex_path=False)
router.register("families", views.FamilyViewSet, basename="family")
router.register("persons", views.PersonViewSet, basename="person")
router.register("referrals", views.ReferralViewSet, basename="referral")
router.register("batches", views.BatchViewSet, basename="batch")
router.register("welfare", views.WelfareViewSet, basename="welfare")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("programs", views.ProgramViewSet, basename="program")
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("program-runs", views.ProgramRunViewSet, basename="program-run")
router.register("releases", views.ReleaseViewSet, basename="release")
router.register("matching-runs", views.MatchingRunViewSet, basename="matching-run")
router.register("review-pairs", views.ReviewPairViewSet, basename="review-pair")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/changes/", views.ChangeFeedView.as_view(), name="changes"),
    path("v1/exchange/<str:layout>/", views.ExchangeView.as_view(), name="exchange"),
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The DCI social registry API, at the standard's paths.
    path("dci/registry/sync/search", dci.SyncSearchView.as_view(), name="dci-sync-search"),
    path("dci/sr/sync/search", dci.SyncSearchView.as_view(), name="dci-sr-sync-search"),
    path("dci/registry/sync/txn/status", dci.SyncTxnStatusView.as_view(), name="dci-txn-status"),
    path("dci/social_api.yaml", dci.standard_document, name="dci-standard"),
    path("dci/oauth2/client/token", dci.ClientTokenView.as_view(), name="dci-token"),
    path("v1/docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("v1/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
