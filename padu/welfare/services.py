"""Welfare: fit the PMT, classify families, raise needs and refer them. Every write is here."""

import logging
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone

from padu.core.bulk import bulk_insert, id_chunks, refresh_statistics
from padu.core.choices import ChangeAction, RunStatus
from padu.core.faults import system_failure_message
from padu.core.history import record_bulk_change, record_change
from padu.core.progress import ProgressCallback, no_progress, write_progress
from padu.organisations.services import ensure_standard_agencies
from padu.regions.models import Region
from padu.registry.choices import VerificationStatus

from . import pmt
from .choices import POOR_STATUSES, LineKind, PovertyStatus
from .criteria import count_criteria
from .household import read_households
from .models import (
    ClassificationRun,
    FamilyNeed,
    FamilyWelfare,
    NeedRule,
    PovertyLine,
    WelfareModel,
)
from .needs import STANDARD_RULES, evaluate
from .signals import poor_families_needs

logger = logging.getLogger(__name__)

#: Published lines (Rp per person per month) a new installation starts with; an admin adds
#: regional lines and later years.
STANDARD_LINES = [
    (2024, LineKind.POVERTY, 595_242, "BPS, garis kemiskinan nasional September 2024"),
    (2025, LineKind.POVERTY, 641_443, "BPS, garis kemiskinan nasional September 2025"),
    (2025, LineKind.EXTREME, 391_000, "US$2,15 PPP per hari, sekitar Rp391.000 (2025)"),
    (
        2024,
        LineKind.EXTREME,
        362_800,
        "perkiraan: garis ekstrem 2025 dikalikan rasio garis kemiskinan 2024/2025",
    ),
]
DEFAULT_YEAR = 2025
#: The national poverty line of the default year (Rp per person per month).
NATIONAL_POVERTY_LINE = next(
    amount
    for year, kind, amount, _source in STANDARD_LINES
    if year == DEFAULT_YEAR and kind == LineKind.POVERTY
)
#: Vulnerable (rentan): below this multiple of the poverty line.
VULNERABLE_MULTIPLE = 1.5


@transaction.atomic
def ensure_poverty_lines(*, actor) -> None:
    """Create the national lines that are missing (after every migrate); an admin adds
    regional lines and later years, and no edit of theirs is overwritten."""
    for year, kind, amount, source in STANDARD_LINES:
        line, created = PovertyLine.objects.get_or_create(
            year=year, kind=kind, region=None, defaults={"amount": amount, "source": source}
        )
        if created:
            after = {"year": year, "kind": kind, "amount": amount}
            record_change(line, actor=actor, action=ChangeAction.CREATE, after=after)


@transaction.atomic
def ensure_standard_rules(*, actor) -> None:
    """Create the standard need rules that are missing (after every migrate); never
    overwrite an admin's edits."""
    agencies = {agency.code: agency for agency in ensure_standard_agencies(actor=actor)}
    for code, dimension, label, agency, match, conditions in STANDARD_RULES:
        rule, created = NeedRule.objects.get_or_create(
            code=code,
            defaults={
                "dimension": dimension,
                "label": label,
                "agency": agencies[agency],
                "match": match,
                "conditions": conditions,
            },
        )
        if created:
            after = {"code": code, "agency": agency}
            record_change(rule, actor=actor, action=ChangeAction.CREATE, after=after)


def lines_for(village_ids: pl.Series, year: int) -> pl.DataFrame:
    """village_id -> poverty_line, extreme_line: each the most specific line of the year
    whose area holds the village (village, district, regency, province, then national)."""
    lines = list(PovertyLine.objects.filter(year=year).values_list("kind", "region_id", "amount"))
    villages = pl.DataFrame({"village_id": village_ids.unique()})
    out = villages
    for kind, column in ((LineKind.POVERTY, "poverty_line"), (LineKind.EXTREME, "extreme_line")):
        national = next((a for k, r, a in lines if k == kind and r is None), None)
        if national is None:
            raise ValueError(
                f"Belum ada {LineKind(kind).label.lower()} nasional untuk tahun {year}: "
                "tambahkan di Admin › Garis kemiskinan."
            )
        regional = {r: a for k, r, a in lines if k == kind and r is not None}
        value = pl.lit(national, pl.Int64)
        for length in (2, 5, 8, 13):  # later (more specific) wins
            prefix = pl.col("village_id").str.slice(0, length)
            value = (
                pl.when(prefix.is_in(list(regional)))
                .then(prefix.replace_strict(regional, default=None, return_dtype=pl.Int64))
                .otherwise(value)
            )
        out = out.with_columns(value.alias(column))
    return out


