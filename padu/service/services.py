"""Every write of the one-stop service: a resident's request taken in (online or at a desk),
triaged by Dinsos to the field, to an agency or to an answer, and closed by what came of it,
with a step the resident can read for each, and a message to them when they left a number
or an address."""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass, field

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from padu.accounts import policy
from padu.accounts.models import User
from padu.accounts.policy import Action
from padu.accounts.services import village_operators
from padu.core.choices import ChangeAction
from padu.core.history import record_change
from padu.programs.models import Beneficiary, Referral
from padu.programs.services import refer_needs
from padu.registry.choices import Lifecycle, VerificationStatus
from padu.registry.models import Family, Person
from padu.registry.names import key_of
from padu.sources.choices import ProposalResult
from padu.verification.choices import VisitStatus
from padu.verification.models import Visit
from padu.verification.photos import prepare_photo
from padu.verification.services import add_to_round
from padu.welfare.models import NeedRule
from padu.welfare.services import current_results

from . import notify
from .choices import (
    CLOSED_STATUSES,
    DEADLINE,
    TICKET_PREFIX,
    Channel,
    NotificationChannel,
    RequestKind,
    RequestStatus,
)
from .models import Notification, RequestPhoto, RequestStep, ServiceRequest

logger = logging.getLogger(__name__)

#: Letters and digits that cannot be mistaken for one another when read aloud or written.
TICKET_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CHECK_CODE_DIGITS = 6


# -- taking a request in ------------------------------------------------------------------


@dataclass
class RequestDetails:
    """What a resident tells, as the form cleaned it."""

    kind: str
    village: object  # a Region of village level
    description: str
    address: str = ""
    rt: str = ""
    rw: str = ""
    subject_name: str = ""
    subject_nik: str = ""
    subject_kk: str = ""
    reporter_name: str = ""
    reporter_nik: str = ""
    phone: str = ""
    email: str = ""
    latitude: float | None = None
    longitude: float | None = None
    gps_accuracy_m: float | None = None
    program: object = None
    photos: list = field(default_factory=list)


def _check_code_hash(code: str) -> str:
    return salted_hmac("padu.service.check-code", code).hexdigest()


def _new_ticket(kind: str, today: dt.date) -> str:
    while True:
        suffix = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(4))
        ticket = f"{TICKET_PREFIX[kind]}-{today:%y%m%d}-{suffix}"
        if not ServiceRequest.objects.filter(ticket=ticket).exists():
            return ticket


def _resident_of(village, nik: str, name: str) -> bool:
    """Whether the registry has a living person of this NIK and name in ``village``."""
    person = (
        Person.objects.filter(nik=nik, lifecycle=Lifecycle.ACTIVE, family__village=village)
        .only("name_key")
        .first()
    )
    return person is not None and names_agree(name, person.name_key)


def names_agree(written: str, name_key: str) -> bool:
    """A name as a resident writes it against the registry's name key: the same key (Moh. and
    Muhammad, oe and u fold alike), or every word of a name of two words or more."""
    typed = key_of(written).split()
    stored = name_key.split()
    if not typed or not stored:
        return False
    return typed == stored or (len(typed) >= 2 and set(typed) <= set(stored))


def _check_details(details: RequestDetails, channel: str) -> None:
    problems = {}
    if details.kind == RequestKind.OBJECTION:
        if not (details.reporter_nik and details.reporter_name):
            problems["reporter_nik"] = _(
                "Sanggahan perlu NIK dan nama Anda: sanggahan hanya dari warga desa/kelurahan yang sama."
            )
        elif not _resident_of(details.village, details.reporter_nik, details.reporter_name):
            problems["reporter_nik"] = _(
                "Sanggahan hanya dapat diajukan oleh warga %(village)s, dan NIK serta nama Anda "
                "tidak tercatat sebagai warga %(village)s. Periksa NIK dan nama seperti di KTP; "
                "bila Anda warga %(village)s tetapi belum tercatat, datanglah ke kantor "
                "kelurahan/desa dengan KTP dan KK."
            ) % {"village": details.village.name}
        if not details.photos:
            problems["photos"] = _("Sanggahan perlu foto rumah keluarga yang disanggah.")
        if channel == Channel.ONLINE and details.latitude is None:
            problems["latitude"] = _(
                "Sanggahan perlu lokasi rumah: tekan “Ambil lokasi saya” di depan rumahnya."
            )
    if details.kind == RequestKind.PROPOSAL and not details.photos:
        problems["photos"] = _("Usulan perlu foto rumah keluarga yang diusulkan.")
    if details.kind in (RequestKind.PROPOSAL, RequestKind.OBJECTION):
        if not details.subject_name:
            problems["subject_name"] = _("Tulis nama kepala keluarga yang dimaksud.")
        if details.kind == RequestKind.PROPOSAL and not details.address:
            problems["address"] = _("Tulis alamat keluarga yang diusulkan.")
    if problems:
        raise ValidationError(problems)


