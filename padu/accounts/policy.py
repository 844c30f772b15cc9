"""Who may do what to which records: one table, role × action × scope, read by
``Model.objects.restrict(user, action)`` (the one door to personal data, after NetBox).

A model that holds or reveals personal data uses ``RestrictedQuerySet`` and says, in
``scoped_by``, how its rows are placed: by region (a region-code path, or several that must
all lie in the scope), by agency, by owner. ``POLICY`` grants each role, per model and
action, one scope:

- ``region``: rows in the user's region subtree (an administrator without a region: all);
- ``agency``: rows addressed to the user's agency (OPD), within their region when set;
- ``own``: rows assigned to the user themself, within their region;
- ``referred``: rows of a family with an open referral to the user's agency, within their
  region (an agency officer acts on the family it was sent, and on no other).

Anything the table does not grant is refused: an unknown model, action or role, an
inactive or anonymous user, a user whose region or agency is not set. The administrator
role (and a superuser) holds every action on every model, within their region if they
have one. Changing what a role may do is a change to this table, reviewed like code.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Role


class Action(models.TextChoices):
    VIEW = "view", _("lihat")
    CHANGE = "change", _("ubah")
    CHECK = "check", _("periksa")
    APPROVE = "approve", _("setujui")
    EXPORT = "export", _("ekspor")
    #: NIK and No KK whole in lists and files (to the others: masked, revealed by a click
    #: that is logged with its purpose).
    REVEAL = "reveal", _("tampilkan NIK utuh")
    #: Take a resident's request in at a service desk (loket).
    RECEIVE = "receive", _("terima di loket")


class Scope(models.TextChoices):
    REGION = "region", _("wilayah kerjanya dan di bawahnya")
    AGENCY = "agency", _("yang ditujukan ke OPD-nya, di wilayah kerjanya")
    OWN = "own", _("tugasnya sendiri, di wilayah kerjanya")
    REFERRED = "referred", _("keluarga yang dirujuk ke OPD-nya, selama rujukannya terbuka")


#: The model whose open rows (``open_to_agency``) let an agency see a family; named by
#: label because referrals live in an app above this one.
REFERRAL_MODEL = "programs.referral"


RegionPath = str | tuple[str, ...] | Callable[[str], Q]


@dataclass(frozen=True)
class ScopedBy:
    """How a model's rows are placed, for the scopes of the policy.

    ``region``: the path to a region code (``"family__village__code"``), several paths that
    must all lie in the scope (a pair of records), a function from a region code to a
    filter, or None for rows that have no place (a matching run: role decides alone).
    ``agency``: the path to the agency the row is addressed to. ``owner``: the path to the
    user it is assigned to. ``family``: the path to the id of the family the row belongs to
    (``"pk"`` for a family), for the ``referred`` scope.
    """

    region: RegionPath | None
    agency: str | None = None
    owner: str | None = None
    family: str | None = None

    def within(self, code: str) -> Q:
        if self.region is None:
            return Q()
        if callable(self.region):
            return self.region(code)
        paths = (self.region,) if isinstance(self.region, str) else self.region
        condition = Q()
        for path in paths:
            condition &= Q(**{f"{path}__within": code})
        return condition


_READERS = {
    Role.DATA_CUSTODIAN: Scope.REGION,
    Role.DINSOS_OFFICER: Scope.REGION,
    Role.VILLAGE_OPERATOR: Scope.REGION,
    Role.VERIFIER: Scope.REGION,
}
_EXPORTERS = {
    Role.DATA_CUSTODIAN: Scope.REGION,
    Role.DINSOS_OFFICER: Scope.REGION,
    Role.VERIFIER: Scope.REGION,
}
_CUSTODIAN = {Role.DATA_CUSTODIAN: Scope.REGION}
_DINSOS = {Role.DINSOS_OFFICER: Scope.REGION}
_FIELD_WORK = {
    Role.DINSOS_OFFICER: Scope.REGION,
    Role.VILLAGE_OPERATOR: Scope.OWN,
    Role.DATA_CUSTODIAN: Scope.REGION,
    Role.VERIFIER: Scope.REGION,
}
_OPERATOR = {Role.VILLAGE_OPERATOR: Scope.OWN}
#: Those who plan and check programs across agencies (a village operator's work is the
#: field, not the programs).
_PLANNERS = {
    Role.DATA_CUSTODIAN: Scope.REGION,
    Role.DINSOS_OFFICER: Scope.REGION,
    Role.VERIFIER: Scope.REGION,
}
#: Readers, and an agency officer for the families referred to their agency.
_READERS_AND_REFERRED = {**_READERS, Role.AGENCY_OFFICER: Scope.REFERRED}

#: model label → action → role → scope. The administrator holds everything (see above).
POLICY: dict[str, dict[str, dict[str, Scope]]] = {
    # The golden records: whoever works with families in a region reads them; they change
    # only through services (matching, approved visits), never through a form.
    # An agency officer reads a family only while a referral to their agency is open.
    "registry.family": {Action.VIEW: _READERS_AND_REFERRED, Action.EXPORT: _EXPORTERS},
    "registry.person": {
        Action.VIEW: _READERS_AND_REFERRED,
        Action.EXPORT: _EXPORTERS,
        # Whose work takes whole numbers: matching (the custodian), enrolling people in
        # programs (Dinsos, the agency a family is referred to). Bappeda's verifiers and
        # village operators see them masked and reveal one when a task needs it.
        Action.REVEAL: {
            Role.DATA_CUSTODIAN: Scope.REGION,
            Role.DINSOS_OFFICER: Scope.REGION,
            Role.AGENCY_OFFICER: Scope.REFERRED,
        },
    },
    "registry.familyphoto": {Action.VIEW: _READERS_AND_REFERRED},
    # Taking source files in and matching them: the data custodian's work.
    "sources.importbatch": {
        Action.VIEW: _CUSTODIAN,
        Action.CHANGE: _CUSTODIAN,
        Action.EXPORT: _CUSTODIAN,
    },
    "sources.sourcerecord": {Action.VIEW: _READERS},
    # The sources and their order of trust shape every golden record: the custodian's.
    "sources.sourcedataset": {Action.VIEW: _CUSTODIAN, Action.CHANGE: _CUSTODIAN},
    "matching.linkagerun": {Action.VIEW: _CUSTODIAN, Action.CHANGE: _CUSTODIAN},
    "matching.matchpair": {Action.VIEW: _CUSTODIAN, Action.CHANGE: _CUSTODIAN},
    "matching.recordlink": {Action.VIEW: _READERS, Action.CHANGE: _CUSTODIAN},
    # Welfare results are personal data too (a family's desil and status).
    "welfare.classificationrun": {Action.VIEW: _CUSTODIAN, Action.CHANGE: _CUSTODIAN},
    "welfare.familywelfare": {Action.VIEW: _READERS_AND_REFERRED},
    "welfare.familyneed": {Action.VIEW: _READERS_AND_REFERRED},
    # Verivali: Dinsos runs rounds and approves; operators visit their own families.
    "verification.round": {Action.VIEW: _DINSOS, Action.CHANGE: _DINSOS},
    "verification.assignment": {Action.VIEW: _FIELD_WORK, Action.CHANGE: _OPERATOR},
    "verification.visit": {
        Action.VIEW: _FIELD_WORK,
        Action.CHANGE: _OPERATOR,
        Action.APPROVE: _DINSOS,
        Action.EXPORT: _DINSOS,
    },
    "verification.visitphoto": {Action.VIEW: _FIELD_WORK},
    "verification.villagemeeting": {
        Action.VIEW: {**_DINSOS, **_OPERATOR},
        Action.CHANGE: _OPERATOR,
    },
    # A referral is moved along only by the agency it is addressed to.
    "programs.referral": {
        Action.VIEW: {Role.AGENCY_OFFICER: Scope.AGENCY, **_READERS},
        Action.CHANGE: {Role.AGENCY_OFFICER: Scope.AGENCY},
        Action.EXPORT: {Role.AGENCY_OFFICER: Scope.AGENCY, **_EXPORTERS},
    },
    # Programs: an agency runs its own; Bappeda/TKPK checks every cycle; Dinsos, the
    # custodian and leaders read them. Beneficiaries are personal data: the agency's own,
    # and those in the region of whoever reads every program.
    "programs.program": {
        Action.VIEW: {Role.AGENCY_OFFICER: Scope.AGENCY, **_PLANNERS, Role.LEADER: Scope.REGION},
        Action.CHANGE: {Role.AGENCY_OFFICER: Scope.AGENCY},
    },
    "programs.cycle": {
        Action.VIEW: {Role.AGENCY_OFFICER: Scope.AGENCY, **_PLANNERS, Role.LEADER: Scope.REGION},
        Action.CHANGE: {Role.AGENCY_OFFICER: Scope.AGENCY},
        Action.APPROVE: {Role.AGENCY_OFFICER: Scope.AGENCY},
        Action.CHECK: {Role.VERIFIER: Scope.REGION},
    },
    "programs.programrun": {
        Action.VIEW: {Role.AGENCY_OFFICER: Scope.AGENCY},
        Action.CHANGE: {Role.AGENCY_OFFICER: Scope.AGENCY},
    },
    # Anomalies (SIPMAS' false claims) go to Bappeda/TKPK's verifiers; Dinsos and the
    # custodian read them.
    "programs.anomalyflag": {
        Action.VIEW: _PLANNERS,
        Action.CHANGE: {Role.VERIFIER: Scope.REGION},
    },
    "programs.beneficiary": {
        Action.VIEW: {Role.AGENCY_OFFICER: Scope.AGENCY, **_PLANNERS},
        Action.CHANGE: {Role.AGENCY_OFFICER: Scope.AGENCY},
        Action.EXPORT: {Role.AGENCY_OFFICER: Scope.AGENCY, **_EXPORTERS},
    },
    # The one-stop service: Dinsos triages the requests of its region and answers them;
    # a village operator sees those sent to them to visit; Bappeda/TKPK's verifiers follow
    # them. Desks at Dinsos and at kelurahan offices take walk-in residents' requests.
    "service.servicerequest": {
        Action.VIEW: {**_DINSOS, **_OPERATOR, Role.VERIFIER: Scope.REGION},
        Action.CHANGE: _DINSOS,
        Action.RECEIVE: {Role.DINSOS_OFFICER: Scope.REGION, Role.VILLAGE_OPERATOR: Scope.REGION},
    },
    "service.requestphoto": {Action.VIEW: {**_DINSOS, **_OPERATOR, Role.VERIFIER: Scope.REGION}},
    # Accounts: the TKPK secretariat (Bappeda's verifiers) decides who gets one, renews it
    # and closes the accounts of those who leave, in its region.
    "accounts.application": {
        Action.VIEW: {Role.VERIFIER: Scope.REGION},
        Action.APPROVE: {Role.VERIFIER: Scope.REGION},
    },
    "accounts.user": {
        Action.VIEW: {Role.VERIFIER: Scope.REGION},
        Action.CHANGE: {Role.VERIFIER: Scope.REGION},
    },
    # Who looked at personal data: the data custodian watches the users of their region.
    "accounts.accesslog": {Action.VIEW: _CUSTODIAN},
    # Releases (Satu Data): the custodian builds and publishes, the TKPK/Bappeda checks,
    # the leader approves; those who plan from a release read it, and its figures.
    "releases.release": {
        Action.VIEW: {**_EXPORTERS, Role.LEADER: Scope.REGION},
        Action.CHANGE: _CUSTODIAN,
        Action.CHECK: {Role.VERIFIER: Scope.REGION},
        Action.APPROVE: {Role.LEADER: Scope.REGION},
        Action.EXPORT: _CUSTODIAN,
    },
}


def _model(model):
    """A model class from the class itself or its label ("registry.family")."""
    return apps.get_model(model) if isinstance(model, str) else model


def is_active_user(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_administrator(user) -> bool:
    return is_active_user(user) and (user.is_superuser or user.role == Role.ADMIN)


def granted_scope(user, model, action: str) -> Scope | None:
    """The scope in which ``user`` may take ``action`` on rows of ``model``, or None."""
    label = _model(model)._meta.label_lower
    if label not in POLICY:
        raise ImproperlyConfigured(f"{label} is not in padu.accounts.policy.POLICY")
    if not is_active_user(user):
        return None
    if is_administrator(user):
        return Scope.REGION
    return POLICY[label].get(action, {}).get(user.role)


def allows(user, model, action: str) -> bool:
    """Whether ``user`` may take ``action`` on some rows of ``model`` (the door to a page;
    which rows is ``restrict``'s job)."""
    scope = granted_scope(user, model, action)
    if scope is None:
        return False
    return _scope_filter(user, _model(model), scope) is not None


def _scope_filter(user, model, scope: Scope) -> Q | None:
    """The filter for ``scope``, or None when the user's own scope is not set (fail closed)."""
    scoped_by: ScopedBy = model.scoped_by
    region = Q()
    if user.region_id:
        region = scoped_by.within(user.region_id)
    elif not is_administrator(user):
        return None
    if scope == Scope.REGION:
        return region
    if scope == Scope.AGENCY:
        if not (user.agency_id and scoped_by.agency):
            return None
        return region & Q(**{scoped_by.agency: user.agency_id})
    if scope == Scope.OWN:
        if not scoped_by.owner:
            return None
        return region & Q(**{scoped_by.owner: user.pk})
    if scope == Scope.REFERRED:
        if not (user.agency_id and scoped_by.family):
            return None
        referred = apps.get_model(REFERRAL_MODEL).objects.open_to_agency(user.agency_id)
        return region & Q(**{f"{scoped_by.family}__in": referred.values("family_id")})
    return None


def covers(user, code: str) -> bool:
    """Whether the region ``code`` lies in the user's region (an administrator without a
    region covers all): for a write that names an area rather than a record."""
    if not is_active_user(user):
        return False
    if user.region_id:
        return code == user.region_id or code.startswith(f"{user.region_id}.")
    return is_administrator(user)


class RestrictedQuerySet(models.QuerySet):
    """The querysets of models that hold or reveal personal data (see the module doc)."""

    def restrict(self, user, action: str) -> "RestrictedQuerySet":
        """The rows on which ``user`` may take ``action``; none when the policy grants none."""
        scope = granted_scope(user, self.model, action)
        condition = None if scope is None else _scope_filter(user, self.model, scope)
        return self.none() if condition is None else self.filter(condition)


def require(user, instance: models.Model, action: str) -> None:
    """Raise PermissionDenied unless ``user`` may take ``action`` on ``instance``: what a
    service checks before it writes, whoever called it."""
    model = type(instance)
    if not model._default_manager.restrict(user, action).filter(pk=instance.pk).exists():
        raise PermissionDenied(
            _("Anda tidak berwenang untuk tindakan ini (%(action)s %(what)s).")
            % {"action": Action(action).label, "what": model._meta.verbose_name}
        )
