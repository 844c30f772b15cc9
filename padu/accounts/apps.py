from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "padu.accounts"
    label = "accounts"
    verbose_name = _("Akun dan akses")

    def ready(self):
        from . import signals  # noqa: F401  (the reminder of an account's expiry)
