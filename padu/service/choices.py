import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    PROPOSAL = "usulan", _("Usulan keluarga (usulan mandiri)")
    OBJECTION = "sanggah", _("Sanggahan")
    COMPLAINT = "pengaduan", _("Pengaduan")
    QUESTION = "pertanyaan", _("Pertanyaan")


#: The kinds of request as they appear in addresses (/layanan/usul/).
KIND_SLUGS = {
    "usul": RequestKind.PROPOSAL,
    "sanggah": RequestKind.OBJECTION,
    "pengaduan": RequestKind.COMPLAINT,
    "tanya": RequestKind.QUESTION,
}

#: The first letter of a ticket number says its kind at a glance (U-261205-7K3M).
TICKET_PREFIX = {
    RequestKind.PROPOSAL: "U",
    RequestKind.OBJECTION: "S",
    RequestKind.COMPLAINT: "P",
    RequestKind.QUESTION: "T",
}

#: How long the government has to answer, by kind. An objection lapses after 14 days
#: (the national registry's rule); the others are Padu's service standard.
DEADLINE = {
    RequestKind.PROPOSAL: dt.timedelta(days=30),
    RequestKind.OBJECTION: dt.timedelta(days=14),
    RequestKind.COMPLAINT: dt.timedelta(days=14),
    RequestKind.QUESTION: dt.timedelta(days=7),
}


class Channel(models.TextChoices):
    ONLINE = "daring", _("Daring (ponsel/komputer)")
    DESK = "loket", _("Loket layanan")


class RequestStatus(models.TextChoices):
    RECEIVED = "diterima", _("Diterima, menunggu ditelaah")
    IN_VERIVALI = "verivali", _("Diperiksa di lapangan (verivali)")
    REFERRED = "dirujuk", _("Diteruskan ke OPD")
    ANSWERED = "dijawab", _("Dijawab")
    GRANTED = "dikabulkan", _("Selesai: dikabulkan")
    REJECTED = "ditolak", _("Selesai: tidak dikabulkan")
    JOINED = "digabung", _("Digabung dengan permintaan lain")


#: A request in one of these needs nothing more from the service (a referred one is the
#: agency's to act on: its tracking page follows the referral).
CLOSED_STATUSES = frozenset(
    {
        RequestStatus.REFERRED,
        RequestStatus.ANSWERED,
        RequestStatus.GRANTED,
        RequestStatus.REJECTED,
        RequestStatus.JOINED,
    }
)


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "ponsel", _("SMS/WhatsApp")
