from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "padu.welfare"
    verbose_name = _("Kesejahteraan")

    def ready(self):
        from padu.core.seeding import seed_after_migrate

        from .services import ensure_poverty_lines, ensure_standard_rules

        def seed():
            ensure_poverty_lines(actor=None)
            ensure_standard_rules(actor=None)

        seed_after_migrate(self, seed)
        from . import lists, panels, subject  # noqa: F401  (its family-page panel and subject-document section, list columns)
