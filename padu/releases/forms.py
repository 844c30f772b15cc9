from django import forms
from django.utils.translation import gettext_lazy as _

from padu.welfare.services import DEFAULT_YEAR


class CreateReleaseForm(forms.Form):
    name = forms.CharField(
        label=_("Nama"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Data Tunggal Kemiskinan Kota")}),
    )
    period = forms.CharField(
        label=_("Periode"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("Semester II 2026")}),
    )
    year = forms.IntegerField(
        label=_("Tahun garis kemiskinan"), initial=DEFAULT_YEAR, min_value=2000, max_value=2100
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecreeForm(forms.Form):
    number = forms.CharField(label=_("Nomor keputusan"), max_length=120)
    date = forms.DateField(
        label=_("Tanggal keputusan"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    signatory = forms.CharField(
        label=_("Penanda tangan"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("Wali Kota Semarang")}),
    )
    pdf = forms.FileField(
        label=_("Keputusan bertanda tangan (PDF)"),
        required=False,
        help_text=_("Hasil pindai atau berkas bertanda tangan elektronik, paling besar 20 MB."),
    )
    notes = forms.CharField(
        label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_pdf(self):
        pdf = self.cleaned_data.get("pdf")
        if pdf and pdf.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("Berkas lebih dari 20 MB."))
        return pdf


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
