from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleasesConfig(AppConfig):
    name = "padu.releases"
    verbose_name = _("Rilis data")

    def ready(self):
        from padu.core.signals import worker_restarted

        from .receivers import remove_cut_off_builds

        worker_restarted.connect(remove_cut_off_builds, dispatch_uid="releases-restart")
