from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerificationConfig(AppConfig):
    name = "padu.verification"
    label = "verification"
    verbose_name = _("Verifikasi dan validasi (verivali)")

    def ready(self):
        from . import panels, retention, subject  # noqa: F401  (its panel, retention rule and subject section)
