from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padu.programs.models import Program
from padu.registry.identity import read_id_number
from padu.registry.models import LATITUDE_RANGE, LONGITUDE_RANGE
from padu.verification.forms import MultipleImageField
from padu.welfare.models import NeedRule

from .choices import RequestKind
from .queries import service_area, service_villages
from .services import RequestDetails

#: The fields each kind of request asks for, in the order asked; the rest are left out.
KIND_FIELDS = {
    RequestKind.PROPOSAL: (
        "subject_name", "subject_nik", "subject_kk", "village", "address", "rt", "rw",
        "description", "photos", "reporter_name", "phone", "email",
    ),
    RequestKind.OBJECTION: (
        "subject_name", "village", "address", "rt", "rw", "description", "photos",
        "reporter_name", "reporter_nik", "phone", "email",
    ),
    RequestKind.COMPLAINT: (
        "program", "village", "description", "photos", "reporter_name", "phone", "email",
    ),
    RequestKind.QUESTION: ("village", "description", "reporter_name", "phone", "email"),
}  # fmt: skip
#: What the description is called, by kind.
DESCRIPTION_LABEL = {
    RequestKind.PROPOSAL: _("Mengapa keluarga ini perlu dibantu?"),
    RequestKind.OBJECTION: _("Mengapa keluarga ini tidak layak dibantu?"),
    RequestKind.COMPLAINT: _("Apa yang ingin diadukan?"),
    RequestKind.QUESTION: _("Pertanyaan Anda"),
}


def _id_number(label, *, required=False) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _clean_id(form: forms.Form, name: str, label: str) -> str:
    value = form.cleaned_data.get(name) or ""
    if not value:
        return ""
    reading = read_id_number(value)
    if not reading.ok:
        raise forms.ValidationError(reading.message(label))
    return reading.digits


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        district = getattr(obj, "district_name", "")
        return f"{obj.name} (Kec. {district})" if district else obj.name


