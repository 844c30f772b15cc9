import json
import uuid

from django import forms
from django.forms.models import fields_for_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from padu.regions.choices import RegionLevel
from padu.regions.codes import ancestor_codes
from padu.regions.filters import RegionCodeField
from padu.regions.models import Region
from padu.registry.choices import Lifecycle, Relationship, Sex, VerificationStatus
from padu.registry.identity import read_id_number
from padu.registry.models import LATITUDE_RANGE, LONGITUDE_RANGE, Family
from padu.welfare.choices import PovertyStatus

from .choices import MemberStatus
from .services import FAMILY_EDITABLE, NEW_MEMBER_FIELDS, FieldReport, family_snapshot, plain_value

#: Empty rows for members the operator found who are not listed.
NEW_MEMBER_SLOTS = 2
_LIFECYCLE_STATUS = {Lifecycle.DECEASED: MemberStatus.DECEASED, Lifecycle.MOVED: MemberStatus.MOVED}


def _date_input() -> forms.DateInput:
    """A phone's date picker: it reads and writes ISO dates whatever the page's language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos from one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class FieldReportForm(forms.Form):
    """What every visit form asks besides its findings: the phone's GPS position (filled by
    the page's "Ambil lokasi" button), photos, notes, the date, members not listed."""

    latitude = forms.FloatField(
        label=_("Lintang"), required=False, min_value=LATITUDE_RANGE[0],
        max_value=LATITUDE_RANGE[1],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )  # fmt: skip
    longitude = forms.FloatField(
        label=_("Bujur"), required=False, min_value=LONGITUDE_RANGE[0],
        max_value=LONGITUDE_RANGE[1],
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )  # fmt: skip
    gps_accuracy_m = forms.FloatField(
        label=_("Akurasi (m)"), required=False, min_value=0, widget=forms.HiddenInput
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = MultipleImageField(label=_("Foto rumah"), required=False)
    client_key = forms.UUIDField(widget=forms.HiddenInput)
    visited_on = forms.DateField(label=_("Tanggal kunjungan"), widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for slot in range(NEW_MEMBER_SLOTS):
            self.fields.update(_new_member_fields(f"new{slot}_"))
        self.fields["visited_on"].initial = timezone.localdate()
        self.fields["client_key"].initial = uuid.uuid4()

    @property
    def new_member_rows(self):
        return [
            [self[f"new{slot}_{name}"] for name in NEW_MEMBER_FIELDS]
            for slot in range(NEW_MEMBER_SLOTS)
        ]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            raise forms.ValidationError(_("Isi lintang dan bujur berdua, atau kosongkan keduanya."))
        for slot in range(NEW_MEMBER_SLOTS):
            prefix = f"new{slot}_"
            self._clean_id_number(cleaned, f"{prefix}nik", "NIK")
            filled = any(cleaned.get(f"{prefix}{n}") for n in NEW_MEMBER_FIELDS)
            if filled and not cleaned.get(f"{prefix}full_name"):
                self.add_error(f"{prefix}full_name", _("Nama anggota baru wajib diisi."))
        return cleaned

    def _clean_id_number(self, cleaned: dict, name: str, label: str) -> None:
        """A NIK or No KK as its 16 digits, or an error on its field naming what is wrong."""
        value = cleaned.get(name) or ""
        if not value:
            cleaned[name] = ""
            return
        reading = read_id_number(value)
        if reading.ok:
            cleaned[name] = reading.digits
        else:
            self.add_error(name, reading.message(label))

    def new_members(self) -> list[dict]:
        out = []
        for slot in range(NEW_MEMBER_SLOTS):
            values = {n: self.cleaned_data.get(f"new{slot}_{n}") for n in NEW_MEMBER_FIELDS}
            if values["full_name"]:
                out.append({n: v for n, v in values.items() if v not in (None, "")})
        return out

    def report(self) -> FieldReport:
        data = self.cleaned_data
        return FieldReport(
            client_key=data["client_key"],
            visited_on=data["visited_on"],
            latitude=data["latitude"],
            longitude=data["longitude"],
            gps_accuracy_m=data["gps_accuracy_m"],
            notes=data["notes"],
            photos=tuple(data["photos"]),
        )


def _nik_field(initial: str = "") -> forms.CharField:
    return forms.CharField(
        label="NIK",
        required=False,
        initial=initial,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class VisitForm(FieldReportForm):
    """The visit of a listed family: outcome, corrections, members, photos, position."""

    outcome = forms.ChoiceField(
        label=_("Hasil kunjungan"),
        choices=[c for c in VerificationStatus.choices if c[0] != VerificationStatus.NEW],
        widget=forms.RadioSelect,
    )
    moved_out = forms.BooleanField(label=_("Pindah ke luar kabupaten/kota"), required=False)
    move_village = forms.ModelChoiceField(
        label=_("Desa/kelurahan tujuan"), queryset=Region.objects.none(), required=False
    )
    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, family: Family, **kwargs):
        self.family = family
        self.members = list(family.members.order_by("id"))
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = json.dumps(family_snapshot(family))
        self.fields.update(fields_for_model(Family, fields=FAMILY_EDITABLE))
        for name in FAMILY_EDITABLE:
            field = self.fields[name]
            field.required = False
            field.initial = getattr(family, name)
            if name == "kk_number":
                field.widget.attrs["inputmode"] = "numeric"
        regency = ancestor_codes(family.village_id)[1]
        self.fields["move_village"].queryset = Region.objects.filter(
            level=RegionLevel.VILLAGE, code__within=regency
        ).order_by("name")
        for person in self.members:
            self.fields[f"m{person.pk}_status"] = forms.ChoiceField(
                label=person.full_name,
                choices=MemberStatus.choices,
                initial=_LIFECYCLE_STATUS.get(person.lifecycle, MemberStatus.PRESENT),
            )
            self.fields[f"m{person.pk}_nik"] = _nik_field(person.nik)

    @property
    def address_fields(self):
        return [self[name] for name in FAMILY_EDITABLE[:4]]

    @property
    def housing_fields(self):
        return [self[name] for name in FAMILY_EDITABLE[4:]]

    @property
    def member_rows(self):
        return [(p, self[f"m{p.pk}_status"], self[f"m{p.pk}_nik"]) for p in self.members]

    def clean(self):
        cleaned = super().clean()
        for person in self.members:
            self._clean_id_number(cleaned, f"m{person.pk}_nik", "NIK")
        if cleaned.get("outcome") == VerificationStatus.MOVED and not (
            cleaned.get("moved_out") or cleaned.get("move_village")
        ):
            self.add_error(
                "move_village",
                _("Pilih desa/kelurahan tujuan, atau centang pindah ke luar kabupaten/kota."),
            )
        try:
            json.loads(cleaned.get("seen") or "{}")
        except ValueError:
            self.add_error(None, _("Formulir rusak; muat ulang halaman."))
        return cleaned

    def family_changes(self) -> dict:
        """Only what the operator changed."""
        cleaned = self.cleaned_data
        changes = {
            name: cleaned[name]
            for name in FAMILY_EDITABLE
            if plain_value(cleaned[name]) != plain_value(getattr(self.family, name))
        }
        if cleaned["outcome"] == VerificationStatus.MOVED:
            if cleaned["moved_out"]:
                changes["moved_out"] = True
            elif cleaned["move_village"] and cleaned["move_village"].code != self.family.village_id:
                changes["village_id"] = cleaned["move_village"].code
        return changes

    def member_changes(self) -> dict:
        cleaned = self.cleaned_data
        changes: dict = {}
        for person in self.members:
            mine = {}
            status = cleaned[f"m{person.pk}_status"]
            if status != _LIFECYCLE_STATUS.get(person.lifecycle, MemberStatus.PRESENT):
                mine["status"] = status
            if cleaned[f"m{person.pk}_nik"] != person.nik:
                mine["nik"] = cleaned[f"m{person.pk}_nik"]
            if mine:
                changes[str(person.pk)] = mine
        new = self.new_members()
        if new:
            changes["baru"] = new
        return changes

    def seen_values(self) -> dict:
        return json.loads(self.cleaned_data["seen"] or "{}")


def _new_member_fields(prefix: str) -> dict:
    return {
        f"{prefix}full_name": forms.CharField(label=_("Nama"), required=False, max_length=150),
        f"{prefix}nik": _nik_field(),
        f"{prefix}sex": forms.ChoiceField(
            label=_("L/P"), required=False, choices=[("", "—"), *Sex.choices]
        ),
        f"{prefix}birth_date": forms.DateField(
            label=_("Tanggal lahir"),
            required=False,
            widget=_date_input(),
        ),
        f"{prefix}relationship": forms.ChoiceField(
            label=_("Hubungan"), required=False, choices=[("", "—"), *Relationship.choices]
        ),
    }


class ProposalForm(FieldReportForm):
    """A family no source listed (usulan baru)."""

    village = forms.ModelChoiceField(label=_("Desa/kelurahan"), queryset=Region.objects.none())
    kk_number = forms.CharField(
        label=_("No KK"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    address = forms.CharField(label=_("Alamat"), max_length=255)
    rt = forms.CharField(label="RT", required=False, max_length=3)
    rw = forms.CharField(label="RW", required=False, max_length=3)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = Region.objects.filter(level=RegionLevel.VILLAGE).order_by("name")
        self.fields["village"].queryset = (
            villages.filter(code__within=user.region_id) if user.region_id else villages.none()
        )

    def clean(self):
        cleaned = super().clean()
        self._clean_id_number(cleaned, "kk_number", "No KK")
        if not self.new_members():
            self.add_error("new0_full_name", _("Isi sedikitnya satu anggota keluarga."))
        return cleaned


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Tanggal musyawarah"), widget=_date_input())
    minutes = forms.FileField(
        label=_("Berita acara (foto atau PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visits = forms.MultipleChoiceField(
        label=_("Kunjungan yang disepakati"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visits"].choices = [(str(v.pk), str(v)) for v in visits]

    def clean_minutes(self):
        upload = self.cleaned_data["minutes"]
        head = upload.read(5)
        upload.seek(0)
        if not (head.startswith(b"%PDF") or head[:3] == b"\xff\xd8\xff" or head[:4] == b"\x89PNG"):
            raise forms.ValidationError(_("Berita acara harus foto (JPEG/PNG) atau PDF."))
        return upload


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Nama putaran"), max_length=120)
    purpose = forms.CharField(
        label=_("Tujuan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    region = forms.ModelChoiceField(label=_("Wilayah"), queryset=Region.objects.none())
    starts_on = forms.DateField(label=_("Mulai"), widget=_date_input())
    ends_on = forms.DateField(label=_("Selesai"), widget=_date_input())
    max_desil = forms.IntegerField(
        label=_("Sampai desil"), required=False, min_value=1, max_value=10,
        help_text=_("kosong: semua keluarga aktif di wilayah"),
    )  # fmt: skip
    statuses = forms.MultipleChoiceField(
        label=_("Status kemiskinan"), required=False, choices=PovertyStatus.choices,
        widget=forms.CheckboxSelectMultiple, help_text=_("kosong: semua status"),
    )  # fmt: skip
    stale_only = forms.BooleanField(
        label=_("Hanya keluarga yang perlu diverifikasi ulang"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = Region.objects.filter(level__lte=RegionLevel.DISTRICT)
        if user.region_id:
            scope = scope.filter(code__within=user.region_id)
        self.fields["region"].queryset = scope.order_by("code")


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan dikembalikan"), widget=forms.Textarea(attrs={"rows": 2})
    )


class CoverageForm(forms.Form):
    """Which area and round the coverage page shows; what does not read as one is ignored
    and the user's own region shown."""

    wilayah = RegionCodeField(required=False)
    putaran = forms.IntegerField(required=False, min_value=1)
