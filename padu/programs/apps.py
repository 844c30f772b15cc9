from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "padu.programs"
    label = "programs"
    verbose_name = _("Program dan intervensi")

    def ready(self):
        from padu.welfare.signals import poor_families_needs

        from . import panels, subject  # noqa: F401  (its family-page panel and subject-document section)
        from .receivers import open_referrals

        poor_families_needs.connect(open_referrals, dispatch_uid="programs.open_referrals")