@dataclass
class Classification:
    families: int = 0
    models: list | None = None
    by_status: dict | None = None
    needs: int = 0
    referrals: int = 0


def classify(
    region: str | None = None,
    *,
    actor,
    refit: bool = True,
    year: int = DEFAULT_YEAR,
    progress: ProgressCallback = no_progress,
) -> Classification:
    """Score every active family (within ``region`` when given), give it a desil and a
    poverty status, count the BPS criteria, raise its needs and refer a poor family's needs
    to their agencies. With ``refit``, each regency gets a new model version fitted on
    today's data; otherwise its latest version is reused (and fitted if there is none)."""
    progress(0, 4, "Membaca data keluarga")
    households = read_households(region)
    result = Classification(models=[], by_status={})
    if households.height == 0:
        return result
    households = households.join(
        lines_for(households["village_id"], year), on="village_id", how="left"
    )
    rules = list(NeedRule.objects.filter(is_active=True))
    regencies = households["regency"].unique().sort().to_list()
    for i, regency in enumerate(regencies):
        progress(1 + i / len(regencies), 4, f"Menilai {regency}")
        frame = households.filter(pl.col("regency") == regency)
        with transaction.atomic():
            model = _model_for(regency, frame, actor=actor, refit=refit, year=year)
            scored = score(frame, model)
            _write_results(model, scored)
            needs = evaluate(scored, rules)
            _write_needs(model, needs, scored["family_id"].to_list())
            poor = scored.filter(pl.col("status").is_in(list(POOR_STATUSES)))["family_id"]
            answers = poor_families_needs.send(
                sender=WelfareModel,
                needs=needs.filter(pl.col("family_id").is_in(poor.implode())),
                actor=actor,
            )
            result.referrals += sum(opened for _receiver, opened in answers)
            WelfareModel.objects.filter(pk=model.pk).update(families=scored.height)
            by_status = dict(scored.group_by("status").len().iter_rows())
            record_bulk_change(
                FamilyWelfare,
                actor=actor,
                summary={"model": model.pk, "keluarga": scored.height, **by_status},
                origin=f"klasifikasi {regency}",
            )
        refresh_statistics(FamilyWelfare._meta.db_table, FamilyNeed._meta.db_table)
        result.models.append(model)
        result.families += scored.height
        result.needs += needs.height
        for status, count in scored.group_by("status").len().iter_rows():
            result.by_status[status] = result.by_status.get(status, 0) + count
    progress(4, 4, "Selesai")
    return result


class ClassificationCancelled(Exception):
    pass


def queue_classification(
    *, actor, region: Region | None, refit: bool = True, year: int = DEFAULT_YEAR
) -> ClassificationRun:
    """A classification run for the background worker (from the web page); one at a time."""
    from .tasks import run_classification  # the task module imports this one

    with transaction.atomic():
        active = ClassificationRun.objects.active().first()
        if active:
            return active
        run = ClassificationRun.objects.create(
            started_by=actor, region=region, refit=refit, year=year
        )
        record_change(
            run,
            actor=actor,
            action=ChangeAction.CREATE,
            after={"region": region.code if region else None, "refit": refit, "year": year},
        )
        run_classification.enqueue(run.pk)
    return run


@transaction.atomic
def cancel_classification(run: ClassificationRun, *, actor) -> None:
    """Ask a run to stop before its next regency/city; a queued run stops at once."""
    ClassificationRun.objects.active().filter(pk=run.pk).update(cancel_requested=True)
    ClassificationRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.CANCELLED, finished_at=timezone.now(), message="Dibatalkan."
    )
    record_change(run, actor=actor, action=ChangeAction.UPDATE, after={"cancel_requested": True})


