from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SynthConfig(AppConfig):
    name = "padu.synth"
    label = "synth"
    verbose_name = _("Data sintetis")
