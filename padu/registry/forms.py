from django import forms
from django.utils.translation import gettext_lazy as _

#: Why someone who sees numbers masked needs one whole: written into the access log.
REVEAL_PURPOSES = [
    ("kartu", _("mencocokkan dengan KK/KTP warga")),
    ("program", _("mendaftarkan ke program atau bantuan")),
    ("koreksi", _("memperbaiki data")),
    ("layanan", _("menjawab permintaan atau pengaduan warga")),
]


class RevealForm(forms.Form):
    """One NIK (``person``) or the No KK (no person), with the purpose it is needed for."""

    purpose = forms.ChoiceField(label=_("Keperluan"), choices=REVEAL_PURPOSES)
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class SubjectForm(forms.Form):
    nik = forms.CharField(label=_("NIK pemohon"), min_length=16, max_length=16)

    def clean_nik(self):
        nik = "".join(self.cleaned_data["nik"].split())
        if not (nik.isascii() and nik.isdigit()):
            raise forms.ValidationError(_("NIK terdiri atas 16 angka."))
        return nik