def execute_classification(run: ClassificationRun) -> ClassificationRun:
    """Classify the run's area, writing its progress; a cancel takes effect before the next
    regency/city, whose families keep their earlier results (each regency is written in
    one transaction)."""
    started = ClassificationRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING
    )
    if not started:  # cancelled while queued
        run.refresh_from_db()
        return run

    def report(done: int, total: int, label: str) -> None:
        write_progress(run, done, total, label)
        unfinished = done < total
        if (
            unfinished
            and ClassificationRun.objects.filter(pk=run.pk, cancel_requested=True).exists()
        ):
            raise ClassificationCancelled

    outcome = {"status": RunStatus.COMPLETED, "message": ""}
    try:
        result = classify(
            run.region_id, actor=run.started_by, refit=run.refit, year=run.year, progress=report
        )
    except ClassificationCancelled:
        outcome = {
            "status": RunStatus.CANCELLED,
            "message": "Dibatalkan. Wilayah yang sudah selesai memakai hasil baru; yang lain "
            "tetap dengan hasil sebelumnya. Jalankan lagi untuk melanjutkan.",
        }
    except ValueError as error:  # e.g. too few families with a known expenditure
        outcome = {"status": RunStatus.FAILED, "message": str(error)}
    except Exception as error:  # keep the message for the user, the traceback for the log
        logger.exception("classification run %s failed", run.pk)
        outcome = {
            "status": RunStatus.FAILED,
            "message": system_failure_message("Penilaian", error),
        }
    else:
        if result.families == 0:
            outcome = {
                "status": RunStatus.FAILED,
                "message": "Belum ada keluarga di wilayah ini: impor dan cocokkan dulu.",
            }
        outcome.update(
            families=result.families, by_status=result.by_status, referrals=result.referrals
        )
    ClassificationRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), **outcome)
    run.refresh_from_db()
    return run


def _model_for(regency: str, frame: pl.DataFrame, *, actor, refit: bool, year: int):
    latest = WelfareModel.objects.filter(regency_id=regency).order_by("-version").first()
    if latest and not refit:
        return latest
    return fit_model(regency, frame, actor=actor, year=year)


def fit_model(regency: str, households: pl.DataFrame, *, actor, year: int) -> WelfareModel:
    """A new model version for a regency: the PMT fitted on its families with known
    expenditure, its desil cut-offs ranked by persons, and score cut-offs for the poverty
    statuses set so that the shares below them match the shares the model expects (a PMT
    shrinks toward the mean, so its raw predictions would find too few poor)."""
    spec, statistics = pmt.fit(households)
    scores = pmt.predict(households, spec)
    sizes = households["size"].cast(pl.Float64).to_numpy()
    shares = _status_shares(households, scores, sizes, statistics["rmse"])
    statistics["shares"] = shares
    statistics["sample_shares"] = _sample_shares(households)
    statistics["families"] = households.height
    cutoffs = {
        "desil": pmt.person_weighted_cutoffs(scores, sizes, [d / 10 for d in range(1, 10)]),
        **dict(
            zip(
                shares,
                pmt.person_weighted_cutoffs(scores, sizes, list(shares.values())),
                strict=True,
            )
        ),
    }
    version = (
        WelfareModel.objects.filter(regency_id=regency).aggregate(top=models.Max("version"))["top"]
        or 0
    ) + 1
    model = WelfareModel.objects.create(
        regency=Region.objects.get(code=regency),
        version=version,
        year=year,
        fitted_by=actor if actor and actor.pk else None,
        specification=spec,
        statistics=statistics,
        cutoffs=cutoffs,
    )
    record_change(
        model,
        actor=actor,
        action=ChangeAction.CREATE,
        after={"version": version, "year": year, "holdout_r2": statistics.get("holdout_r2")},
    )
    return model


#: Each status with the line (Rp per person per month) a family is below.
STATUS_LINES = (
    (PovertyStatus.EXTREME.value, pl.col("extreme_line")),
    (PovertyStatus.POOR.value, pl.col("poverty_line")),
    (PovertyStatus.VULNERABLE.value, pl.col("poverty_line") * VULNERABLE_MULTIPLE),
)


def _status_shares(
    households: pl.DataFrame, scores: np.ndarray, sizes: np.ndarray, rmse: float
) -> dict[str, float]:
    """Person-weighted shares expected below each line, over every family."""
    return {
        status: pmt.expected_share_below(
            scores,
            sizes,
            households.select(line.cast(pl.Float64).log()).to_series().to_numpy(),
            rmse,
        )
        for status, line in STATUS_LINES
    }


