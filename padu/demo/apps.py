from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo: a synthetic city set up end to end, with one account per role. It sits on
    top of every other app and nothing imports it."""

    name = "padu.demo"
    label = "demo"
    verbose_name = _("Demo")
