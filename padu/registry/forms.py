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
