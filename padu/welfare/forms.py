from django import forms
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from padu.regions.choices import RegionLevel
from padu.regions.models import Region
from padu.registry.models import Family

from .services import DEFAULT_YEAR


class StartClassificationForm(forms.Form):
    """What to classify: a regency/city of the user's scope (each is fitted and ranked on
    its own), or every one for a user without a region."""

    region = forms.ModelChoiceField(
        label=_("Kabupaten/kota"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Semua kabupaten/kota"),
    )
    refit = forms.BooleanField(
        label=_("Latih model PMT baru"),
        required=False,
        initial=True,
        help_text=_(
            "Ya: versi model baru dari data hari ini (hasil versi lama tetap tersimpan). "
            "Tidak: pakai versi terakhir, mis. setelah verivali disetujui."
        ),
    )
    year = forms.IntegerField(
        label=_("Tahun garis kemiskinan"), initial=DEFAULT_YEAR, min_value=2000, max_value=2100
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        codes = (
            Family.objects.exclude(village__isnull=True)
            .annotate(regency=Substr("village_id", 1, 5))
            .values("regency")
            .distinct()
        )
        regencies = Region.objects.filter(level=RegionLevel.REGENCY, code__in=codes)
        if user.region_id:
            regencies = regencies.filter(code__within=user.region_id)
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
        self.fields["region"].queryset = regencies.order_by("code")