def _same_request(details: RequestDetails) -> ServiceRequest | None:
    """An open request of the same kind about the same family (by its NIK or No KK)."""
    numbers = Q()
    if details.subject_nik:
        numbers |= Q(subject_nik=details.subject_nik)
    if details.subject_kk:
        numbers |= Q(subject_kk=details.subject_kk)
    if not numbers or details.kind not in (RequestKind.PROPOSAL, RequestKind.OBJECTION):
        return None
    return (
        ServiceRequest.objects.open()
        .filter(numbers, kind=details.kind, village=details.village, duplicate_of__isnull=True)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def submit_request(
    details: RequestDetails,
    *,
    actor=None,
    channel: str = Channel.ONLINE,
    received_on: dt.date | None = None,
) -> tuple[ServiceRequest, str]:
    """Take a request in; returns it and its check code (shown once, kept only as a hash).
    ``actor`` is the desk officer who recorded it for a walk-in resident, None online; a
    desk may date it to the day a paper form was handed in (``received_on``), from which
    its deadline runs. A request about a family that an open one of the same kind already
    names is joined to it."""
    if channel == Channel.DESK:
        if not policy.allows(actor, ServiceRequest, Action.RECEIVE):
            raise PermissionDenied(_("Hanya petugas loket yang mencatat permintaan warga."))
        if not policy.covers(actor, details.village.code):
            raise PermissionDenied(_("Desa/kelurahan ini di luar wilayah kerja Anda."))
    _check_details(details, channel)
    today = timezone.localdate()
    received_on = _received_on(received_on, channel, today)
    code = "".join(secrets.choice("0123456789") for _ in range(CHECK_CODE_DIGITS))
    same = _same_request(details)
    written = {name: value for name, value in vars(details).items() if name != "photos"}
    request = ServiceRequest.objects.create(
        **written,
        ticket=_new_ticket(details.kind, today),
        check_code_hash=_check_code_hash(code),
        channel=channel,
        family=_family_named(details),
        received_on=received_on,
        due_on=received_on + DEADLINE[RequestKind(details.kind)],
        recorded_by=actor if channel == Channel.DESK else None,
    )
    for upload in details.photos:
        _store_photo(request, upload)
    _step(
        request,
        RequestStatus.RECEIVED,
        note=_("Permintaan diterima. Batas waktu jawaban: %(due)s.")
        % {"due": request.due_on.strftime("%d-%m-%Y")},
        actor=actor,
    )
    if same is not None:
        _join(request, same, actor=actor)
    record_change(
        request,
        actor=actor,
        action=ChangeAction.CREATE,
        after={"jenis": request.kind, "desa": request.village_id, "saluran": channel},
        origin="layanan terpadu",
    )
    _tell(request, notify.ticket_issued(request, code))
    return request, code


#: How far back a desk may date a paper form.
MAX_PAPER_AGE = dt.timedelta(days=60)


def _received_on(day: dt.date | None, channel: str, today: dt.date) -> dt.date:
    if day is None or day == today:
        return today
    if channel != Channel.DESK:
        raise ValidationError(_("Hanya loket yang mencatat tanggal terima yang lain."))
    if day > today or day < today - MAX_PAPER_AGE:
        raise ValidationError(
            {
                "received_on": _(
                    "Tanggal diterima paling lama %(days)s hari yang lalu, dan tidak di masa depan."
                )
                % {"days": MAX_PAPER_AGE.days}
            }
        )
    return day


def _family_named(details: RequestDetails) -> Family | None:
    """The registry's family the resident named by NIK or No KK in that village, if any:
    for the officer, never shown to the resident."""
    if details.subject_kk:
        found = Family.objects.filter(kk_number=details.subject_kk, village=details.village).first()
        if found:
            return found
    if details.subject_nik:
        person = (
            Person.objects.filter(nik=details.subject_nik, family__village=details.village)
            .select_related("family")
            .first()
        )
        if person:
            return person.family
    return None


def _store_photo(request: ServiceRequest, upload) -> RequestPhoto:
    """The photo re-encoded without its EXIF; its time and place kept apart, for staff."""
    prepared = prepare_photo(upload)
    photo = RequestPhoto(
        request=request,
        taken_at=prepared.taken_at,
        latitude=prepared.latitude,
        longitude=prepared.longitude,
    )
    photo.image.save(f"{request.ticket}.jpg", prepared.content, save=False)
    photo.save()
    return photo


# -- telling the resident -----------------------------------------------------------------


def _tell(request: ServiceRequest, text: str) -> None:
    """Write the message to each address the resident left; it leaves after the commit."""
    recipients = [
        (NotificationChannel.EMAIL, request.email),
        (NotificationChannel.PHONE, request.phone),
    ]
    written = [
        Notification.objects.create(request=request, channel=channel, recipient=to, message=text)
        for channel, to in recipients
        if to
    ]
    if written:
        subject = _("Layanan terpadu: tiket %(ticket)s") % {"ticket": request.ticket}
        transaction.on_commit(lambda: _send(written, subject))


def _send(notifications: list[Notification], subject: str) -> None:
    for notification in notifications:
        sender = import_string(settings.SERVICE_SENDERS[notification.channel])()
        try:
            sender.send(notification.recipient, notification.message, subject=subject)
        except Exception as error:  # a gateway's failure is the message's, never the request's
            logger.warning("pemberitahuan %s gagal: %s", notification.pk, error)
            notification.error = str(error)[:300]
        else:
            notification.sent = True
        notification.save(update_fields=["sent", "error"])


# -- the resident's key -------------------------------------------------------------------


def request_by_ticket(ticket: str, code: str) -> ServiceRequest | None:
    """The request of this ticket when the check code is its own; None otherwise (alike for
    an unknown ticket and a wrong code)."""
    request = ServiceRequest.objects.filter(ticket=ticket.strip().upper()).first()
    expected = request.check_code_hash if request else _check_code_hash("-")
    if not constant_time_compare(expected, _check_code_hash(code.strip())):
        return None
    return request


# -- the status check ---------------------------------------------------------------------


#: The desil bands residents are told, after the national registry's words.
DESIL_BANDS = {
    1: _("sangat miskin"),
    2: _("miskin"),
    3: _("hampir miskin"),
    4: _("rentan miskin"),
}


@dataclass(frozen=True)
class StatusAnswer:
    """What a resident is told of their family: whether it is in the registry, its desil
    band, the programs it receives."""

    desil: int | None
    band: str
    programs: list[tuple[str, str]]
    verified_on: dt.date | None


def check_status(*, nik: str, name: str = "", kk_number: str = "", village) -> StatusAnswer | None:
    """The answer for a NIK and a second fact (the name, or the No KK) in ``village``, or
    None. None alike for an unknown NIK, a known NIK with a wrong second fact and a family
    elsewhere: the answer says nothing unless both facts match."""
    person = (
        Person.objects.filter(nik=nik, lifecycle=Lifecycle.ACTIVE)
        .select_related("family")
        .only("name_key", "family__kk_number", "family__village_id", "family__verified_on")
        .first()
    )
    matched = person is not None and person.family.village_id == village.code
    if matched:
        matched = (bool(kk_number) and person.family.kk_number == kk_number) or (
            bool(name) and names_agree(name, person.name_key)
        )
    if not matched:
        return None
    family = person.family
    result = current_results().filter(family=family).only("desil").first()
    desil = result.desil if result else None
    programs = [
        (program, period or _("tanpa periode"))
        for program, period in Beneficiary.objects.filter(family=family, membership="terdaftar")
        .values_list("cycle__program__name", "cycle__name")
        .distinct()
        .order_by("cycle__program__name")[:20]
    ]
    return StatusAnswer(
        desil=desil,
        band=DESIL_BANDS.get(desil, _("tidak miskin")) if desil else _("belum dinilai"),
        programs=programs,
        verified_on=family.verified_on,
    )


# -- triage -------------------------------------------------------------------------------


def _triage(request: ServiceRequest, actor) -> ServiceRequest:
    policy.require(actor, request, Action.CHANGE)
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.is_closed:
        raise ValidationError(_("Permintaan ini sudah selesai."))
    return request


def _step(request, status, *, note="", staff_note="", actor=None) -> RequestStep:
    """One step of the request's history (``note``: the resident's words for it)."""
    return RequestStep.objects.create(
        request=request, status=status, note=note, staff_note=staff_note, actor=actor
    )


def _move(request: ServiceRequest, status: str, *, note: str, actor, staff_note="") -> None:
    """Set the request's status, write its step and tell the resident."""
    request.status = status
    if status in CLOSED_STATUSES and request.closed_at is None:
        request.closed_at = timezone.now()
    request.save()
    _step(request, status, note=note, staff_note=staff_note, actor=actor)
    record_change(
        request, actor=actor, action=ChangeAction.UPDATE, after={"status": status}, origin="layanan"
    )
    _tell(request, notify.status_changed(request, note))
    for joined in request.duplicates.all():
        _step(joined, RequestStatus.JOINED, note=note, actor=actor)
        _tell(joined, notify.status_changed(joined, note))


@transaction.atomic
def link_family(request: ServiceRequest, family: Family, *, actor) -> ServiceRequest:
    """The officer says which registry family the request is about."""
    request = _triage(request, actor)
    if not Family.objects.restrict(actor, Action.VIEW).filter(pk=family.pk).exists():
        raise PermissionDenied(_("Keluarga ini di luar wilayah kerja Anda."))
    request.family = family
    request.save(update_fields=["family", "updated_at"])
    record_change(request, actor=actor, action=ChangeAction.UPDATE, after={"keluarga": family.pk})
    return request


@transaction.atomic
def send_to_verivali(
    request: ServiceRequest, *, actor, operator: User | None = None
) -> ServiceRequest:
    """A proposal or objection goes to the field: a family in the registry joins the open
    verivali round (its village's operator visits it); a family no source lists becomes the
    named operator's task, to visit and propose (usulan baru)."""
    request = _triage(request, actor)
    if request.kind not in (RequestKind.PROPOSAL, RequestKind.OBJECTION):
        raise ValidationError(_("Hanya usulan dan sanggahan yang diperiksa di lapangan."))
    if request.family_id:
        assignment = add_to_round(request.family, actor=actor, origin=f"layanan {request.ticket}")
        request.assignment = assignment
        request.operator_id = assignment.operator_id or (operator.pk if operator else None)
    else:
        if request.kind == RequestKind.OBJECTION:
            raise ValidationError(
                _(
                    "Sanggahan harus tertaut ke keluarga di registri: cari dan pilih keluarganya dulu."
                )
            )
        if (
            operator is None
            or not village_operators(request.village_id).filter(pk=operator.pk).exists()
        ):
            raise ValidationError(
                _("Pilih operator yang bertugas di %(village)s.")
                % {"village": request.village.name}
            )
        request.operator = operator
    _move(
        request,
        RequestStatus.IN_VERIVALI,
        note=_(
            "Diteruskan ke petugas %(village)s: rumah keluarga yang dimaksud akan dikunjungi, "
            "lalu dibahas dalam musyawarah desa/kelurahan."
        )
        % {"village": request.village.name},
        actor=actor,
    )
    return request


@transaction.atomic
def refer_request(request: ServiceRequest, rule: NeedRule, *, actor, note: str = "") -> Referral:
    """A need the resident raised goes to the agency (OPD) responsible, as a referral."""
    request = _triage(request, actor)
    if request.family_id is None:
        raise ValidationError(_("Pilih dulu keluarga di registri yang dimaksud."))
    reason = f"{rule.label} (layanan {request.ticket})"
    refer_needs(
        pl.DataFrame({"family_id": [request.family_id], "rule_id": [rule.pk], "reason": [reason]}),
        actor=actor,
    )
    referral = (
        Referral.objects.filter(family_id=request.family_id, rule=rule)
        .exclude(status__in=["selesai", "ditolak"])
        .get()
    )
    request.referral = referral
    _move(
        request,
        RequestStatus.REFERRED,
        note=note or _("Diteruskan ke %(agency)s untuk ditindaklanjuti.") % {"agency": rule.agency},
        actor=actor,
    )
    return referral


@transaction.atomic
def answer_request(
    request: ServiceRequest, *, answer: str, actor, outcome: str = RequestStatus.ANSWERED
) -> ServiceRequest:
    """Close a request with an answer: a question answered, a complaint settled
    (``ANSWERED``), or a request not granted (``REJECTED``, the answer its reason)."""
    request = _triage(request, actor)
    if not answer.strip():
        raise ValidationError(_("Tuliskan jawaban untuk pemohon."))
    if outcome not in (RequestStatus.ANSWERED, RequestStatus.REJECTED, RequestStatus.GRANTED):
        raise ValidationError(_("Hasil tidak dikenal."))
    request.answer = answer.strip()
    _move(request, outcome, note=request.answer, actor=actor)
    return request


def _join(request: ServiceRequest, into: ServiceRequest, *, actor) -> RequestStep:
    request.duplicate_of = into
    request.status = RequestStatus.JOINED
    request.closed_at = timezone.now()
    request.save()
    return _step(
        request,
        RequestStatus.JOINED,
        note=_(
            "Permintaan yang sama sudah diajukan (tiket %(ticket)s); keduanya diperiksa "
            "bersama dan hasilnya tampil di sini."
        )
        % {"ticket": into.ticket},
        actor=actor,
    )


@transaction.atomic
def join_request(request: ServiceRequest, *, into: ServiceRequest, actor) -> ServiceRequest:
    """Join a duplicate to the request it repeats: it follows that one's steps."""
    request = _triage(request, actor)
    policy.require(actor, into, Action.CHANGE)
    if into.pk == request.pk or into.duplicate_of_id or into.kind != request.kind:
        raise ValidationError(_("Gabungkan hanya dengan permintaan lain yang sejenis."))
    step = _join(request, into, actor=actor)
    request.duplicates.update(duplicate_of=into)
    record_change(request, actor=actor, action=ChangeAction.UPDATE, after={"digabung": into.ticket})
    _tell(request, notify.status_changed(request, step.note))
    return request


def possible_duplicates(request: ServiceRequest):
    """Open requests of the same kind and village about a family of the same name (the
    officer decides whether to join them)."""
    key = key_of(request.subject_name)
    if not key:
        return ServiceRequest.objects.none()
    candidates = (
        ServiceRequest.objects.open()
        .filter(kind=request.kind, village_id=request.village_id, duplicate_of__isnull=True)
        .exclude(pk=request.pk)
        .only("ticket", "subject_name", "rt", "rw", "created_at")
    )
    return [c for c in candidates[:200] if key_of(c.subject_name) == key]


# -- the field's answer -------------------------------------------------------------------


@transaction.atomic
def record_proposal_visit(request: ServiceRequest, visit: Visit, *, actor) -> ServiceRequest:
    """The operator visited the family a resident proposed and recorded it as a new family
    (``verification.services.propose_family``)."""
    policy.require(actor, request, Action.VIEW)
    if request.operator_id != actor.pk:
        raise PermissionDenied(_("Permintaan ini tidak ditugaskan kepada Anda."))
    request.visit = visit
    request.save(update_fields=["visit", "updated_at"])
    record_change(request, actor=actor, action=ChangeAction.UPDATE, after={"kunjungan": visit.pk})
    step = _step(
        request,
        RequestStatus.IN_VERIVALI,
        note=_("Rumah telah dikunjungi petugas; menunggu musyawarah dan persetujuan Dinsos."),
        actor=actor,
    )
    _tell(request, notify.status_changed(request, step.note))
    return request


#: What a visit's outcome means for the request that sent it (an objection is upheld when
#: the family was found not to be eligible).
_UPHOLDS_OBJECTION = {
    VerificationStatus.NOT_ELIGIBLE,
    VerificationStatus.WELL_OFF,
    VerificationStatus.DECEASED,
    VerificationStatus.MOVED,
    VerificationStatus.NOT_FOUND,
}


def close_by_visit(visit: Visit, *, actor) -> int:
    """Close the open requests the decided ``visit`` answers; returns how many."""
    waiting = ServiceRequest.objects.select_for_update().filter(
        Q(visit=visit) | Q(assignment_id=visit.assignment_id, assignment__isnull=False),
        status=RequestStatus.IN_VERIVALI,
    )
    closed = 0
    for request in waiting:
        request.visit = visit
        outcome = visit.get_outcome_display()
        if visit.status == VisitStatus.RETURNED:
            request.save(update_fields=["visit", "updated_at"])
            _step(
                request,
                RequestStatus.IN_VERIVALI,
                note=_("Hasil kunjungan diperiksa ulang oleh petugas."),
                staff_note=visit.return_reason,
                actor=actor,
            )
            continue
        if request.kind == RequestKind.OBJECTION:
            upheld = visit.outcome in _UPHOLDS_OBJECTION
            note = (
                _("Sanggahan terbukti: hasil pemeriksaan lapangan “%(outcome)s”; data diperbarui.")
                if upheld
                else _("Sanggahan tidak terbukti: hasil pemeriksaan lapangan “%(outcome)s”.")
            ) % {"outcome": outcome}
        else:
            upheld = visit.outcome in (VerificationStatus.NEW, VerificationStatus.ELIGIBLE)
            note = (
                _(
                    "Usulan disetujui: keluarga masuk data terpadu setelah diperiksa (“%(outcome)s”)."
                )
                if upheld
                else _("Usulan tidak disetujui: hasil pemeriksaan lapangan “%(outcome)s”.")
            ) % {"outcome": outcome}
        _move(
            request,
            RequestStatus.GRANTED if upheld else RequestStatus.REJECTED,
            note=note,
            actor=actor,
        )
        closed += 1
    return closed


# -- the national system's answers ---------------------------------------------------------


@dataclass(frozen=True)
class NationalResult:
    """One row of SIKS-NG's results of usulan and sanggahan (layout siks-ng-hasil-usulan)."""

    nik: str
    kind: str  # ProposalKind; "" when the file does not say
    result: str  # ProposalResult
    reason: str = ""
    desil: int | None = None


#: The requests a national result answers: those the region sent up (not joined to another,
#: not handed to an agency), still open or closed by the region's own decision.
_AWAITING_NATION = (
    RequestStatus.RECEIVED,
    RequestStatus.IN_VERIVALI,
    RequestStatus.ANSWERED,
    RequestStatus.GRANTED,
    RequestStatus.REJECTED,
)


@transaction.atomic
def record_national_results(results: list[NationalResult], *, actor, batch=None) -> int:
    """Answer each resident's usulan or sanggahan about a NIK with the national result for
    it: a step in its history, its status (an accepted usulan or an upheld sanggahan is
    granted, a refused one is not), and a message to the resident. The same result read
    again (a re-import) is not recorded twice. Returns how many requests it answered."""
    by_nik = {row.nik: row for row in results if row.nik and row.result}
    if not by_nik:
        return 0
    waiting = ServiceRequest.objects.select_for_update().filter(
        subject_nik__in=list(by_nik),
        kind__in=[RequestKind.PROPOSAL, RequestKind.OBJECTION],
        status__in=_AWAITING_NATION,
    )
    answered = 0
    for request in waiting:
        row = by_nik[request.subject_nik]
        if (row.kind and row.kind != request.kind) or request.national_result == row.result:
            continue
        accepted = row.result == ProposalResult.ACCEPTED
        what = _("Usulan") if request.kind == RequestKind.PROPOSAL else _("Sanggahan")
        note = _("Hasil Kemensos (SIKS-NG): %(what)s %(result)s") % {
            "what": what.lower(),
            "result": ProposalResult(row.result).label.lower(),
        }
        if accepted and row.desil:
            note += _(", desil %(desil)s") % {"desil": row.desil}
        if row.reason:
            note += f": {row.reason}"
        request.national_result, request.national_batch = row.result, batch
        status = RequestStatus.GRANTED if accepted else RequestStatus.REJECTED
        _move(request, status, note=f"{note}.", actor=actor,
              staff_note=f"impor batch #{batch.pk}" if batch else "")  # fmt: skip
        answered += 1
    return answered


# -- deadlines ----------------------------------------------------------------------------


@transaction.atomic
def escalate_overdue(*, actor=None, today: dt.date | None = None) -> int:
    """Mark the open requests past their deadline as escalated and tell the Dinsos officers
    of their area; each request once. Returns how many."""
    overdue = list(
        ServiceRequest.objects.overdue(today)
        .filter(escalated_at__isnull=True)
        .select_related("village")
        .select_for_update()
    )
    now = timezone.now()
    for request in overdue:
        request.escalated_at = now
        request.save(update_fields=["escalated_at", "updated_at"])
        record_change(
            request, actor=actor, action=ChangeAction.UPDATE, after={"dieskalasi": str(now)}
        )
        _step(
            request,
            request.status,
            staff_note=_("Lewat batas waktu %(due)s: dieskalasi ke pimpinan Dinsos.")
            % {"due": request.due_on.strftime("%d-%m-%Y")},
            actor=actor,
        )
    notify.escalated(overdue)
    return len(overdue)
