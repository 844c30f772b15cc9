from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "padu.matching"
    verbose_name = _("Pencocokan")

    def ready(self):
        from padu.core.signals import worker_restarted

        from . import panels, subject  # noqa: F401  (its family-page panel and subject-document section)
        from .receivers import remove_cut_off_spill

        worker_restarted.connect(remove_cut_off_spill, dispatch_uid="matching-restart")
