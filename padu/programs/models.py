from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from padu.accounts.policy import RestrictedQuerySet, ScopedBy
from padu.core.fields import actor_field
from padu.core.models import BackgroundRun, BackgroundRunQuerySet
from padu.organisations.choices import Sector

from .choices import (
    CLOSED_STATUSES,
    BenefitKind,
    BenefitUnit,
    Check,
    CycleOrigin,
    CycleStatus,
    FlagKind,
    FlagStatus,
    FundingLevel,
    LinkStatus,
    Membership,
    ProgramStatus,
    ReferralStatus,
    RunStep,
)


class ReferralQuerySet(RestrictedQuerySet):
    def open_to_agency(self, agency_id) -> "ReferralQuerySet":
        """The referrals still open at the agency: what lets its officers see a family."""
        return self.filter(agency_id=agency_id).exclude(status__in=CLOSED_STATUSES)


class Referral(models.Model):
    """A need of a poor family sent to the agency (OPD) that must act on it."""

    family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("keluarga"),
        on_delete=models.CASCADE,
        related_name="referrals",
    )
    rule = models.ForeignKey(
        "welfare.NeedRule", verbose_name=_("kebutuhan"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("OPD"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    reason = models.CharField(_("alasan kebutuhan"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.NEW
    )
    rejection_reason = models.CharField(_("alasan ditolak"), max_length=500, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    officer = actor_field(_("petugas"))
    created_at = models.DateTimeField(_("dirujuk"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    accepted_at = models.DateTimeField(_("diterima"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)

    objects = ReferralQuerySet.as_manager()
    scoped_by = ScopedBy(region="family__village__code", agency="agency")

    class Meta:
        verbose_name = _("rujukan")
        verbose_name_plural = _("rujukan")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["family", "rule"],
                condition=~models.Q(status__in=["selesai", "ditolak"]),
                name="one_open_referral_per_need",
            )
        ]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.agency} · {self.rule} · {self.family_id}"

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


def _within_program_region(prefix: str):
    """The scope of rows placed by the program they belong to (``prefix``: the path to it):
    a program of the government of the user's region or below it, or a national one."""

    def within(code: str) -> Q:
        return Q(**{f"{prefix}region__code__within": code}) | Q(**{f"{prefix}region__isnull": True})

    return within


class Program(models.Model):
    """A program an agency (OPD) runs, with who it is for written as data (``criteria``:
    conditions as a need rule writes them, see padu.programs.criteria) and where
    (``target_areas``: region codes; none means the whole of ``region``)."""

    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah pemerintah daerah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("kosong: program nasional"),
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("OPD pemilik"),
        on_delete=models.PROTECT,
        related_name="programs",
    )
    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama program"), max_length=200)
    sector = models.CharField(_("bidang"), max_length=14, choices=Sector.choices)
    year = models.PositiveSmallIntegerField(_("tahun anggaran"))
    funding_level = models.CharField(_("sumber dana"), max_length=10, choices=FundingLevel.choices)
    budget = models.PositiveBigIntegerField(_("pagu anggaran (Rp)"), null=True, blank=True)
    unit = models.CharField(
        _("penerima"), max_length=8, choices=BenefitUnit.choices, default=BenefitUnit.FAMILY
    )
    benefit_kind = models.CharField(_("bentuk manfaat"), max_length=12, choices=BenefitKind.choices)
    benefit_amount = models.PositiveBigIntegerField(
        _("nilai manfaat per penerima per siklus (Rp)"), null=True, blank=True
    )
    criteria = models.JSONField(
        _("kriteria"),
        default=list,
        blank=True,
        help_text=_("semua syarat harus terpenuhi; daftar {field, op, value}"),
    )
    target_count = models.PositiveIntegerField(_("target penerima"), null=True, blank=True)
    target_areas = models.JSONField(
        _("wilayah sasaran"),
        default=list,
        blank=True,
        help_text=_("kode wilayah; kosong: seluruh wilayah"),
    )
    source_flag = models.CharField(
        _("penanda di data sumber"),
        max_length=30,
        blank=True,
        help_text=_("program nasional yang penerimanya ditandai di ekspor sumber (mis. PKH)"),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    description = models.TextField(_("keterangan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region=_within_program_region(""), agency="agency")

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("program")
        ordering = ["-year", "agency", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    def clean(self):
        from padu.registry.models import PROGRAM_FIELDS

        from .criteria import check_criteria

        problems = check_criteria(self.criteria)
        if problems:
            raise ValidationError({"criteria": problems})
        if self.source_flag and self.source_flag not in PROGRAM_FIELDS:
            raise ValidationError(
                {"source_flag": _("Penanda yang ada: %s.") % ", ".join(PROGRAM_FIELDS)}
            )


class CombinationRule(models.Model):
    """Whether a family may hold two benefits within some years: one side is a program or
    a whole sector, the other likewise (the same program on both sides: twice). A rule
    about programs beats a rule about their sectors, so "PKH with BPNT allowed" stands
    inside "two social-assistance programs not"."""

    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    sector = models.CharField(_("atau bidang"), max_length=14, choices=Sector.choices, blank=True)
    other_program = models.ForeignKey(
        Program,
        verbose_name=_("dengan program"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    other_sector = models.CharField(
        _("atau bidang"), max_length=14, choices=Sector.choices, blank=True
    )
    within_years = models.PositiveSmallIntegerField(_("dalam (tahun)"), default=1)
    allowed = models.BooleanField(_("boleh"), default=False)
    note = models.CharField(_("dasar aturan"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("aturan kombinasi program")
        verbose_name_plural = _("aturan kombinasi program")
        constraints = [
            models.CheckConstraint(
                condition=Q(program__isnull=False) ^ ~Q(sector=""), name="combination_one_side"
            ),
            models.CheckConstraint(
                condition=Q(other_program__isnull=False) ^ ~Q(other_sector=""),
                name="combination_other_side",
            ),
        ]

    def __str__(self) -> str:
        verb = "boleh" if self.allowed else "tidak boleh"
        return f"{self.side()} dengan {self.other_side()}: {verb} dalam {self.within_years} tahun"

    def side(self) -> str:
        return str(self.program) if self.program_id else f"bidang {self.get_sector_display()}"

    def other_side(self) -> str:
        if self.other_program_id:
            return str(self.other_program)
        return f"bidang {self.get_other_sector_display()}"

    def clean(self):
        if bool(self.program_id) == bool(self.sector):
            raise ValidationError(_("Pilih satu program atau satu bidang di sisi pertama."))
        if bool(self.other_program_id) == bool(self.other_sector):
            raise ValidationError(_("Pilih satu program atau satu bidang di sisi kedua."))


class Cycle(models.Model):
    """One period of a program and its beneficiary list. Approved, it is frozen: its
    beneficiaries, their facts and amounts stay as they were that day."""

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="cycles"
    )
    name = models.CharField(_("nama siklus"), max_length=100)
    starts_on = models.DateField(_("mulai"))
    ends_on = models.DateField(_("selesai"))
    origin = models.CharField(_("asal daftar"), max_length=8, choices=CycleOrigin.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    batch = models.ForeignKey(
        "sources.ImportBatch",
        verbose_name=_("impor daftar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    checked_at = models.DateTimeField(_("diperiksa"), null=True, blank=True)
    created_by = actor_field(_("dibuat oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    approved_by = actor_field(_("disetujui oleh"))
    approved_at = models.DateTimeField(_("disetujui"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region=_within_program_region("program__"), agency="program__agency")

    class Meta:
        verbose_name = _("siklus program")
        verbose_name_plural = _("siklus program")
        ordering = ["program", "-starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "name"], name="one_cycle_name_per_program"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="cycle_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} · {self.name}"

    @property
    def is_frozen(self) -> bool:
        return self.status == CycleStatus.APPROVED


def _beneficiary_region(code: str) -> Q:
    """A linked row lies where its family lives; an unlinked row lies with its program."""
    return Q(family__village__code__within=code) | (
        Q(family__isnull=True) & _within_program_region("cycle__program__")(code)
    )


#: Each check's answer lives in this field of a beneficiary.
CHECK_FIELDS = {
    Check.ON_TARGET: "on_target",
    Check.RIGHT_PLACE: "right_place",
    Check.ALIVE_RESIDENT: "alive_resident",
    Check.DUPLICATE: "duplicate",
    Check.FORBIDDEN_COMBINATION: "forbidden_combination",
}


class Beneficiary(models.Model):
    """One row of a cycle's list: as the list wrote it, the golden person and family Padu
    linked it to (or its best candidates), its membership, and each targeting check with
    the facts that decided it."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("siklus"), on_delete=models.CASCADE, related_name="beneficiaries"
    )
    row_number = models.PositiveIntegerField(_("baris di daftar"), null=True, blank=True)
    written_nik = models.CharField(_("NIK tertulis"), max_length=40, blank=True)
    written_kk = models.CharField(_("No KK tertulis"), max_length=40, blank=True)
    written_name = models.CharField(_("nama tertulis"), max_length=150, blank=True)
    written_address = models.CharField(_("alamat tertulis"), max_length=255, blank=True)
    period = models.CharField(_("periode"), max_length=60, blank=True)
    amount = models.PositiveBigIntegerField(_("nilai (Rp)"), null=True, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("orang"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    family = models.ForeignKey(
        "registry.Family",
        verbose_name=_("keluarga"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="benefits",
    )
    link_status = models.CharField(_("tautan"), max_length=10, choices=LinkStatus.choices)
    link_probability = models.FloatField(_("peluang cocok"), null=True, blank=True)
    candidates = models.JSONField(_("calon"), default=list, blank=True)
    membership = models.CharField(
        _("keanggotaan"), max_length=12, choices=Membership.choices, default=Membership.PROPOSED
    )
    on_target = models.BooleanField(_("tepat sasaran"), null=True)
    right_place = models.BooleanField(_("tepat lokasi"), null=True)
    alive_resident = models.BooleanField(_("hidup dan menetap"), null=True)
    duplicate = models.BooleanField(_("ganda dalam program"), null=True)
    forbidden_combination = models.BooleanField(_("kombinasi terlarang"), null=True)
    failed = models.BooleanField(_("gagal pemeriksaan"), default=False)
    reasons = models.JSONField(_("alasan"), default=dict, blank=True)
    facts = models.JSONField(_("fakta penentu"), default=dict, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(
        region=_beneficiary_region, agency="cycle__program__agency", family="family_id"
    )

    class Meta:
        verbose_name = _("penerima manfaat")
        verbose_name_plural = _("penerima manfaat")
        ordering = ["cycle", "row_number", "pk"]
        indexes = [
            models.Index(fields=["cycle", "failed"], name="beneficiary_failed"),
            models.Index(fields=["cycle", "link_status"], name="beneficiary_link"),
            models.Index(fields=["family", "cycle"], name="beneficiary_family"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.written_name or self.person_id}"


class CycleVerdict(models.Model):
    """Bappeda/TKPK's yes or no on a cycle: on target, in the right place, with a note.
    Every verdict is kept; the latest stands."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("siklus"), on_delete=models.CASCADE, related_name="verdicts"
    )
    on_target = models.BooleanField(_("tepat sasaran"))
    right_place = models.BooleanField(_("tepat lokasi"))
    note = models.TextField(_("catatan"))
    verifier = actor_field(_("verifikator"))
    decided_at = models.DateTimeField(_("diputuskan"), auto_now_add=True)
    figures = models.JSONField(_("angka saat diputuskan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("penilaian Bappeda")
        verbose_name_plural = _("penilaian Bappeda")
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.cycle}: {'tepat' if self.on_target else 'tidak tepat'} sasaran"


class ProgramRunQuerySet(BackgroundRunQuerySet, RestrictedQuerySet):
    pass


class ProgramRun(BackgroundRun):
    """A bulk step on a cycle run by the background worker, started from the web (the
    command line calls the same services directly): import a list, propose one from the
    registry, check or approve a cycle."""

    status_url_name = "programs:run-status"

    program = models.ForeignKey(
        Program, verbose_name=_("program"), on_delete=models.CASCADE, related_name="runs"
    )
    step = models.CharField(_("langkah"), max_length=8, choices=RunStep.choices)
    cycle = models.ForeignKey(
        Cycle,
        verbose_name=_("siklus"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="runs",
    )
    cycle_name = models.CharField(_("nama siklus"), max_length=100, blank=True)
    starts_on = models.DateField(_("mulai"), null=True, blank=True)
    ends_on = models.DateField(_("selesai"), null=True, blank=True)
    file = models.FileField(_("file daftar"), upload_to="programs/%Y/%m/", blank=True)
    file_name = models.CharField(_("nama file"), max_length=255, blank=True)
    cancel_requested = models.BooleanField(_("diminta batal"), default=False)

    objects = ProgramRunQuerySet.as_manager()
    scoped_by = ScopedBy(region=_within_program_region("program__"), agency="program__agency")

    class Meta:
        verbose_name = _("proses program")
        verbose_name_plural = _("proses program")
        ordering = ["-started_at"]


class AnomalyFlag(models.Model):
    """Something in the data at odds with a family's status or benefits, for a verifier to
    dismiss with a reason or send to the field as a verivali task."""

    kind = models.CharField(_("jenis"), max_length=20, choices=FlagKind.choices)
    family = models.ForeignKey(
        "registry.Family", verbose_name=_("keluarga"), on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(
        "registry.Person",
        verbose_name=_("orang"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("penerima"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
    )
    detail = models.CharField(_("rincian"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    reason = models.CharField(_("alasan diabaikan"), max_length=500, blank=True)
    assignment = models.ForeignKey(
        "verification.Assignment",
        verbose_name=_("tugas verivali"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    found_at = models.DateTimeField(_("ditemukan"), auto_now_add=True)
    decided_by = actor_field(_("diputuskan oleh"))
    decided_at = models.DateTimeField(_("diputuskan"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="family__village__code", family="family_id")

    class Meta:
        verbose_name = _("tanda anomali")
        verbose_name_plural = _("tanda anomali")
        ordering = ["status", "-found_at", "pk"]
        constraints = [
            # One flag per finding: found again, it is not raised again (even dismissed).
            models.UniqueConstraint(
                fields=["kind", "family", "detail"], name="one_flag_per_finding"
            )
        ]
        indexes = [models.Index(fields=["status", "kind"], name="flag_queue")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.family_id}"
