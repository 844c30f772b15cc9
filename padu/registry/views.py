from django.db.models import Count
from django.http import FileResponse
from django.views.generic import DetailView
from django_filters.views import FilterView

from padu.accounts.choices import AccessKind
from padu.accounts.mixins import RestrictedMixin
from padu.accounts.services import log_access
from padu.core.history import history_of
from padu.regions.models import Region

from .filters import FamilyFilterSet
from .models import Family, FamilyPhoto
from .panels import render_family_panels
from .queries import head_name


class FamilyListView(RestrictedMixin, FilterView):
    """The families a user may see, searchable by name, NIK or No KK, and by region."""

    model = Family
    filterset_class = FamilyFilterSet
    template_name = "registry/family_list.html"
    paginate_by = 25
    context_object_name = "families"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("village")
            .annotate(head_name=head_name(), member_count=Count("members"))
            .order_by("village_id", "rw", "rt", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        searched = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        region_code = searched.get("wilayah") or ""
        context["region"] = Region.objects.filter(code=region_code).first()
        if any(searched.values()):
            log_access(
                self.request.user,
                kind=AccessKind.LIST,
                object_type="family",
                detail=f"q={searched.get('q', '')!r} wilayah={region_code}",
                request=self.request,
            )
        return context


class FamilyDetailView(RestrictedMixin, DetailView):
    model = Family
    template_name = "registry/family_detail.html"
    context_object_name = "family"

    def get_queryset(self):
        return super().get_queryset().select_related("village")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        family = self.object
        context["members"] = family.members.order_by("id")
        context["regions"] = [*family.village.ancestors(), family.village]
        context["history"] = history_of(family)[:20]
        context["panels"] = render_family_panels(family, self.request)
        log_access(
            self.request.user,
            kind=AccessKind.VIEW,
            object_type="family",
            object_id=family.pk,
            request=self.request,
        )
        return context


class FamilyPhotoView(RestrictedMixin, DetailView):
    """A house photo, to those who may see the family (personal data: never a public URL)."""

    model = FamilyPhoto

    def render_to_response(self, context, **kwargs):
        return FileResponse(self.object.image.open("rb"), content_type="image/jpeg")
