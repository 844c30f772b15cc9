"""The forms of a program's pages: a program with its criteria asked as plain questions
(desil, status, needs, age, sex, disability, areas, what it may not be combined with),
a cycle's list to import or propose, and Bappeda's verdict."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from padu.organisations.choices import Sector
from padu.regions.models import Region
from padu.registry import choices as c
from padu.welfare.choices import PovertyStatus
from padu.welfare.models import NeedRule

from .choices import BenefitUnit
from .criteria import describe
from .models import Program

ALLOWED_LIST_SUFFIXES = (".xlsx", ".xls", ".csv", ".txt")


#: (field, op) of a condition → the question that asks it.
_ASKED = {
    ("desil", "le"): "max_desil",
    ("status", "in"): "statuses",
    ("needs", "has"): "needs",
    ("age", "ge"): "min_age",
    ("age", "le"): "max_age",
    ("sex", "eq"): "sex",
    ("disability", "ne"): "disabled_only",
}


class CriteriaForm(forms.Form):
    """Who a program is for, asked one by one and written as data (padu.programs.criteria)."""

    max_desil = forms.IntegerField(
        label=_("Desil paling tinggi"), min_value=1, max_value=10, required=False,
        help_text=_("mis. 4: keluarga desil 1–4"),
    )  # fmt: skip
    statuses = forms.MultipleChoiceField(
        label=_("Status kemiskinan"), choices=PovertyStatus.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("kosong: status apa pun"),
    )  # fmt: skip
    needs = forms.ModelMultipleChoiceField(
        label=_("Punya salah satu kebutuhan"), queryset=NeedRule.objects.none(),
        to_field_name="code", required=False, widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    min_age = forms.IntegerField(label=_("Umur penerima sedikitnya"), min_value=0, required=False)
    max_age = forms.IntegerField(
        label=_("Umur penerima paling tinggi"), min_value=0, required=False
    )
    sex = forms.ChoiceField(
        label=_("Jenis kelamin penerima"), required=False,
        choices=[("", _("siapa saja")), *c.Sex.choices],
    )  # fmt: skip
    disabled_only = forms.BooleanField(label=_("Hanya penerima dengan disabilitas"), required=False)
    areas = forms.ModelMultipleChoiceField(
        label=_("Wilayah sasaran (kecamatan)"), queryset=Region.objects.none(),
        to_field_name="code", required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("kosong: seluruh wilayah"),
    )  # fmt: skip

    CRITERIA_FIELDS = (
        "max_desil", "statuses", "needs", "min_age", "max_age", "sex", "disabled_only", "areas",
    )  # fmt: skip

    def __init__(self, *args, user, criteria: list[dict] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Conditions these questions cannot ask (an admin's own) are kept as they are.
        self.kept = []
        for condition in criteria or []:
            name = _ASKED.get((condition.get("field"), condition.get("op")))
            if name is None or (
                name == "disabled_only" and condition.get("value") != c.Disability.NONE
            ):
                self.kept.append(condition)
            elif not self.is_bound:
                value = condition["value"]
                self.initial[name] = True if name == "disabled_only" else value
        self.fields["needs"].queryset = NeedRule.objects.filter(is_active=True).order_by("label")
        districts = Region.objects.filter(level=3)
        if user.region_id:
            districts = districts.filter(code__startswith=f"{user.region_id}.")
        self.fields["areas"].queryset = districts.order_by("code")

    def criteria_part(self):
        return [self[name] for name in self.CRITERIA_FIELDS]

    def kept_sentences(self) -> list[str]:

        return [describe(condition) for condition in self.kept]

    def criteria(self) -> list[dict]:
        data = self.cleaned_data
        out = []
        if data.get("max_desil"):
            out.append({"field": "desil", "op": "le", "value": data["max_desil"]})
        if data.get("statuses"):
            out.append({"field": "status", "op": "in", "value": list(data["statuses"])})
        if data.get("needs"):
            out.append({"field": "needs", "op": "has", "value": [r.code for r in data["needs"]]})
        if data.get("min_age") is not None:
            out.append({"field": "age", "op": "ge", "value": data["min_age"]})
        if data.get("max_age") is not None:
            out.append({"field": "age", "op": "le", "value": data["max_age"]})
        if data.get("sex"):
            out.append({"field": "sex", "op": "eq", "value": data["sex"]})
        if data.get("disabled_only"):
            out.append({"field": "disability", "op": "ne", "value": c.Disability.NONE})
        return out + self.kept

    def target_areas(self) -> list[str]:
        return [r.code for r in self.cleaned_data.get("areas") or []]


class ProgramForm(CriteriaForm, forms.ModelForm):
    """A program, and who it is for."""

    class Meta:
        model = Program
        fields = [
            "code", "name", "sector", "year", "funding_level", "budget", "unit",
            "benefit_kind", "benefit_amount", "target_count", "description",
        ]  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        instance = kwargs.get("instance")
        super().__init__(
            *args, user=user, criteria=instance.criteria if instance else None, **kwargs
        )
        if not self.is_bound:
            self.initial.setdefault("year", dt.date.today().year)
            if instance is not None:
                self.initial["areas"] = list(instance.target_areas or [])
        if instance is not None:
            self.fields["code"].disabled = True  # a program's code names its lists and reports

    def program_part(self):
        return [self[name] for name in self.Meta.fields]

    def program_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["criteria"] = self.criteria()
        fields["target_areas"] = self.target_areas()
        return fields


class DesignForm(CriteriaForm):
    """One design of a program to simulate before its budget is set."""

    unit = forms.ChoiceField(label=_("Penerima"), choices=BenefitUnit.choices)
    amount = forms.IntegerField(label=_("Nilai manfaat per penerima (Rp)"), min_value=0)
    budget = forms.IntegerField(
        label=_("Anggaran (Rp)"), min_value=0, required=False,
        help_text=_("kosong: semua yang memenuhi kriteria"),
    )  # fmt: skip


class CycleDatesForm(forms.Form):
    cycle_name = forms.CharField(label=_("Nama siklus"), max_length=100)
    starts_on = forms.DateField(
        label=_("Mulai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("Selesai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("Tanggal selesai sebelum tanggal mulai."))
        return data


class ListImportForm(CycleDatesForm):
    file = forms.FileField(
        label=_("Daftar penerima (Excel atau CSV)"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_LIST_SUFFIXES)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(ALLOWED_LIST_SUFFIXES):
            raise forms.ValidationError(
                _("File %(name)s bukan Excel atau CSV; simpan sebagai .xlsx atau .csv.")
                % {"name": upload.name}
            )
        return upload


class VerdictForm(forms.Form):
    YES_NO = [("ya", _("Ya")), ("tidak", _("Tidak"))]
    on_target = forms.ChoiceField(
        label=_("Tepat sasaran"), choices=YES_NO, widget=forms.RadioSelect
    )
    right_place = forms.ChoiceField(
        label=_("Tepat lokasi"), choices=YES_NO, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Catatan untuk OPD"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ExclusionForm(forms.Form):
    """Not for those who already receive another program (or any of a sector) within N
    years: a combination rule of the program."""

    other = forms.ChoiceField(label=_("Tidak boleh bila sudah menerima"))
    within_years = forms.IntegerField(
        label=_("dalam (tahun)"), min_value=1, max_value=20, initial=1
    )
    note = forms.CharField(label=_("Dasar aturan"), max_length=300, required=False)

    def __init__(self, *args, program: Program, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any program of the user's region may be named here (another agency's too), though
        # only its own agency opens it: a name is not the program's beneficiaries.
        named = Program.objects.all()
        if user.region_id:
            named = named.filter(Program.scoped_by.within(user.region_id))
        others = named.exclude(pk=program.pk).order_by("-year", "name")
        self.fields["other"].choices = [
            (_("Program"), [(f"program:{p.pk}", str(p)) for p in others]),
            (_("Bidang"), [(f"bidang:{value}", label) for value, label in Sector.choices]),
        ]

    def rule_fields(self) -> dict:
        kind, value = self.cleaned_data["other"].split(":", 1)
        other = (
            {"other_program": Program.objects.get(pk=int(value))}
            if kind == "program"
            else {"other_sector": value}
        )
        return {
            **other,
            "within_years": self.cleaned_data["within_years"],
            "allowed": False,
            "note": self.cleaned_data["note"],
        }
