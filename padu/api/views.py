"""The REST API (``/api/v1/``): the same door as the web pages. Each view names its model;
the policy grants the action (reading: ``view``, writing: its ``write_action``), every
query goes through ``restrict``, every answer with personal data is in the access log, and
every write goes through the service the web uses."""

from django.core.exceptions import ValidationError as ModelValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from padu.accounts.choices import AccessKind
from padu.accounts.policy import Action
from padu.accounts.services import log_shown
from padu.programs.models import Referral
from padu.programs.services import StaleReferral, update_referral
from padu.registry.models import Family, Person

from .filters import FamilyFilters, PersonFilters, ReferralFilterSet
from .pagination import ByIdCursor
from .permissions import PolicyPermission
from .serializers import (
    FamilySerializer,
    PersonSerializer,
    ReferralSerializer,
    ReferralUpdateSerializer,
)


class RestrictedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    model = None
    write_action: str = Action.CHANGE
    #: How the access log names these records (None: not personal data).
    logged_as: str | None = None
    permission_classes = [PolicyPermission]
    filter_backends = [DjangoFilterBackend]
    lookup_value_converter = "int"  # /families/abc/ is not found, not an error
    pagination_class = ByIdCursor

    def current_action(self) -> str:
        return Action.VIEW if self.request.method in permissions.SAFE_METHODS else self.write_action

    def get_queryset(self):
        return self.model._default_manager.restrict(self.request.user, self.current_action())

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self._log([row["id"] for row in response.data["results"]], AccessKind.LIST)
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        self._log([response.data["id"]], AccessKind.VIEW)
        return response

    def _log(self, ids, kind) -> None:
        if self.logged_as:
            log_shown(self.request, object_type=self.logged_as, ids=ids, kind=kind, detail="API")


class FamilyViewSet(RestrictedViewSet):
    """Families (KK) the caller may see, with their members: by NIK, No KK, name, area."""

    model = Family
    logged_as = "family"
    serializer_class = FamilySerializer
    filterset_class = FamilyFilters

    def get_queryset(self):
        return super().get_queryset().select_related("village").prefetch_related("members")


class PersonViewSet(RestrictedViewSet):
    """Persons (NIK) the caller may see."""

    model = Person
    logged_as = "person"
    serializer_class = PersonSerializer
    filterset_class = PersonFilters


class ReferralViewSet(RestrictedViewSet):
    """Referrals: an agency's queue (its own), or a region's; an agency's system moves them
    along as its officers do on the web."""

    model = Referral
    logged_as = "referral"
    serializer_class = ReferralSerializer
    filterset_class = ReferralFilterSet

    def get_queryset(self):
        return super().get_queryset().select_related("rule", "agency")

    @extend_schema(request=ReferralUpdateSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request, pk=None):
        referral = get_object_or_404(self.get_queryset(), pk=pk)
        given = ReferralUpdateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            updated = update_referral(
                referral,
                actor=request.user,
                status=data["status"],
                notes=data.get("notes", ""),
                rejection_reason=data.get("rejection_reason", ""),
                seen_version=data.get("version"),
            )
        except StaleReferral as stale:
            raise exceptions.ValidationError(
                {
                    "version": [
                        _("Rujukan diubah orang lain (versi %s): baca lagi.")
                        % stale.args[0].version
                    ]
                }
            ) from None
        except (ValueError, ModelValidationError) as error:
            raise exceptions.ValidationError({"status": [str(error)]}) from None
        self._log([updated.pk], AccessKind.VIEW)
        return Response(ReferralSerializer(updated, context=self.get_serializer_context()).data)
