from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from padu.regions.codes import level_of, normalize_code
from padu.regions.models import Region

from .choices import SourceKind
from .mapping import Mapping, MappingError, parse_mapping
from .models import SourceDataset

ACCEPTED_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls"}


def _mapping_from_upload(upload) -> Mapping:
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise forms.ValidationError(
            _("File pemetaan harus teks UTF-8 (YAML), bukan %(name)s.") % {"name": upload.name}
        ) from error
    try:
        return parse_mapping(text, source=upload.name)
    except MappingError as error:
        raise forms.ValidationError(str(error)) from error


class VillageField(forms.CharField):
    """A village's Kemendagri code (33.74.01.1001 or 3374011001), checked against regions."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"placeholder": "33.74.01.1001", "inputmode": "numeric"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        code = normalize_code(value)
        if code is None or level_of(code) != 4 or not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(
                _("%(value)s bukan kode desa/kelurahan (10 digit, mis. 33.74.01.1001).")
                % {"value": value}
            )
        return code


class UploadForm(forms.Form):
    dataset = forms.ModelChoiceField(
        label=_("Sumber data"),
        # Field verification's records come from approved visits, never from a file; and
        # nothing is chosen for the user: a wrong source lends its trust to wrong rows.
        queryset=SourceDataset.objects.exclude(kind=SourceKind.FIELD),
        empty_label=_("— pilih sumber —"),
    )
    file = forms.FileField(
        label=_("File (CSV atau XLSX)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ACCEPTED_SUFFIXES))}),
    )
    family_file = forms.FileField(
        label=_("File keluarga (bila keluarga dan anggota ada di dua file; tidak wajib)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(ACCEPTED_SUFFIXES))}),
    )
    village = VillageField(
        label=_("Desa/kelurahan file ini (bila file satu desa tanpa kolom desa: OpenSID, BIP …)"),
        required=False,
    )
    mapping_file = forms.FileField(
        label=_("File pemetaan kolom (YAML, tidak wajib)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("village") and isinstance(cleaned.get("mapping_file"), Mapping):
            cleaned["mapping_file"] = cleaned["mapping_file"].in_village(cleaned["village"])
        return cleaned

    def clean_file(self):
        return _table_upload(self.cleaned_data["file"])

    def clean_family_file(self):
        upload = self.cleaned_data.get("family_file")
        return _table_upload(upload) if upload else None

    def clean_mapping_file(self):
        upload = self.cleaned_data.get("mapping_file")
        return _mapping_from_upload(upload) if upload else Mapping()


def _table_upload(upload):
    suffix = Path(upload.name).suffix.lower()
    if suffix not in ACCEPTED_SUFFIXES:
        raise forms.ValidationError(
            _(
                "File %(name)s bukan CSV atau Excel (.xlsx, .xls). Ekspor ulang sebagai .csv atau .xlsx."
            )
            % {"name": upload.name}
        )
    return upload


class MappingForm(forms.Form):
    mapping_file = forms.FileField(
        label=_("File pemetaan kolom (YAML)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )

    def clean_mapping_file(self):
        return _mapping_from_upload(self.cleaned_data["mapping_file"])


class VillageForm(forms.Form):
    village = VillageField(label=_("Desa/kelurahan file ini"))


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penarikan"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "disimpan di riwayat; rekaman batch ini keluar dari data pada pencocokan berikutnya"
        ),
    )


class DatasetForm(forms.Form):
    name = forms.CharField(label=_("Nama sumber"), max_length=60)
    kind = forms.ChoiceField(
        label=_("Jenis"),
        choices=[(k.value, k.label) for k in SourceKind if k != SourceKind.FIELD],
    )
    description = forms.CharField(label=_("Keterangan"), required=False, max_length=500)
