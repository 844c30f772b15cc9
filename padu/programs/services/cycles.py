"""A program's cycles: their beneficiary lists (imported from the agency's file, proposed
from the registry by the criteria, or taken from the source exports' flags), linking,
the targeting checks, approval (which freezes the list), and Bappeda's verdict."""

import datetime as dt
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils import timezone

from padu.accounts import policy
from padu.accounts.policy import Action
from padu.core.bulk import bulk_insert, bulk_update, refresh_statistics
from padu.core.choices import ChangeAction
from padu.core.history import record_change
from padu.core.progress import ProgressCallback, no_progress
from padu.registry.choices import Lifecycle
from padu.registry.models import PROGRAM_FIELDS
from padu.sources.canonical import unique_headers
from padu.sources.choices import BatchStatus, SourceKind
from padu.sources.mapping import Mapping, mapping_from_dict, plan_columns
from padu.sources.models import ImportBatch, RawRows, SourceDataset, ValueRows
from padu.sources.services import add_dataset, create_batch, run_batch
from padu.welfare.household import read_frame

from .. import targeting
from ..choices import CycleOrigin, CycleStatus, LinkStatus, Membership
from ..linking import link_rows
from ..models import CHECK_FIELDS, Beneficiary, Cycle, CycleVerdict, Program


class CycleError(ValueError):
    """What stops a step on a cycle, in words for the officer."""


_INSERTED = [
    "cycle_id",
    "row_number",
    "written_nik",
    "written_kk",
    "written_name",
    "written_address",
    "period",
    "amount",
    "person_id",
    "family_id",
    "link_status",
    "link_probability",
    "candidates",
    "membership",
    "failed",
    "reasons",
    "facts",
]
_CHECKED = [*CHECK_FIELDS.values(), "failed", "reasons", "facts", "membership"]


def _list_dataset(program: Program, *, actor) -> SourceDataset:
    """The source dataset a program's lists are imported into: linked to the registry,
    never shaping it (sources.choices.LINKED_ONLY_KINDS)."""
    name = f"Daftar {program.code}"[:60]
    return SourceDataset.objects.filter(name=name).first() or add_dataset(
        name,
        kind=SourceKind.AGENCY_LIST,
        actor=actor,
        precedence=0,
        description=f"Daftar penerima {program.name}",
        agency=program.agency,
    )


def _default_dates(program: Program, starts_on, ends_on) -> tuple[dt.date, dt.date]:
    return (starts_on or dt.date(program.year, 1, 1), ends_on or dt.date(program.year, 12, 31))


def _draft_cycle(program: Program, name: str, *, actor, origin: str, starts_on, ends_on) -> Cycle:
    """The draft cycle of this name (its list about to be replaced), or a new one."""
    existing = Cycle.objects.filter(program=program, name=name).first()
    if existing and existing.is_frozen:
        raise CycleError(
            f"Siklus {name!r} sudah disetujui dan dibekukan pada "
            f"{timezone.localtime(existing.approved_at):%d-%m-%Y}; buat siklus baru."
        )
    if existing:
        existing.beneficiaries.all().delete()
        existing.origin, existing.starts_on, existing.ends_on = origin, starts_on, ends_on
        existing.save(update_fields=["origin", "starts_on", "ends_on"])
        return existing
    cycle = Cycle(
        program=program,
        name=name,
        origin=origin,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor if actor and actor.pk else None,
    )
    cycle.full_clean()
    cycle.save()
    return cycle


def _require(actor, instance, action: str) -> None:
    """The policy's word on a person's step; the installation itself (``actor`` None: the
    command line without --user, the demo) may take every step."""
    if actor is not None:
        policy.require(actor, instance, action)


def _require_change(actor, program: Program) -> None:
    _require(actor, program, Action.CHANGE)