class StatusCheckForm(forms.Form):
    """A resident's NIK and one more fact of their family card, and their kelurahan."""

    nik = _id_number(_("NIK (16 angka, seperti di KTP)"), required=True)
    name = forms.CharField(label=_("Nama lengkap (seperti di KTP)"), required=False, max_length=150)
    kk_number = _id_number(_("atau No KK"))
    village = VillageChoiceField(label=_("Desa/kelurahan tempat tinggal"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = service_villages()

    def clean_nik(self):
        return _clean_id(self, "nik", "NIK")

    def clean_kk_number(self):
        return _clean_id(self, "kk_number", "No KK")

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name") or "").strip() and not cleaned.get("kk_number"):
            raise forms.ValidationError(
                _("Isi nama lengkap atau No KK untuk memastikan data Anda.")
            )
        return cleaned


class ServiceRequestForm(forms.Form):
    """One form for the four kinds of request, showing the fields of its kind."""

    subject_name = forms.CharField(label=_("Nama kepala keluarga"), max_length=150)
    subject_nik = _id_number(_("NIK kepala keluarga (bila tahu)"))
    subject_kk = _id_number(_("No KK (bila tahu)"))
    program = forms.ModelChoiceField(
        label=_("Program yang diadukan (bila ada)"), queryset=Program.objects.none(), required=False
    )
    village = VillageChoiceField(label=_("Desa/kelurahan"), queryset=None)
    address = forms.CharField(label=_("Alamat (jalan, nomor, gang)"), max_length=255)
    rt = forms.CharField(
        label="RT",
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    rw = forms.CharField(
        label="RW",
        required=False,
        max_length=3,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    photos = MultipleImageField(label=_("Foto rumah"), required=False)
    latitude = forms.FloatField(
        required=False,
        min_value=LATITUDE_RANGE[0],
        max_value=LATITUDE_RANGE[1],
        widget=forms.HiddenInput,
    )
    longitude = forms.FloatField(
        required=False,
        min_value=LONGITUDE_RANGE[0],
        max_value=LONGITUDE_RANGE[1],
        widget=forms.HiddenInput,
    )
    gps_accuracy_m = forms.FloatField(required=False, min_value=0, widget=forms.HiddenInput)
    reporter_name = forms.CharField(label=_("Nama Anda"), required=False, max_length=150)
    reporter_nik = _id_number(_("NIK Anda (16 angka)"))
    phone = forms.CharField(
        label=_("Nomor ponsel untuk kabar (bila mau)"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(label=_("Email untuk kabar (bila mau)"), required=False)
    received_on = forms.DateField(
        label=_("Tanggal diterima (formulir kertas)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    # Left empty by people; a bot filling every field gives itself away.
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # fmt: skip

    def __init__(self, *args, kind: str, desk: bool = False, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        wanted = set(KIND_FIELDS[kind]) | {"latitude", "longitude", "gps_accuracy_m", "website"}
        if desk:
            wanted.add("received_on")
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        self.fields["village"].queryset = villages if villages is not None else service_villages()
        self.fields["description"].label = DESCRIPTION_LABEL[kind]
        if kind == RequestKind.OBJECTION:
            self.fields["reporter_name"].required = True
            self.fields["reporter_nik"].required = True
            self.fields["address"].required = False
            self.fields["photos"].label = _("Foto rumah keluarga yang disanggah")
        if kind == RequestKind.COMPLAINT:
            # The programs that reach the area served: its own governments' and national ones.
            area = Q(region__isnull=True)
            for code in service_area():
                area |= Q(region__code__within=code) | Q(region__code=code[:2])
            self.fields["program"].queryset = Program.objects.filter(area).order_by("name")
            self.fields["photos"].label = _("Foto pendukung (bila ada)")

    def clean_subject_nik(self):
        return _clean_id(self, "subject_nik", "NIK")

    def clean_subject_kk(self):
        return _clean_id(self, "subject_kk", "No KK")

    def clean_reporter_nik(self):
        return _clean_id(self, "reporter_nik", "NIK")

    def clean_phone(self):
        phone = "".join(
            ch for ch in self.cleaned_data.get("phone", "") if ch.isdigit() or ch == "+"
        )
        if phone and not 9 <= len(phone.lstrip("+")) <= 15:
            raise forms.ValidationError(_("Nomor ponsel 9–15 angka, mis. 081234567890."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("Permintaan tidak dapat diterima."))
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            raise forms.ValidationError(_("Lokasi tidak lengkap: tekan “Ambil lokasi saya” lagi."))
        return cleaned

    def details(self) -> RequestDetails:
        """What the resident told, for ``services.submit_request``: the fields this kind asks
        for (an empty text as ""; no program, no position as None)."""
        data = self.cleaned_data
        told = {name: data[name] for name in RequestDetails.__dataclass_fields__ if name in data}
        for name, value in told.items():
            if value is None and name not in _MAY_BE_NONE:
                told[name] = ""
        return RequestDetails(**{**told, "kind": self.kind})


#: The details that stay None when not given (not text).
_MAY_BE_NONE = {"program", "latitude", "longitude", "gps_accuracy_m"}


class TrackForm(forms.Form):
    ticket = forms.CharField(label=_("Nomor tiket"), max_length=16)
    code = forms.CharField(
        label=_("Kode cek (6 angka)"), max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip


# -- the officer's forms ------------------------------------------------------------------


class TriageForm(forms.Form):
    """What Dinsos does with a request: to the field, to an agency, an answer, a join."""

    ACTIONS = [
        ("verivali", _("Kirim ke verivali (kunjungan lapangan)")),
        ("rujuk", _("Rujuk ke OPD")),
        ("jawab", _("Jawab dan selesaikan")),
        ("tolak", _("Tidak dikabulkan")),
        ("gabung", _("Gabungkan dengan tiket lain")),
    ]
    action = forms.ChoiceField(label=_("Tindakan"), choices=ACTIONS, widget=forms.RadioSelect)
    operator = forms.ModelChoiceField(
        label=_("Operator (verivali keluarga yang belum ada di registri)"),
        queryset=None,
        required=False,
    )
    rule = forms.ModelChoiceField(
        label=_("Kebutuhan, menentukan OPD (rujuk)"),
        queryset=NeedRule.objects.filter(is_active=True).select_related("agency"),
        required=False,
    )
    answer = forms.CharField(
        label=_("Jawaban atau alasan untuk pemohon (jawab, tidak dikabulkan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    into = forms.CharField(
        label=_("Nomor tiket yang sama (gabungkan)"), required=False, max_length=16
    )

    def __init__(self, *args, operators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = operators
        self.fields["rule"].label_from_instance = lambda rule: f"{rule.label} → {rule.agency}"

    def clean(self):
        cleaned = super().clean()
        needs = {"rujuk": "rule", "jawab": "answer", "tolak": "answer", "gabung": "into"}
        needed = needs.get(cleaned.get("action"))
        if needed and not cleaned.get(needed):
            self.add_error(needed, _("Isian ini diperlukan untuk tindakan yang dipilih."))
        return cleaned


class LinkFamilyForm(forms.Form):
    family = forms.IntegerField(widget=forms.HiddenInput)