def _sample_shares(households: pl.DataFrame) -> dict[str, float]:
    """Person-weighted shares below each line among families with known expenditure (shown
    beside the model's: the two should agree within the sample's noise)."""
    known = households.filter(pl.col("expenditure_per_capita") > 0)
    persons = known["size"].sum() or 1
    return {
        status: float(known.filter(pl.col("expenditure_per_capita") < line)["size"].sum() / persons)
        for status, line in STATUS_LINES
    }


#: Approved verivali outcomes that take a family off the poor, whatever its PMT score.
VERIFIED_NOT_POOR = [VerificationStatus.WELL_OFF.value, VerificationStatus.NOT_ELIGIBLE.value]


def score(households: pl.DataFrame, model: WelfareModel) -> pl.DataFrame:
    """Households with score, predicted and observed expenditure, desil, status and the
    BPS criteria."""
    scores = pmt.predict(households, model.specification)
    cut = model.cutoffs
    desil = np.searchsorted(np.array(cut["desil"]), scores, side="left") + 1
    observed = pl.col("expenditure_per_capita")
    by_observation = (
        pl.when(observed < pl.col("extreme_line"))
        .then(pl.lit(PovertyStatus.EXTREME.value))
        .when(observed < pl.col("poverty_line"))
        .then(pl.lit(PovertyStatus.POOR.value))
        .when(observed < pl.col("poverty_line") * VULNERABLE_MULTIPLE)
        .then(pl.lit(PovertyStatus.VULNERABLE.value))
        .otherwise(pl.lit(PovertyStatus.NOT_POOR.value))
    )
    by_score = (
        pl.when(pl.col("score") <= cut[PovertyStatus.EXTREME])
        .then(pl.lit(PovertyStatus.EXTREME.value))
        .when(pl.col("score") <= cut[PovertyStatus.POOR])
        .then(pl.lit(PovertyStatus.POOR.value))
        .when(pl.col("score") <= cut[PovertyStatus.VULNERABLE])
        .then(pl.lit(PovertyStatus.VULNERABLE.value))
        .otherwise(pl.lit(PovertyStatus.NOT_POOR.value))
    )
    scored = households.with_columns(
        score=pl.Series(scores), desil=pl.Series(desil, dtype=pl.Int16)
    ).with_columns(
        predicted_expenditure=((pl.col("score").exp() / 1000).round() * 1000).cast(pl.Int64),
        observed_expenditure=pl.when(observed > 0).then(observed),
        pmt_status=by_score,
        # What a field visit found and Dinsos approved outranks any estimate: a family
        # found well-off (mampu) or not eligible is not counted poor, whatever its score.
        status=pl.when(pl.col("verification_status").is_in(VERIFIED_NOT_POOR))
        .then(pl.lit(PovertyStatus.NOT_POOR.value))
        .when(observed > 0)
        .then(by_observation)
        .otherwise(by_score),
    )
    return scored.join(count_criteria(households), on="family_id")


def _write_results(model: WelfareModel, scored: pl.DataFrame) -> None:
    """This model's results for these families, replacing any it gave them before (other
    versions' results stay)."""
    _delete_for(FamilyWelfare, model, scored["family_id"].to_list())
    rows = scored.select(
        "family_id",
        pl.lit(model.pk, pl.Int64).alias("model_id"),
        "score",
        "predicted_expenditure",
        "observed_expenditure",
        "desil",
        "status",
        "criteria_met",
        "criteria_known",
        # As JSON text (the codes are plain slugs).
        pl.when(pl.col("criteria").list.len() > 0)
        .then(pl.concat_str(pl.lit('["'), pl.col("criteria").list.join('","'), pl.lit('"]')))
        .otherwise(pl.lit("[]"))
        .alias("criteria"),
    )
    bulk_insert(FamilyWelfare._meta.db_table, rows.columns, rows)


def _write_needs(model: WelfareModel, needs: pl.DataFrame, family_ids: list[int]) -> None:
    _delete_for(FamilyNeed, model, family_ids)
    rows = needs.with_columns(model_id=pl.lit(model.pk, pl.Int64))
    bulk_insert(FamilyNeed._meta.db_table, rows.columns, rows)


