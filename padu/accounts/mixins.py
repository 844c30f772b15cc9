from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.utils.translation import gettext_lazy as _


class DataCustodianRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Pages for taking source data in and matching it (see User.can_manage_sources)."""

    permission_denied_message = _("Halaman ini untuk wali data: impor, pencocokan, penilaian.")

    def test_func(self):
        return self.request.user.can_manage_sources


class PersonalDataRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Pages that list families and persons by name (see User.can_read_personal_data)."""

    permission_denied_message = _(
        "Peran Anda tidak melihat data pribadi (nama, NIK) keluarga; "
        "bila pekerjaan Anda memerlukannya, minta sekretariat TKPK mengubah peran atau wilayah "
        "kerja akun Anda."
    )

    def test_func(self):
        return self.request.user.can_read_personal_data


class ReferralsRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    """The referral queue (see User.can_see_referrals)."""

    permission_denied_message = _(
        "Rujukan terlihat oleh petugas OPD (rujukan ke OPD-nya) dan oleh peran yang melihat "
        "keluarga di wilayahnya."
    )

    def test_func(self):
        return self.request.user.can_see_referrals
