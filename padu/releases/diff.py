"""What changed between two releases, family by family, from their Parquet files.

A family *entered* when it is in the newer release's active registry and was not in the
older one's; it *left* the other way round, and why (deceased, moved, merged into another
family, withdrawn from every source). A family in both may have become poor, no longer
be poor, changed status (miskin → ekstrem) or desil; the change is put down to what
differs behind it: an approved verivali visit, a newer source export, a new welfare model.
"""

import polars as pl

from padu.regions.models import Region
from padu.welfare.choices import PovertyStatus

from .choices import ChangeKind, ChangeSource, LeaveReason
from .storage import open_tables, release_dir

_COLUMNS = (
    "family_id, kk_number, village, district, regency, lifecycle, members, status, desil, "
    "verification_status, verified_on, last_batch_id, welfare_model_id, merged_into_id"
)
_POOR = ("ekstrem", "miskin")


def _families(release) -> pl.DataFrame:
    con = open_tables(release_dir(release.number), release.manifest, ["families"])
    try:
        return con.execute(f"SELECT {_COLUMNS} FROM families").pl()
    finally:
        con.close()


def diff_releases(older, newer) -> pl.DataFrame:
    """One row per family that differs: kind, reason (for one that left), source of the
    change, status and desil before and after, and its area."""
    before = _families(older).with_columns(
        present=(pl.col("lifecycle") == "aktif") & (pl.col("members") > 0)
    )
    after = _families(newer).with_columns(
        present=(pl.col("lifecycle") == "aktif") & (pl.col("members") > 0)
    )
    joined = before.join(after, on="family_id", how="full", suffix="_after", coalesce=True)
    was_in = pl.col("present").fill_null(False)
    is_in = pl.col("present_after").fill_null(False)
    was_poor = was_in & pl.col("status").is_in(_POOR).fill_null(False)
    is_poor = is_in & pl.col("status_after").is_in(_POOR).fill_null(False)
    kind = (
        pl.when(~was_in & is_in)
        .then(pl.lit(ChangeKind.ENTERED.value))
        .when(was_in & ~is_in)
        .then(pl.lit(ChangeKind.LEFT.value))
        .when(~was_poor & is_poor)
        .then(pl.lit(ChangeKind.BECAME_POOR.value))
        .when(was_poor & ~is_poor)
        .then(pl.lit(ChangeKind.NO_LONGER_POOR.value))
        .when(was_in & is_in & pl.col("status").ne_missing(pl.col("status_after")))
        .then(pl.lit(ChangeKind.STATUS.value))
        .when(was_in & is_in & pl.col("desil").ne_missing(pl.col("desil_after")))
        .then(pl.lit(ChangeKind.DESIL.value))
    )
    after_status = pl.col("verification_status_after").fill_null("")
    reason = (
        pl.when(pl.col("lifecycle_after") == "digabung")
        .then(pl.lit(LeaveReason.MERGED.value))
        .when((pl.col("lifecycle_after") == "pindah") | (after_status == "pindah"))
        .then(pl.lit(LeaveReason.MOVED.value))
        .when(after_status == "meninggal")
        .then(pl.lit(LeaveReason.DECEASED.value))
        .when(pl.col("lifecycle_after") == "bubar")
        .then(pl.lit(LeaveReason.DECEASED.value))
        .when(pl.col("present_after").is_not_null())
        .then(pl.lit(LeaveReason.WITHDRAWN.value))
        .otherwise(pl.lit(LeaveReason.UNKNOWN.value))
    )
    source = (
        pl.when(pl.col("verified_on").ne_missing(pl.col("verified_on_after")))
        .then(pl.lit(ChangeSource.VERIVALI.value))
        .when(pl.col("last_batch_id").ne_missing(pl.col("last_batch_id_after")))
        .then(pl.lit(ChangeSource.EXPORT.value))
        .when(pl.col("welfare_model_id").ne_missing(pl.col("welfare_model_id_after")))
        .then(pl.lit(ChangeSource.MODEL.value))
        .otherwise(pl.lit(ChangeSource.OTHER.value))
    )
    return (
        joined.with_columns(kind=kind)
        .filter(pl.col("kind").is_not_null())
        .select(
            "family_id",
            kk_number=pl.coalesce("kk_number_after", "kk_number"),
            regency=pl.coalesce("regency_after", "regency"),
            district=pl.coalesce("district_after", "district"),
            village=pl.coalesce("village_after", "village"),
            kind="kind",
            reason=pl.when(pl.col("kind") == ChangeKind.LEFT.value).then(reason),
            source=source,
            status_before=pl.when(was_in).then(pl.col("status")),
            status_after=pl.when(is_in).then(pl.col("status_after")),
            desil_before=pl.when(was_in).then(pl.col("desil")),
            desil_after=pl.when(is_in).then(pl.col("desil_after")),
        )
        .sort("village", "family_id")
    )


def change_label(key: str) -> str:
    """A column of ``summarise`` in words ("keluar:pindah" → "Keluar: Pindah")."""
    kind, _sep, reason = key.partition(":")
    label = str(ChangeKind(kind).label)
    return f"{label}: {LeaveReason(reason).label}" if reason else label


def for_readers(changes: pl.DataFrame) -> pl.DataFrame:
    """The family-by-family changes as a person reads them: headings and values in words,
    villages by name."""

    def words(choices) -> dict[str, str]:
        return {choice.value: str(choice.label) for choice in choices}

    statuses = words(PovertyStatus)
    names = dict(
        Region.objects.filter(code__in=changes["village"].unique().to_list()).values_list(
            "code", "name"
        )
    )
    return changes.select(
        pl.col("family_id").alias("ID keluarga"),
        pl.col("kk_number").alias("No KK"),
        pl.col("village").alias("Kode desa/kelurahan"),
        pl.col("village").replace_strict(names, default=None).alias("Desa/kelurahan"),
        pl.col("kind").replace_strict(words(ChangeKind), default=None).alias("Perubahan"),
        pl.col("reason").replace_strict(words(LeaveReason), default=None).alias("Alasan keluar"),
        pl.col("source").replace_strict(words(ChangeSource), default=None).alias("Sebab"),
        pl.col("status_before").replace_strict(statuses, default=None).alias("Status sebelum"),
        pl.col("status_after").replace_strict(statuses, default=None).alias("Status sesudah"),
        pl.col("desil_before").alias("Desil sebelum"),
        pl.col("desil_after").alias("Desil sesudah"),
    )


def summarise(changes: pl.DataFrame, by: str = "district") -> pl.DataFrame:
    """Counts of each kind of change (and of each reason for leaving) per ``by`` area,
    with a total row."""
    label = (
        pl.when(pl.col("reason").is_not_null())
        .then(pl.col("kind") + ":" + pl.col("reason"))
        .otherwise(pl.col("kind"))
    )
    counts = changes.with_columns(change=label).group_by(by, "change").len()
    if counts.height == 0:
        return pl.DataFrame({by: ["Jumlah"]})
    wide = counts.pivot(on="change", index=by, values="len").fill_null(0).sort(by)
    total = wide.select(pl.lit("Jumlah").alias(by), pl.exclude(by).sum())
    return pl.concat([wide, total], how="vertical_relaxed")
