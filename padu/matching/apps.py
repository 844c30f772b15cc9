from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "padu.matching"
    verbose_name = _("Pencocokan")

    def ready(self):
        from . import panels  # noqa: F401  (registers its panel of the family page)
