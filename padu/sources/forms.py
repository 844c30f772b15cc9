from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

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


class UploadForm(forms.Form):
    dataset = forms.ModelChoiceField(
        label=_("Sumber data"),
        # Field verification's records come from approved visits, never from a file.
        queryset=SourceDataset.objects.exclude(kind=SourceKind.FIELD),
        empty_label=None,
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
    mapping_file = forms.FileField(
        label=_("File pemetaan kolom (YAML, tidak wajib)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml"}),
    )

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