def read_list_rows(batch: ImportBatch) -> pl.DataFrame:
    """A list's accepted rows, for linking (linking.ROW_COLUMNS) and as written."""
    records = read_frame(
        "SELECT id AS row_id, row_number, nik, kk_number, full_name, name_key, sex, "
        "birth_date, village_id, rt, rw FROM sources_sourcerecord "
        f"WHERE batch_id = {int(batch.pk)} AND superseded_by_id IS NULL ORDER BY row_number"
    )
    if records.height == 0:
        return records
    if records.schema["birth_date"] == pl.String:
        records = records.with_columns(pl.col("birth_date").str.to_date(strict=False))
    names = ["address", "benefit_amount", "benefit_period", "mother_name"]
    values = ValueRows.rows(batch, None, names).with_columns(
        pl.col("address", "benefit_period", "mother_name").cast(pl.String),
        pl.col("benefit_amount").cast(pl.Int64, strict=False),
    )
    plan = plan_columns(list(batch.header), mapping_from_dict(batch.mapping))
    titles = unique_headers(list(batch.header))
    written = {
        f"written_{name}": titles[plan.field_columns[field]]
        for name, field in (("nik", "nik"), ("kk", "kk_number"))
        if field in plan.field_columns
    }
    raw = RawRows.rows(batch).select(
        "_row", *[pl.col(title).alias(name) for name, title in written.items()]
    )
    for name in ("written_nik", "written_kk"):
        if name not in raw.columns:
            raw = raw.with_columns(pl.lit("").alias(name))
    return (
        records.with_columns(pl.col("row_number").cast(pl.Int64))
        .join(values, left_on="row_number", right_on="_row", how="left")
        .join(raw, left_on="row_number", right_on="_row", how="left")
    )


def _insert_rows(cycle: Cycle, frame: pl.DataFrame) -> None:
    """Beneficiaries from a frame with the columns of _INSERTED (less cycle_id, failed,
    reasons, facts), unchecked."""
    candidates = (
        pl.when(pl.col("candidates").is_not_null() & (pl.col("candidates").list.len() > 0))
        .then(
            pl.lit("[")
            + pl.col("candidates").list.eval(pl.element().struct.json_encode()).list.join(",")
            + pl.lit("]")
        )
        .otherwise(pl.lit("[]"))
    )
    rows = frame.with_columns(
        cycle_id=pl.lit(cycle.pk, pl.Int64),
        candidates=candidates,
        failed=pl.lit(False),
        reasons=pl.lit("{}"),
        facts=pl.lit("{}"),
        **{
            c: pl.col(c).fill_null("").str.slice(0, length)
            for c, length in (
                ("written_nik", 40),
                ("written_kk", 40),
                ("written_name", 150),
                ("written_address", 255),
                ("period", 60),
            )
        },
    )
    bulk_insert(Beneficiary._meta.db_table, _INSERTED, rows)


