"""Telling a resident what became of their request: a message when the ticket is issued and
at each step, by email when they left an address and by SMS/WhatsApp when they left a phone
number. How a message leaves is a setting (``SERVICE_SENDERS``: channel → dotted path of a
sender class), so an office plugs in its own gateway without touching the code:

- ``EmailSender``: Django's email backend (PADU_EMAIL_URL);
- ``GatewaySender``: an HTTP SMS/WhatsApp gateway that takes ``{"to", "message"}`` as JSON
  with a bearer token (PADU_PHONE_GATEWAY_URL, PADU_PHONE_GATEWAY_TOKEN);
- ``ConsoleSender``: printed on the server's console (the demo);
- ``NoSender``: kept, not sent (a phone channel with no gateway configured).

The services write each message in the request's transaction (``Notification``); it leaves
after the transaction commits, and its outcome is kept (``sent``, ``error``)."""

import json
import logging
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from padu.regions.codes import ancestor_codes

logger = logging.getLogger(__name__)


class EmailSender:
    def send(self, recipient: str, message: str, *, subject: str) -> None:
        send_mail(subject, message, None, [recipient])


class GatewaySender:
    def send(self, recipient: str, message: str, *, subject: str) -> None:
        body = json.dumps({"to": recipient, "message": message}).encode()
        request = urllib.request.Request(
            settings.SERVICE_PHONE_GATEWAY_URL,
            data=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SERVICE_PHONE_GATEWAY_TOKEN}",
            },
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status >= 300:
                raise OSError(f"gateway answered {response.status}")


class ConsoleSender:
    def send(self, recipient: str, message: str, *, subject: str) -> None:
        print(f"[pesan ke {recipient}] {message}", flush=True)


class NoSender:
    def send(self, recipient: str, message: str, *, subject: str) -> None:
        raise OSError("tidak ada gateway SMS/WhatsApp (PADU_PHONE_GATEWAY_URL)")


def tracking_url(request) -> str:
    path = reverse("service:track", args=[request.token])
    return f"{settings.PUBLIC_URL.rstrip('/')}{path}"


def ticket_issued(request, code: str) -> str:
    """The first message: the ticket, its check code and the tracking link."""
    return _(
        "Permintaan Anda diterima. Tiket %(ticket)s, kode cek %(code)s. "
        "Ikuti perkembangannya di %(url)s"
    ) % {"ticket": request.ticket, "code": code, "url": tracking_url(request)}


def status_changed(request, note: str) -> str:
    """A step's message: the new status and what the resident should know of it."""
    return _("Tiket %(ticket)s: %(status)s. %(note)s %(url)s") % {
        "ticket": request.ticket,
        "status": request.get_status_display(),
        "note": note,
        "url": tracking_url(request),
    }


def escalated(requests) -> None:
    """Tell the Dinsos officers of each overdue request's area (by email)."""
    from padu.accounts.choices import Role
    from padu.accounts.models import User

    by_officer: dict[str, list[str]] = {}
    for request in requests:
        areas = [*ancestor_codes(request.village_id), request.village_id]
        officers = User.objects.filter(
            role=Role.DINSOS_OFFICER, is_active=True, region_id__in=areas
        ).exclude(email="")
        for email in officers.values_list("email", flat=True):
            by_officer.setdefault(email, []).append(
                f"{request.ticket} ({request.get_kind_display()}, batas {request.due_on:%d-%m-%Y})"
            )
    for email, lines in by_officer.items():
        transaction.on_commit(
            lambda email=email, lines=lines: send_mail(
                _("Layanan terpadu: %(n)s permintaan lewat batas waktu") % {"n": len(lines)},
                "\n".join(lines),
                None,
                [email],
                fail_silently=True,
            )
        )
