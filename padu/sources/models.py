import io

import polars as pl
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.accounts.policy import RestrictedQuerySet, ScopedBy
from padu.core.fields import actor_field
from padu.core.models import Progress

from .canonical import unique_headers
from .choices import BatchStatus, Severity, SourceKind


class SourceDataset(models.Model):
    """A named feed (DTKS, P3KE, Regsosek, an agency list) with its precedence."""

    name = models.CharField(_("nama"), max_length=60, unique=True)
    kind = models.CharField(_("jenis"), max_length=16, choices=SourceKind.choices)
    precedence = models.PositiveSmallIntegerField(
        _("prioritas"), default=10, help_text=_("makin besar makin dipercaya saat data berbeda")
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        verbose_name=_("OPD"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    description = models.TextField(_("keterangan"), blank=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region=None)  # shared by every region of the installation

    class Meta:
        verbose_name = _("sumber data")
        verbose_name_plural = _("sumber data")
        ordering = ["-precedence", "name"]

    def __str__(self) -> str:
        return self.name


class ImportBatch(Progress):
    """One file taken in: who, when, what happened to every row."""

    dataset = models.ForeignKey(
        SourceDataset, verbose_name=_("sumber"), on_delete=models.PROTECT, related_name="batches"
    )
    file_name = models.CharField(_("nama file"), max_length=255)
    file_sha256 = models.CharField(_("sidik file (SHA-256)"), max_length=64, db_index=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    family_file = models.FileField(
        _("file keluarga"),
        blank=True,
        help_text=_("bila keluarga dan anggota ada di dua file, digabung lewat ID keluarga/No KK"),
    )
    family_file_name = models.CharField(_("nama file keluarga"), max_length=255, blank=True)
    family_file_sha256 = models.CharField(max_length=64, blank=True)
    mapping = models.JSONField(_("pemetaan kolom"), default=dict, blank=True)
    layout = models.CharField(
        _("tata letak"),
        max_length=60,
        blank=True,
        help_text=_("tata letak ekspor yang dikenali (padu/sources/data/layouts), bila ada"),
    )
    header = models.JSONField(_("judul kolom"), default=list, blank=True)
    value_names = models.JSONField(_("nama nilai ternormalisasi"), default=list, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("wilayah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "wilayah kerja pengimpor: baris di luar wilayah ini ditolak, dan batch ini "
            "terlihat oleh wali data wilayah ini dan di atasnya (kosong: seluruh Indonesia)"
        ),
    )
    follow_up_of = models.ForeignKey(
        "self",
        verbose_name=_("lanjutan dari"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_ups",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("menggantikan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
        help_text=_(
            "batch file yang sama yang diimpor ulang dengan pemetaan lain: rekamannya menjadi "
            "riwayat begitu batch ini selesai"
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    withdrawn_at = models.DateTimeField(_("ditarik"), null=True, blank=True)
    withdrawn_by = actor_field(_("ditarik oleh"))
    withdrawal_reason = models.TextField(_("alasan penarikan"), blank=True)
    message = models.TextField(_("pesan"), blank=True)
    imported_by = actor_field(_("diimpor oleh"))
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("baris dibaca"), default=0)
    rows_accepted = models.PositiveIntegerField(_("baris diterima"), default=0)
    rows_warned = models.PositiveIntegerField(_("baris dengan peringatan"), default=0)
    rows_rejected = models.PositiveIntegerField(_("baris ditolak"), default=0)
    rows_duplicate = models.PositiveIntegerField(_("baris kembar"), default=0)
    rows_skipped = models.PositiveIntegerField(
        _("baris bukan data"),
        default=0,
        help_text=_("baris penomoran kolom, catatan, dan baris pembuka keluarga: dilewati"),
    )
    records_created = models.PositiveIntegerField(_("rekaman baru"), default=0)
    records_updated = models.PositiveIntegerField(_("rekaman diperbarui"), default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="region__code")

    class Meta:
        verbose_name = _("batch impor")
        verbose_name_plural = _("batch impor")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.dataset} · {self.file_name} ({self.get_status_display()})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


#: The normalised values that have a column of their own on SourceRecord (what matching
#: compares and filters on); the others are kept in ValueRows blocks.
KEY_COLUMNS = (
    "nik",
    "nik_status",
    "kk_number",
    "family_record_id",
    "full_name",
    "name_key",
    "sex",
    "birth_date",
    "village_id",
    "rt",
    "rw",
)


class SourceRecordQuerySet(RestrictedQuerySet):
    def current(self) -> "SourceRecordQuerySet":
        """The newest published version of every record: what matching works on."""
        return self.filter(superseded_by__isnull=True, batch__status=BatchStatus.COMPLETED)


class SourceRecord(models.Model):
    """One accepted row: kept verbatim, and normalised.

    Key fields for matching are columns; the other normalised values (``fields``) are in the
    batch's ``ValueRows`` and the row as it was in the file in its ``RawRows``, both found by
    ``row_number``.
    Each batch writes its own rows, visible once the batch is published; a later batch of
    the same dataset that carries the same record id supersedes the older version, which
    remains as history. Publishing touches only the superseded rows, never the new ones.
    """

    # Indexes and constraints cost a bulk load dearly, so each is here for a reason: the
    # composite indexes below serve dataset and batch; dataset repeats batch.dataset and
    # records are written only for a batch that exists (so neither needs a constraint, whose
    # check would run once per row); village codes are checked against regions on import.
    dataset = models.ForeignKey(
        SourceDataset,
        on_delete=models.PROTECT,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        related_name="records",
        db_index=False,
        db_constraint=False,
    )
    record_id = models.CharField(_("ID rekaman"), max_length=64)
    row_number = models.PositiveIntegerField(_("nomor baris"))
    superseded_by = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded",
        db_index=False,
    )
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    nik_status = models.CharField(max_length=20, blank=True)
    kk_number = models.CharField(_("No KK"), max_length=16, blank=True)
    family_record_id = models.CharField(max_length=64, blank=True)
    full_name = models.CharField(_("nama"), max_length=150, blank=True)
    name_key = models.CharField(max_length=150, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    village = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    rt = models.CharField(max_length=3, blank=True)
    rw = models.CharField(max_length=3, blank=True)
    objects = SourceRecordQuerySet.as_manager()
    scoped_by = ScopedBy(region="village__code")

    class Meta:
        verbose_name = _("rekaman sumber")
        verbose_name_plural = _("rekaman sumber")
        indexes = [
            models.Index(fields=["dataset", "record_id"], name="record_dataset_id"),
            models.Index(fields=["batch", "row_number"], name="record_batch_row"),
        ]

    def __str__(self) -> str:
        return f"{self.dataset_id}:{self.record_id} {self.full_name}"

    @property
    def raw_row(self) -> dict[str, str | None]:
        """The row as it was in the file, by column title (load with select_related("batch"))."""
        return RawRows.row(self.batch, self.row_number)

    @property
    def fields(self) -> dict:
        """The normalised values that have no column of their own, by field name (load with
        select_related("batch"))."""
        return ValueRows.row(self.batch, self.row_number) or dict.fromkeys(
            self.batch.value_names or []
        )


class ImportIssue(models.Model):
    """A problem found in one cell or row, in words the user can act on."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField(_("baris"))
    column = models.CharField(_("kolom"), max_length=100, blank=True)
    value = models.CharField(_("nilai"), max_length=200, blank=True)
    severity = models.CharField(_("tingkat"), max_length=8, choices=Severity.choices)
    code = models.CharField(max_length=40)
    message = models.CharField(_("pesan"), max_length=400)

    class Meta:
        verbose_name = _("masalah impor")
        verbose_name_plural = _("masalah impor")
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["batch", "severity", "row_number"], name="issue_batch")]

    def __str__(self) -> str:
        return f"baris {self.row_number} {self.column}: {self.message}"


class RowBlock(models.Model):
    """A block of a batch's rows as compressed Parquet, one per chunk of the import: ``_row``,
    the row number a person sees in the file, and the block's own columns.

    One block per chunk rather than a JSON array on every record: a JSON array was half of
    what an import wrote to the database and a fifth of its time; Parquet holds the same
    values in a tenth of the space and is read back a row group at a time.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="+")
    first_row = models.PositiveIntegerField()
    last_row = models.PositiveIntegerField()
    data = models.BinaryField()

    #: Rows per Parquet row group: one record's row is found by reading one group.
    GROUP_ROWS = 10_000
    #: How far a block written a few rows at a time may grow (see
    #: sources.services.field_records): rewriting it costs a few milliseconds.
    APPEND_ROWS = 10_000

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.batch_id}: baris {self.first_row}–{self.last_row}"

    @classmethod
    def encode(cls, rows: pl.DataFrame, batch_id: int | None = None):
        """A block, not yet saved, of ``rows`` (``_row`` and the block's columns)."""
        buffer = io.BytesIO()
        rows.write_parquet(
            buffer, compression="zstd", row_group_size=cls.GROUP_ROWS, statistics=True
        )
        return cls(
            batch_id=batch_id,
            first_row=int(rows["_row"].min()),
            last_row=int(rows["_row"].max()),
            data=buffer.getvalue(),
        )

    def frame(self, rows: list[int] | None = None, columns: list[str] | None = None):
        """The block's rows (those numbered ``rows``, if given; ``columns`` only, if given),
        as written."""
        scan = pl.scan_parquet(io.BytesIO(bytes(self.data)))
        if rows is not None:
            scan = scan.filter(pl.col("_row").is_in(rows))
        if columns is not None:
            scan = scan.select("_row", *[c for c in columns if c in scan.collect_schema()])
        return scan.collect()

    @classmethod
    def blocks(cls, batch: ImportBatch, numbers: list[int] | None = None) -> models.QuerySet:
        """The batch's blocks (those that may hold the rows ``numbers``), in file order."""
        blocks = cls._default_manager.filter(batch=batch).order_by("first_row")
        if numbers is not None:
            if not numbers:
                return blocks.none()
            return blocks.filter(first_row__lte=max(numbers), last_row__gte=min(numbers))
        return blocks

    @classmethod
    def read(
        cls,
        batch: ImportBatch,
        numbers: list[int] | None,
        columns: list[str] | None,
        empty: dict[str, pl.DataType],
    ) -> pl.DataFrame:
        """The rows (all, or those numbered ``numbers``) of the batch's blocks, in file order,
        ``columns`` only if given; a frame of schema ``empty`` when no block holds any."""
        parts = [
            block.frame(numbers, columns)
            for block in cls.blocks(batch, numbers).iterator(chunk_size=1)
        ]
        return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame(schema=empty)

    @classmethod
    def row(cls, batch: ImportBatch, number: int) -> dict:
        """One row of the subclass's ``rows``, by column name, without ``_row``; empty when
        no block holds it."""
        found = cls.rows(batch, [number])
        return (
            {k: v for k, v in found.row(0, named=True).items() if k != "_row"}
            if found.height
            else {}
        )


class RawRows(RowBlock):
    """A block of a batch's rows exactly as they were in the file, every row read (accepted
    or not): text columns ``c0``…``cN`` in the order of the batch's header."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="raw_blocks")

    class Meta:
        verbose_name = _("baris asli")
        verbose_name_plural = _("baris asli")
        indexes = [models.Index(fields=["batch", "first_row"], name="raw_rows_batch")]

    @classmethod
    def rows(cls, batch: ImportBatch, numbers: list[int] | None = None) -> pl.DataFrame:
        """The batch's raw rows (all, or those numbered ``numbers``) with its column titles
        as column names, in file order; a row no block holds is simply absent."""
        names = unique_headers(batch.header)
        schema = {"_row": pl.Int64, **{f"c{i}": pl.String for i in range(len(names))}}
        frame = cls.read(batch, numbers, None, schema)
        return frame.rename({f"c{i}": name for i, name in enumerate(names)}, strict=False)


class ValueRows(RowBlock):
    """A block of the normalised values of a batch's accepted rows that have no column of
    their own on SourceRecord: one typed column per name in the batch's ``value_names``."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="value_blocks")

    class Meta:
        verbose_name = _("nilai ternormalisasi")
        verbose_name_plural = _("nilai ternormalisasi")
        indexes = [models.Index(fields=["batch", "first_row"], name="value_rows_batch")]

    @classmethod
    def rows(
        cls, batch: ImportBatch, numbers: list[int] | None = None, names: list[str] | None = None
    ) -> pl.DataFrame:
        """``_row`` and the values (all, or those ``names``) of the batch's rows (all, or those
        numbered ``numbers``), in file order; a name the batch lacks is a column of nulls."""
        wanted = list(batch.value_names or []) if names is None else names
        frame = cls.read(batch, numbers, wanted, {"_row": pl.Int64})
        missing = [pl.lit(None).alias(name) for name in wanted if name not in frame.columns]
        return frame.with_columns(missing).select("_row", *wanted)
