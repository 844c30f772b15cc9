from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "padu.welfare"
    verbose_name = _("Kesejahteraan")

    def ready(self):
        from . import panels  # noqa: F401  (registers its panel of the family page)
