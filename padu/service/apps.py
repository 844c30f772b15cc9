from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServiceConfig(AppConfig):
    name = "padu.service"
    verbose_name = _("Layanan terpadu")

    def ready(self):
        from padu.verification.signals import visit_decided

        from . import panels, receivers

        visit_decided.connect(receivers.close_answered_requests, dispatch_uid="service-visit")
        panels.register()
