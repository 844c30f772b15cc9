from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "padu.service"
    verbose_name = _("Layanan terpadu")

    def ready(self):
        from padu.sources.signals import batch_published
        from padu.verification.signals import visit_decided

        from . import panels, receivers

        visit_decided.connect(receivers.close_answered_requests, dispatch_uid="service-visit")
        batch_published.connect(
            receivers.answer_with_national_results, dispatch_uid="service-national-results"
        )
        panels.register()
