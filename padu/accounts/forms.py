import datetime as dt

from django import forms
from django.contrib.auth import password_validation
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padu.organisations.models import Agency
from padu.regions.models import Region

from .choices import REQUESTABLE_ROLES, Role, TimeZone
from .models import Application

#: A letter of assignment is a scan of a page or two.
LETTER_MAX_BYTES = 5 * 1024 * 1024
#: How long an approved account is valid unless the secretariat says otherwise.
DEFAULT_VALIDITY = dt.timedelta(days=365)


class ApplicationForm(forms.ModelForm):
    """What a person gives to ask for an account: who they are, what they need, the letter
    that assigns them, and the password they will sign in with."""

    region_code = forms.CharField(
        label=_("Kode wilayah kerja"),
        max_length=13,
        help_text=_(
            "Kode Kemendagri wilayah tempat Anda bekerja, misalnya 33.74 (Kota Semarang) atau "
            "33.74.01.1001 (satu kelurahan) untuk operator desa/kelurahan."
        ),
    )
    password1 = forms.CharField(
        label=_("Kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Paling sedikit 10 karakter; jangan hanya angka atau kata yang umum."),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Application
        fields = ["full_name", "nip", "office", "position", "phone", "email", "username",
                  "role", "agency", "letter"]  # fmt: skip
        widgets = {"letter": forms.ClearableFileInput(attrs={"accept": "application/pdf"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in REQUESTABLE_ROLES]
        self.fields["agency"].queryset = Agency.objects.order_by("name")
        self.fields["agency"].help_text = _("Hanya untuk petugas OPD.")

    def clean_nip(self):
        nip = "".join(self.cleaned_data["nip"].split())
        if not (nip.isascii() and nip.isdigit() and len(nip) == 18):
            raise forms.ValidationError(_("NIP terdiri atas 18 angka."))
        return nip

    def clean_region_code(self):
        code = self.cleaned_data["region_code"].strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(
                _("Kode wilayah %(code)s tidak dikenal; tulis kode Kemendagri bertitik.")
                % {"code": code}
            )
        return region

    def clean_letter(self):
        letter = self.cleaned_data["letter"]
        if letter.size > LETTER_MAX_BYTES:
            raise forms.ValidationError(_("Surat tugas paling besar 5 MB."))
        head = letter.read(5)
        letter.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("Surat tugas harus berkas PDF (hasil pindaian)."))
        return letter

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        if cleaned.get("role") == Role.AGENCY_OFFICER and not cleaned.get("agency"):
            self.add_error("agency", _("Petugas OPD memilih OPD-nya."))
        region = cleaned.get("region_code")
        if cleaned.get("role") == Role.VILLAGE_OPERATOR and region and region.level < 3:
            self.add_error(
                "region_code", _("Operator desa bekerja di kecamatan atau desa/kelurahan.")
            )
        if first and not self.errors.get("password1"):
            try:
                password_validation.validate_password(
                    first, Application(username=cleaned.get("username", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def details(self) -> dict:
        """The application's fields for the service (the password and region apart)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name != "letter"}
        return {**data, "region": self.cleaned_data["region_code"]}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[("approve", _("Setujui")), ("reject", _("Tolak"))],
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label=_("Akun berlaku sampai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Alasan penolakan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + DEFAULT_VALIDITY

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "approve" and not cleaned.get("expires_on"):
            self.add_error("expires_on", _("Isi sampai kapan akun berlaku."))
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Tulis alasan penolakan: pemohon membacanya."))
        return cleaned


class AccountChangeForm(forms.Form):
    """The secretariat's hand on an account: renew it, or close it for a leaver."""

    action = forms.ChoiceField(
        choices=[
            ("renew", _("Perpanjang")),
            ("deactivate", _("Nonaktifkan (pindah tugas, pensiun)")),
            ("reset-2fa", _("Atur ulang autentikator (ponsel hilang atau ganti)")),
        ],
        widget=forms.RadioSelect,
        label=_("Tindakan"),
    )
    expires_on = forms.DateField(
        label=_("Berlaku sampai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + DEFAULT_VALIDITY


class OneTimeCodeForm(forms.Form):
    token = forms.CharField(
        label=_("Kode dari aplikasi autentikator"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class AccessLogFilterForm(forms.Form):
    """The data custodian's questions to the access log: who, which family, when."""

    user = forms.CharField(label=_("Pengguna"), required=False, max_length=150)
    family = forms.IntegerField(label=_("ID keluarga"), required=False, min_value=1)
    since = forms.DateField(
        label=_("Dari"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        label=_("Sampai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    unusual = forms.BooleanField(label=_("Hanya yang tidak biasa"), required=False)


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(
        label=_("Zona waktu"),
        choices=[("", _("zona waktu instalasi ini")), *TimeZone.choices],
        required=False,
    )
