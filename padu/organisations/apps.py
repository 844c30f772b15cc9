from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "padu.organisations"
    label = "organisations"
    verbose_name = _("Perangkat daerah")

    def ready(self):
        from padu.core.seeding import seed_after_migrate

        from .services import ensure_standard_agencies

        seed_after_migrate(self, lambda: ensure_standard_agencies(actor=None))
