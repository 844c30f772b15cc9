from django import forms
from django.utils.translation import gettext_lazy as _

from padu.regions.choices import RegionLevel
from padu.regions.models import Region
from padu.registry.queries import regencies_with_families

from .models import NeedRule
from .needs import (
    FIELDS,
    OPERATOR_WORDS,
    check_conditions,
    field_labels,
    in_sentence,
    value_label,
)
from .services import DEFAULT_YEAR


class StartClassificationForm(forms.Form):
    """What to classify: a regency/city of the user's scope (each is fitted and ranked on
    its own), or every one for a user without a region."""

    region = forms.ModelChoiceField(
        label=_("Kabupaten/kota"),
        queryset=Region.objects.none(),
        required=False,
        empty_label=_("Semua kabupaten/kota"),
    )
    refit = forms.BooleanField(
        label=_("Latih model PMT baru"),
        required=False,
        initial=True,
        help_text=_(
            "Ya: versi model baru dari data hari ini (hasil versi lama tetap tersimpan). "
            "Tidak: pakai versi terakhir, mis. setelah verivali disetujui."
        ),
    )
    year = forms.IntegerField(
        label=_("Tahun garis kemiskinan"), initial=DEFAULT_YEAR, min_value=2000, max_value=2100
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regencies = Region.objects.filter(
            level=RegionLevel.REGENCY, code__in=regencies_with_families()
        )
        if user.region_id:
            regencies = regencies.filter(code__within=user.region_id)
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
        self.fields["region"].queryset = regencies.order_by("code")


#: How many conditions the rule form offers (the standard rules use at most four).
RULE_CONDITION_ROWS = 6


def _condition_rows() -> dict:
    """The form fields of the condition rows: data, how, values (declared on the class, as
    the admin requires)."""
    field_choices = [("", "—"), *FIELDS.items()]
    operator_choices = [("in", "adalah salah satu dari"), *list(OPERATOR_WORDS.items())[1:]]
    rows = {}
    for i in range(1, RULE_CONDITION_ROWS + 1):
        rows[f"field_{i}"] = forms.ChoiceField(
            label=_("Syarat %(n)s: data") % {"n": i}, choices=field_choices, required=False
        )
        rows[f"op_{i}"] = forms.ChoiceField(
            label=_("cara"), choices=operator_choices, required=False
        )
        rows[f"value_{i}"] = forms.CharField(
            label=_("nilai"),
            required=False,
            help_text=_("beberapa nilai dipisah koma; ya/tidak untuk menerima program"),
        )
    return rows


class _NeedRuleForm(forms.ModelForm):
    """A need rule with its conditions as rows a person fills (what, how, which values),
    read back as sentences, instead of JSON typed by hand."""

    class Meta:
        model = NeedRule
        fields = ["code", "dimension", "label", "agency", "match", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        existing = list(self.instance.conditions or []) if self.instance.pk else []
        for i, condition in enumerate(existing[:RULE_CONDITION_ROWS], start=1):
            self.initial[f"field_{i}"] = condition.get("field", "")
            self.initial[f"op_{i}"] = condition.get("op", "in")
            self.initial[f"value_{i}"] = _shown_values(condition)

    def clean(self):
        cleaned = super().clean()
        conditions = []
        for i in range(1, RULE_CONDITION_ROWS + 1):
            field, op = cleaned.get(f"field_{i}"), cleaned.get(f"op_{i}") or "in"
            if not field:
                continue
            try:
                value = _read_values(field, op, cleaned.get(f"value_{i}", ""))
            except ValueError as error:
                self.add_error(f"value_{i}", str(error))
                continue
            conditions.append({"field": field, "op": op, "value": value})
        if not conditions:
            raise forms.ValidationError(_("Isi sedikitnya satu syarat."))
        problems = check_conditions(conditions)
        if problems:
            raise forms.ValidationError(problems)
        self.instance.conditions = conditions
        return cleaned


NeedRuleForm = type("NeedRuleForm", (_NeedRuleForm,), _condition_rows())


def _shown_values(condition: dict) -> str:
    value = condition["value"]
    values = value if isinstance(value, list) else [value]
    return ", ".join(value_label(condition["field"], v) for v in values)


def _read_values(field: str, op: str, text: str):
    """A row's values as the rule stores them: codes for a list of choices (a code or its
    label accepted), a number, or yes/no."""
    words = [w.strip() for w in text.split(",") if w.strip()]
    if not words:
        raise ValueError(_("Isi nilainya."))
    labels = field_labels(field)
    if labels is not None:
        by_label = {label.lower(): code for code, label in labels.items()}
        codes = set(labels)
        read = []
        for word in words:
            code = word if word in codes else by_label.get(word.lower())
            if code is None:
                raise ValueError(
                    _("%(word)s bukan pilihan %(field)s; pilih dari: %(options)s")
                    % {"word": word, "field": FIELDS[field],
                       "options": ", ".join(in_sentence(label) for label in labels.values())}
                )  # fmt: skip
            read.append(code)
        return read if op == "in" else read[0]
    if field.startswith("receives_"):
        answers = {"ya": True, "tidak": False}
        if words[0].lower() not in answers:
            raise ValueError(_("Tulis ya atau tidak."))
        return answers[words[0].lower()]
    try:
        numbers = [float(w.replace(",", ".")) for w in words]
    except ValueError:
        raise ValueError(_("Tulis angka, mis. 0 atau 7,2.")) from None
    numbers = [int(n) if n.is_integer() else n for n in numbers]
    return numbers if op == "in" else numbers[0]
