from collections import Counter

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from padu.accounts.choices import AccessKind
from padu.accounts.mixins import PersonalDataRequiredMixin
from padu.accounts.services import log_access
from padu.core.history import history_of
from padu.matching.models import RecordLink
from padu.regions.codes import normalize_code
from padu.regions.models import Region
from padu.verification.services import explain as explain_verification
from padu.welfare.services import explain as explain_welfare

from .models import Family, FamilyPhoto
from .queries import families_matching, head_name


class FamilyListView(PersonalDataRequiredMixin, ListView):
    """The families a user may see, searchable by name, NIK or No KK, and by region."""

    template_name = "registry/family_list.html"
    paginate_by = 25
    context_object_name = "families"

    def get_queryset(self):
        qs = Family.objects.visible_to(self.request.user)
        self.query = self.request.GET.get("q", "").strip()
        self.region_code = normalize_code(self.request.GET.get("wilayah", "")) or ""
        if self.region_code:
            qs = qs.filter(village__code__within=self.region_code)
        if self.query:
            qs = qs.filter(pk__in=families_matching(self.query))
        return (
            qs.select_related("village")
            .annotate(head_name=head_name(), member_count=Count("members"))
            .order_by("village_id", "rw", "rt", "id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query"] = self.query
        context["region"] = Region.objects.filter(code=self.region_code).first()
        if self.query or self.region_code:
            log_access(
                self.request.user,
                kind=AccessKind.LIST,
                object_type="family",
                detail=f"q={self.query!r} wilayah={self.region_code}",
                request=self.request,
            )
        return context


class FamilyDetailView(LoginRequiredMixin, DetailView):
    template_name = "registry/family_detail.html"
    context_object_name = "family"

    def get_queryset(self):
        return Family.objects.visible_to(self.request.user).select_related("village")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        family = self.object
        context["members"] = family.members.order_by("id")
        context["photos"] = family.photos.all()
        context["regions"] = [*family.village.ancestors(), family.village]
        context["history"] = history_of(family)[:20]
        # Every source record behind each member: where Padu's values came from.
        sources = list(
            RecordLink.objects.filter(family=family)
            .select_related("dataset", "person", "source_record__batch")
            .order_by("person_id", "-dataset__precedence", "record_id")
        )
        context["sources"] = sources
        # A record can be split off a person only while the person has others.
        counts = Counter(link.person_id for link in sources)
        context["splittable"] = {person for person, n in counts.items() if n > 1}
        context["welfare"] = explain_welfare(family)
        context["verification"] = explain_verification(family)
        log_access(
            self.request.user,
            kind=AccessKind.VIEW,
            object_type="family",
            object_id=family.pk,
            request=self.request,
        )
        return context


@login_required
def family_photo(request, pk):
    """A house photo, to those who may see the family (personal data: never a public URL)."""
    photo = get_object_or_404(
        FamilyPhoto.objects.filter(family__in=Family.objects.visible_to(request.user)), pk=pk
    )
    return FileResponse(photo.image.open("rb"), content_type="image/jpeg")