def _delete_for(result_model, model: WelfareModel, family_ids: list[int]) -> None:
    """Delete a model version's rows of ``result_model`` for these families."""
    for chunk in id_chunks(family_ids):
        result_model.objects.filter(model=model, family_id__in=chunk).delete()


def newest_models(within: str | None = None) -> models.QuerySet:
    """Each regency's newest model version: the one whose results are current (only the
    regencies within the region ``within``, when given)."""
    newer = WelfareModel.objects.filter(
        regency=models.OuterRef("regency"), version__gt=models.OuterRef("version")
    )
    newest = WelfareModel.objects.filter(~models.Exists(newer))
    return newest.filter(regency__code__within=within) if within else newest


def in_force_model_ids() -> list[int]:
    """The ids of the model versions whose results are current (``newest_models``), as a
    list: an IN list of a few ids is read from the results' indexes, where a subquery is
    planned per row. Never empty: an empty IN would empty a whole list, not only a join
    (0 is no model's id)."""
    # Unordered: the model's default order joins every region (all of Indonesia's) to sort.
    return list(newest_models().order_by().values_list("pk", flat=True)) or [0]


def current_results():
    """Every family's result under its regency's newest model version."""
    return FamilyWelfare.objects.filter(model_id__in=in_force_model_ids())


@dataclass
class AreaResults:
    """The results in force of one area: families and persons by status, families by desil."""

    area: str
    name: str
    families: dict[str, int]
    persons: dict[str, int]
    by_desil: list[int]

    @property
    def total(self) -> int:
        return sum(self.families.values())


def results_by_area(within: str | None) -> list[AreaResults]:
    """Per district (within a region), the families and persons of each poverty status and
    the families of each desil, under the results in force."""
    results = current_results().filter(family__lifecycle="aktif")
    if within:
        results = results.filter(family__village__code__within=within)
    district = Substr("family__village_id", 1, 8)
    by_status = (
        results.annotate(district=district)
        .values("district", "status")
        .annotate(
            families=Count("id", distinct=True),
            persons=Count("family__members", filter=Q(family__members__lifecycle="aktif")),
        )
    )
    by_desil = (
        results.annotate(district=district)
        .values("district", "desil")
        .annotate(families=Count("id"))
    )
    areas: dict[str, AreaResults] = {}

    def area(code: str) -> AreaResults:
        return areas.setdefault(code, AreaResults(code, code, {}, {}, [0] * 10))

    for row in by_status:
        area(row["district"]).families[row["status"]] = row["families"]
        area(row["district"]).persons[row["status"]] = row["persons"]
    for row in by_desil:
        if row["desil"] and 1 <= row["desil"] <= 10:
            area(row["district"]).by_desil[row["desil"] - 1] += row["families"]
    names = dict(Region.objects.filter(code__in=list(areas)).values_list("code", "name"))
    for code, found in areas.items():
        found.name = names.get(code, code)
    return sorted(areas.values(), key=lambda a: a.area)


def latest_result(family) -> FamilyWelfare | None:
    """The family's result under the newest model that classified it."""
    return (
        FamilyWelfare.objects.filter(family=family)
        .select_related("model")
        .order_by("-model__fitted_at", "-model__version")
        .first()
    )


def explain(family) -> dict | None:
    """Everything the family page shows about a family's welfare, in words: its latest
    result, the lines it was measured against, each BPS criterion, and each need with the
    rule that raised it."""
    from .criteria import CRITERIA

    result = latest_result(family)
    if result is None:
        return None
    model = result.model
    lines = lines_for(pl.Series([family.village_id]), model.year).row(0, named=True)
    met = set(result.criteria)
    criteria = [
        {
            "label": criterion.label,
            "state": "met"
            if criterion.code in met
            else ("unknown" if criterion.met is None else "no"),
        }
        for criterion in CRITERIA
    ]
    needs = FamilyNeed.objects.filter(family=family, model=model).select_related("rule__agency")
    return {
        "result": result,
        "model": model,
        "poverty_line": lines["poverty_line"],
        "extreme_line": lines["extreme_line"],
        "vulnerable_line": round(lines["poverty_line"] * VULNERABLE_MULTIPLE),
        "criteria": criteria,
        "needs": needs,
    }
