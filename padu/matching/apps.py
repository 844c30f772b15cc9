from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "padu.matching"
    verbose_name = _("Pencocokan")

    def ready(self):
        from . import panels, subject  # noqa: F401  (its family-page panel and subject-document section)