def import_cycle_list(
    path: Path,
    *,
    program: Program,
    cycle_name: str,
    actor,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    mapping: Mapping | None = None,
    file_name: str = "",
    progress: ProgressCallback = no_progress,
) -> Cycle:
    """Import the agency's list for a cycle through the import path every source takes
    (layouts, messy values, row-level issues), link its rows to the golden persons with the
    matching model, and check them. A list imported again for a draft cycle replaces it."""
    _require_change(actor, program)
    starts_on, ends_on = _default_dates(program, starts_on, ends_on)
    existing = Cycle.objects.filter(program=program, name=cycle_name).first()
    if existing and existing.is_frozen:
        raise CycleError(f"Siklus {cycle_name!r} sudah disetujui dan dibekukan; buat siklus baru.")
    progress(0, 4, "Mengimpor daftar")
    batch = create_batch(
        Path(path),
        dataset=_list_dataset(program, actor=actor),
        actor=actor,
        mapping=mapping,
        file_name=file_name,
    )
    batch = run_batch(batch)
    if batch.status == BatchStatus.DUPLICATE:  # the same file, read the same way before
        batch = batch.replaces
    if batch.status != BatchStatus.COMPLETED:
        raise CycleError(f"{batch.file_name}: {batch.message}")
    progress(1, 4, "Menautkan ke data terpadu")
    rows = read_list_rows(batch)
    links = link_rows(rows).rows if rows.height else pl.DataFrame()
    progress(2, 4, "Menyimpan penerima")
    with transaction.atomic():
        cycle = _draft_cycle(
            program,
            cycle_name,
            actor=actor,
            origin=CycleOrigin.IMPORTED,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        cycle.batch = batch
        cycle.save(update_fields=["batch"])
        if rows.height:
            _insert_rows(
                cycle,
                rows.join(links, on="row_id", how="left").select(
                    "row_number",
                    "written_nik",
                    "written_kk",
                    written_name=pl.col("full_name"),
                    written_address=pl.col("address"),
                    period=pl.col("benefit_period"),
                    # The list's own amount, else the program's (a service may have none).
                    amount=pl.coalesce("benefit_amount", pl.lit(program.benefit_amount)),
                    person_id="person_id",
                    family_id="family_id",
                    link_status="link_status",
                    link_probability="link_probability",
                    candidates="candidates",
                    membership=pl.lit(Membership.PROPOSED.value),
                ),
            )
        record_change(
            cycle,
            actor=actor,
            action=ChangeAction.CREATE if not existing else ChangeAction.UPDATE,
            after={"daftar": batch.file_name, "baris": rows.height, "batch": batch.pk},
            origin="impor daftar penerima",
        )
    progress(3, 4, "Memeriksa ketepatan sasaran")
    check_cycle(cycle, actor=actor)
    progress(4, 4, "Selesai")
    cycle.refresh_from_db()
    return cycle


def _registry_rows(families: pl.DataFrame, program: Program) -> pl.DataFrame:
    """Rows for families taken from the registry itself (family_id, person_id): linked."""
    golden = read_frame(
        "SELECT p.id AS person_id, p.full_name, p.nik, f.kk_number, f.address "
        "FROM registry_person p JOIN registry_family f ON f.id = p.family_id"
    )
    return (
        families.join(golden, on="person_id", how="left")
        .with_row_index("row_number", offset=1)
        .select(
            pl.col("row_number").cast(pl.Int64),
            written_nik=pl.col("nik"),
            written_kk=pl.col("kk_number"),
            written_name=pl.col("full_name"),
            written_address=pl.col("address"),
            period=pl.lit(""),
            amount=pl.lit(program.benefit_amount, pl.Int64),
            person_id="person_id",
            family_id="family_id",
            link_status=pl.lit(LinkStatus.LINKED.value),
            link_probability=pl.lit(1.0),
            candidates=pl.lit(None, pl.List(pl.Struct({"person": pl.Int64}))),
            membership=pl.lit(Membership.PROPOSED.value),
        )
    )


def propose_cycle(
    program: Program,
    *,
    cycle_name: str,
    actor,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
) -> Cycle:
    """A cycle whose list Padu proposes from the registry: the families (or persons) that
    meet the criteria in the target areas, poorest first, up to the target count."""
    _require_change(actor, program)
    starts_on, ends_on = _default_dates(program, starts_on, ends_on)
    eligible = targeting.eligible(program, on=starts_on)
    with transaction.atomic():
        cycle = _draft_cycle(
            program,
            cycle_name,
            actor=actor,
            origin=CycleOrigin.PROPOSED,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        _insert_rows(cycle, _registry_rows(eligible, program))
        record_change(
            cycle,
            actor=actor,
            action=ChangeAction.CREATE,
            after={"diusulkan": eligible.height},
            origin="usulan dari kriteria",
        )
    check_cycle(cycle, actor=actor)
    cycle.refresh_from_db()
    return cycle


def cycle_from_source_flags(program: Program, *, actor, as_of: dt.date | None = None) -> Cycle:
    """A national program's recipients as the source exports flag them: one cycle, named
    after the day it was taken, of the active families whose flag is set."""
    if program.source_flag not in PROGRAM_FIELDS:  # also what makes it safe in the SQL below
        raise CycleError(f"{program} tidak punya penanda di data sumber.")
    as_of = as_of or timezone.localdate()
    families = read_frame(
        "SELECT f.id AS family_id FROM registry_family f "
        f"WHERE f.lifecycle = '{Lifecycle.ACTIVE}' AND f.{program.source_flag} "
        "ORDER BY f.id"
    )
    if families.height:
        families = families.join(targeting.heads_of(families["family_id"]), on="family_id")
    with transaction.atomic():
        cycle = _draft_cycle(
            program,
            f"Data sumber {as_of:%d-%m-%Y}",
            actor=actor,
            origin=CycleOrigin.SOURCE_FLAGS,
            starts_on=dt.date(program.year, 1, 1),
            ends_on=dt.date(program.year, 12, 31),
        )
        if families.height:
            _insert_rows(cycle, _registry_rows(families, program))
        record_change(
            cycle,
            actor=actor,
            action=ChangeAction.CREATE,
            after={"keluarga": families.height, "penanda": program.source_flag},
            origin="penanda program di data sumber",
        )
    check_cycle(cycle, actor=actor)
    cycle.refresh_from_db()
    return cycle


def summarise(checked: pl.DataFrame) -> dict:
    """The cycle's figures (from targeting.check): rows, links, each check's failures,
    amounts."""
    links = pl.col("link_status")
    summary = {
        "baris": checked.height,
        "tertaut": checked.filter(links.is_in([LinkStatus.LINKED, LinkStatus.CONFIRMED])).height,
        "calon": checked.filter(links == LinkStatus.CANDIDATES).height,
        "tidak_ditemukan": checked.filter(links == LinkStatus.UNLINKED).height,
        "gagal": int(checked["failed"].sum()) if checked.height else 0,
        "nilai": int(checked["amount"].fill_null(0).sum()) if checked.height else 0,
    }
    for check_name, field in CHECK_FIELDS.items():
        fails_when = targeting.FAILS_WHEN[check_name]
        summary[check_name.value] = (
            checked.filter(pl.col(field) == fails_when).height if checked.height else 0
        )
    return summary


def check_cycle(cycle: Cycle, *, actor, progress: ProgressCallback = no_progress) -> dict:
    """Run every targeting check on a draft cycle's beneficiaries and store the answers."""
    if cycle.is_frozen:
        raise CycleError(f"Siklus {cycle.name!r} sudah dibekukan; hasil pemeriksaannya tetap.")
    progress(0, 2, "Memeriksa ketepatan sasaran")
    checked = targeting.check(cycle)
    summary = summarise(checked)
    progress(1, 2, "Menyimpan hasil")
    with transaction.atomic():
        if checked.height:
            bulk_update(Beneficiary._meta.db_table, _CHECKED, checked.select("id", *_CHECKED))
        Cycle.objects.filter(pk=cycle.pk).update(summary=summary, checked_at=timezone.now())
        record_change(cycle, actor=actor, action=ChangeAction.UPDATE, after={"diperiksa": summary})
    refresh_statistics(Beneficiary._meta.db_table)
    progress(2, 2, "Selesai")
    cycle.summary = summary
    return summary


@transaction.atomic
def decide_link(beneficiary: Beneficiary, *, person, actor) -> Beneficiary:
    """An officer's decision on a row Padu could not link for sure: this golden person,
    or (``person`` None) nobody in the registry. The cycle's checks run again."""
    policy.require(actor, beneficiary, Action.CHANGE)
    cycle = beneficiary.cycle
    if cycle.is_frozen:
        raise CycleError("Siklus ini sudah dibekukan; tautan tidak dapat diubah.")
    before = {"person": beneficiary.person_id, "link_status": beneficiary.link_status}
    beneficiary.person = person
    beneficiary.family_id = person.family_id if person else None
    beneficiary.link_status = LinkStatus.CONFIRMED if person else LinkStatus.UNLINKED
    beneficiary.save(update_fields=["person", "family", "link_status"])
    record_change(
        beneficiary,
        actor=actor,
        action=ChangeAction.UPDATE,
        before=before,
        after={"person": beneficiary.person_id, "link_status": beneficiary.link_status},
        origin="keputusan tautan",
    )
    check_cycle(cycle, actor=actor)
    return beneficiary


def approve_cycle(cycle: Cycle, *, actor) -> Cycle:
    """Approve a cycle: checked once more, then frozen as it is today (beneficiaries, the
    facts that decided their checks, amounts); proposed members become enrolled."""
    _require(actor, cycle, Action.APPROVE)
    if cycle.is_frozen:
        raise CycleError("Siklus ini sudah disetujui.")
    summary = check_cycle(cycle, actor=actor)
    with transaction.atomic():
        Beneficiary.objects.filter(cycle=cycle, membership=Membership.PROPOSED).update(
            membership=Membership.ENROLLED
        )
        now = timezone.now()
        Cycle.objects.filter(pk=cycle.pk).update(
            status=CycleStatus.APPROVED, approved_at=now, approved_by=actor
        )
        record_change(
            cycle,
            actor=actor,
            action=ChangeAction.UPDATE,
            before={"status": CycleStatus.DRAFT},
            after={"status": CycleStatus.APPROVED, "ringkasan": summary},
            origin="persetujuan siklus",
        )
    cycle.refresh_from_db()
    return cycle


@transaction.atomic
def record_verdict(
    cycle: Cycle, *, on_target: bool, right_place: bool, note: str, actor
) -> CycleVerdict:
    """Bappeda/TKPK's yes or no on a cycle (tepat sasaran, tepat lokasi), with a note."""
    _require(actor, cycle, Action.CHECK)
    if not note.strip():
        raise CycleError(
            "Tuliskan catatan penilaian: apa yang harus diperbaiki OPD, atau dasarnya."
        )
    verdict = CycleVerdict.objects.create(
        cycle=cycle,
        on_target=on_target,
        right_place=right_place,
        note=note.strip(),
        verifier=actor,
        figures=cycle.summary,
    )
    record_change(
        verdict,
        actor=actor,
        action=ChangeAction.CREATE,
        after={"tepat_sasaran": on_target, "tepat_lokasi": right_place, "catatan": note.strip()},
        origin="penilaian Bappeda",
    )
    return verdict


def record_intervention(referral, *, program: Program, actor) -> Beneficiary:
    """A referral its agency finished, recorded as a benefit of one of the agency's
    programs: the family (by its head) joins the program's cycle of interventions from
    referrals for the year, enrolled. Call inside the referral's transaction."""
    _require(actor, program, Action.CHANGE)
    if program.agency_id != referral.agency_id:
        raise CycleError("Program ini bukan milik OPD yang menerima rujukan.")
    year = timezone.localdate().year
    name = f"Intervensi rujukan {year}"
    cycle = Cycle.objects.filter(program=program, name=name).first()
    if cycle is None:
        cycle = _draft_cycle(
            program,
            name,
            actor=actor,
            origin=CycleOrigin.REFERRALS,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
        )
    elif cycle.is_frozen:
        raise CycleError(f"Siklus {name!r} sudah dibekukan; intervensi baru dicatat tahun depan.")
    family = referral.family
    head = targeting.heads_of(pl.Series([family.pk], dtype=pl.Int64))
    person_id = head["person_id"][0] if head.height else None
    person = family.members.filter(pk=person_id).first() if person_id else None
    last = cycle.beneficiaries.order_by("-row_number").values_list("row_number", flat=True).first()
    beneficiary = Beneficiary.objects.create(
        cycle=cycle,
        row_number=(last or 0) + 1,
        written_nik=person.nik if person else "",
        written_kk=family.kk_number,
        written_name=person.full_name if person else "",
        written_address=family.address,
        period=f"rujukan #{referral.pk}",
        amount=program.benefit_amount,
        person=person,
        family=family,
        link_status=LinkStatus.CONFIRMED,
        link_probability=1.0,
        membership=Membership.ENROLLED,
    )
    record_change(
        beneficiary,
        actor=actor,
        action=ChangeAction.CREATE,
        after={"rujukan": referral.pk, "program": program.code, "siklus": cycle.name},
        origin="intervensi dari rujukan",
    )
    return beneficiary


#: The membership changes an agency may make to an approved cycle's beneficiary.
MEMBERSHIP_CHANGES = {
    Membership.ENROLLED: (Membership.PAUSED, Membership.EXITED),
    Membership.PAUSED: (Membership.ENROLLED, Membership.EXITED),
}


@transaction.atomic
def change_membership(beneficiary: Beneficiary, *, membership: str, reason: str, actor):
    """Pause, resume or end one beneficiary's membership of an approved cycle (its facts,
    amount and checks stay as approved), with the reason."""
    _require(actor, beneficiary, Action.CHANGE)
    current = Beneficiary.objects.select_for_update().select_related("cycle").get(pk=beneficiary.pk)
    if not current.cycle.is_frozen:
        raise CycleError(
            "Keanggotaan diubah sesudah siklus disetujui; sebelumnya, perbaiki daftarnya."
        )
    if membership not in MEMBERSHIP_CHANGES.get(current.membership, ()):
        raise CycleError(
            f"Dari {current.get_membership_display().lower()} tidak dapat menjadi "
            f"{Membership(membership).label.lower()}."
        )
    if not reason.strip():
        raise CycleError("Tuliskan alasan perubahan keanggotaan.")
    before = current.membership
    current.membership = membership
    current.save(update_fields=["membership"])
    record_change(
        current,
        actor=actor,
        action=ChangeAction.UPDATE,
        before={"membership": before},
        after={"membership": membership, "alasan": reason.strip()[:500]},
        origin="keanggotaan",
    )
    return current
