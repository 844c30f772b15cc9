from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "padu.programs"
    label = "programs"
    verbose_name = _("Program dan intervensi")

    def ready(self):
        from padu.welfare.signals import poor_families_needs

        from . import panels  # noqa: F401  (registers the family page's referral panel)
        from .receivers import open_referrals

        poor_families_needs.connect(open_referrals, dispatch_uid="programs.open_referrals")
