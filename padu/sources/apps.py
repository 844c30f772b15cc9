from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "padu.sources"
    label = "sources"
    verbose_name = _("Sumber data")

    def ready(self):
        from padu.core.seeding import seed_after_migrate

        from .services import ensure_standard_datasets

        seed_after_migrate(self, lambda: ensure_standard_datasets(actor=None))
        from padu.core.signals import worker_restarted

        from . import retention  # noqa: F401  (registers its retention rules)
        from .receivers import clean_up_cut_off_imports

        worker_restarted.connect(clean_up_cut_off_imports, dispatch_uid="sources-restart")
