"""Said at sign-in: an account about to expire, so that it is renewed before work stops."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _

#: How many days before its expiry an account's user is reminded at each sign-in.
EXPIRY_NOTICE = dt.timedelta(days=14)


@receiver(user_logged_in)
def remind_of_expiry(sender, request, user, **kwargs):
    expires_on = getattr(user, "expires_on", None)
    if expires_on and expires_on - timezone.localdate() <= EXPIRY_NOTICE:
        messages.warning(
            request,
            _(
                "Akun Anda berlaku sampai %(date)s. Minta sekretariat TKPK memperpanjangnya "
                "sebelum tanggal itu, dengan surat tugas yang masih berlaku."
            )
            % {"date": expires_on.strftime("%d-%m-%Y")},
        )
