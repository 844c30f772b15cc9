from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from padu.accounts.policy import RestrictedQuerySet, ScopedBy
from padu.core.fields import actor_field

from . import choices as c
from .names import key_of

#: Where a position in Indonesia can be, with a margin (for validating GPS readings).
LATITUDE_RANGE = (-11.5, 6.5)
LONGITUDE_RANGE = (94.5, 141.5)


#: A family's dwelling, as Regsosek asks of it.
HOUSING_FIELDS = (
    "house_tenure",
    "floor_area_m2",
    "floor_material",
    "wall_material",
    "roof_material",
    "toilet_facility",
    "drinking_water",
    "lighting",
    "electricity_capacity",
    "cooking_fuel",
)
#: What a family owns.
ASSET_FIELDS = (
    "has_lpg_5kg_or_more",
    "has_refrigerator",
    "has_air_conditioner",
    "has_water_heater",
    "has_television",
    "has_gold_10g",
    "has_computer",
    "has_smartphone",
    "has_motorcycle",
    "has_car",
    "has_boat",
    "owns_land",
    "livestock_units",
)
#: The national programs the sources say a family receives.
PROGRAM_FIELDS = (
    "receives_pkh",
    "receives_bpnt",
    "receives_pbi_jk",
    "receives_pip",
    "receives_blt_dd",
)


class GoldenRecord(models.Model):
    """What every golden record carries: where each value came from, where it stands in its
    life, whom it was merged into, and its version (for edits that must not cross)."""

    origins = models.JSONField(
        _("asal data"),
        default=dict,
        blank=True,
        help_text=_("untuk tiap kolom: rekaman sumber asal nilainya"),
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("digabung ke"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("versi"), default=1, editable=False)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        abstract = True


class Family(GoldenRecord):
    """A golden family record (keluarga, one Kartu Keluarga): the unit of DTSEN."""

    kk_number = models.CharField(_("No KK"), max_length=16, blank=True, db_index=True)
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="families",
        limit_choices_to={"level": 4},
    )
    address = models.CharField(_("alamat"), max_length=255, blank=True)
    rt = models.CharField(_("RT"), max_length=3, blank=True)
    rw = models.CharField(_("RW"), max_length=3, blank=True)
    latitude = models.FloatField(
        _("lintang"),
        null=True,
        blank=True,
        validators=[MinValueValidator(LATITUDE_RANGE[0]), MaxValueValidator(LATITUDE_RANGE[1])],
    )
    longitude = models.FloatField(
        _("bujur"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(LONGITUDE_RANGE[0]),
            MaxValueValidator(LONGITUDE_RANGE[1]),
        ],
    )

    # Housing (HOUSING_FIELDS).
    house_tenure = models.CharField(
        _("status kepemilikan rumah"), max_length=16, choices=c.HouseTenure.choices, blank=True
    )
    floor_area_m2 = models.PositiveIntegerField(_("luas lantai (m²)"), null=True, blank=True)
    floor_material = models.CharField(
        _("jenis lantai terluas"), max_length=16, choices=c.FloorMaterial.choices, blank=True
    )
    wall_material = models.CharField(
        _("jenis dinding terluas"), max_length=16, choices=c.WallMaterial.choices, blank=True
    )
    roof_material = models.CharField(
        _("jenis atap terluas"), max_length=16, choices=c.RoofMaterial.choices, blank=True
    )
    toilet_facility = models.CharField(
        _("fasilitas BAB"), max_length=12, choices=c.ToiletFacility.choices, blank=True
    )
    drinking_water = models.CharField(
        _("sumber air minum"), max_length=24, choices=c.DrinkingWater.choices, blank=True
    )
    lighting = models.CharField(
        _("sumber penerangan"), max_length=20, choices=c.Lighting.choices, blank=True
    )
    electricity_capacity = models.CharField(
        _("daya listrik"), max_length=16, choices=c.ElectricityCapacity.choices, blank=True
    )
    cooking_fuel = models.CharField(
        _("bahan bakar memasak"), max_length=16, choices=c.CookingFuel.choices, blank=True
    )

    # Assets (ASSET_FIELDS).
    has_lpg_5kg_or_more = models.BooleanField(_("tabung gas ≥5,5 kg"), null=True, blank=True)
    has_refrigerator = models.BooleanField(_("lemari es"), null=True, blank=True)
    has_air_conditioner = models.BooleanField(_("AC"), null=True, blank=True)
    has_water_heater = models.BooleanField(_("pemanas air"), null=True, blank=True)
    has_television = models.BooleanField(_("televisi"), null=True, blank=True)
    has_gold_10g = models.BooleanField(_("emas/perhiasan ≥10 gram"), null=True, blank=True)
    has_computer = models.BooleanField(_("komputer/laptop"), null=True, blank=True)
    has_smartphone = models.BooleanField(_("telepon pintar"), null=True, blank=True)
    has_motorcycle = models.BooleanField(_("sepeda motor"), null=True, blank=True)
    has_car = models.BooleanField(_("mobil"), null=True, blank=True)
    has_boat = models.BooleanField(_("perahu/kapal motor"), null=True, blank=True)
    owns_land = models.BooleanField(_("memiliki lahan (selain rumah)"), null=True, blank=True)
    livestock_units = models.PositiveSmallIntegerField(
        _("ternak besar (ekor)"), null=True, blank=True
    )

    # Programs received, as reported by the sources (PROGRAM_FIELDS).
    receives_pkh = models.BooleanField(_("PKH"), default=False)
    receives_bpnt = models.BooleanField(_("BPNT/Sembako"), default=False)
    receives_pbi_jk = models.BooleanField(_("PBI JK"), default=False)
    receives_pip = models.BooleanField(_("PIP"), default=False)
    receives_blt_dd = models.BooleanField(_("BLT Dana Desa"), default=False)

    expenditure_per_capita = models.PositiveIntegerField(
        _("pengeluaran per kapita (Rp/bulan)"),
        null=True,
        blank=True,
        help_text=_("hasil pencacahan, bila diketahui; selain itu diprediksi oleh PMT"),
    )

    verification_status = models.CharField(
        _("status verivali"),
        max_length=16,
        choices=c.VerificationStatus.choices,
        blank=True,
        help_text=_("hasil kunjungan lapangan terakhir yang disetujui"),
    )
    verified_on = models.DateField(_("tanggal verivali"), null=True, blank=True)

    lifecycle = models.CharField(
        _("status"),
        max_length=10,
        choices=c.FamilyLifecycle.choices,
        default=c.FamilyLifecycle.ACTIVE,
    )

    scoped_by = ScopedBy(region="village__code", family="pk")

    class Meta:
        verbose_name = _("keluarga")
        verbose_name_plural = _("keluarga")
        ordering = ["village_id", "rw", "rt", "id"]
        indexes = [
            models.Index(fields=["village", "rw", "rt"], name="family_village_rw_rt"),
            models.Index(
                fields=["village"], name="family_village_prefix", opclasses=["varchar_pattern_ops"]
            ),
            # The family list's filters within a region, answered from the index alone
            # (benchmarks/lists.py: a count of 300,000 families in 20 ms instead of 1.6 s).
            models.Index(fields=["village", *PROGRAM_FIELDS], name="family_list_programs"),
            models.Index(
                fields=["village", "verification_status", "verified_on"],
                name="family_list_verification",
            ),
            # A family list filtered by a set of ids (a need, a desil) reads the order of
            # its rows from this index, not from the rows (150 ms → 50 ms for 100,000).
            models.Index(fields=["id", "village", "rw", "rt"], name="family_list_order"),
            # A search by part of an address scans this narrow index, not the rows.
            models.Index(fields=["address"], name="family_address"),
        ]

    def __str__(self) -> str:
        return f"KK {self.kk_number or '—'} ({self.village_id})"

    @property
    def rt_rw(self) -> str:
        return f"{self.rt or '-'}/{self.rw or '-'}"


class Person(GoldenRecord):
    """A golden person record (one NIK, one human), member of one family."""

    family = models.ForeignKey(
        Family, verbose_name=_("keluarga"), on_delete=models.PROTECT, related_name="members"
    )
    nik = models.CharField(_("NIK"), max_length=16, blank=True, db_index=True)
    full_name = models.CharField(_("nama lengkap"), max_length=150)
    #: ``padu.registry.names.name_key`` of the name: what search looks names up by.
    name_key = models.CharField(_("kunci nama"), max_length=150, blank=True, editable=False)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=c.Sex.choices, blank=True)
    birth_place = models.CharField(_("tempat lahir"), max_length=100, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    relationship = models.CharField(
        _("hubungan dengan kepala keluarga"),
        max_length=12,
        choices=c.Relationship.choices,
        blank=True,
    )
    mother_name = models.CharField(_("nama ibu kandung"), max_length=150, blank=True)
    marital_status = models.CharField(
        _("status perkawinan"), max_length=12, choices=c.MaritalStatus.choices, blank=True
    )
    education = models.CharField(
        _("ijazah tertinggi"), max_length=12, choices=c.Education.choices, blank=True
    )
    school_participation = models.CharField(
        _("partisipasi sekolah"), max_length=14, choices=c.SchoolParticipation.choices, blank=True
    )
    occupation = models.CharField(_("pekerjaan/lapangan usaha"), max_length=100, blank=True)
    work_status = models.CharField(
        _("status pekerjaan"), max_length=18, choices=c.WorkStatus.choices, blank=True
    )
    disability = models.CharField(
        _("disabilitas"), max_length=12, choices=c.Disability.choices, blank=True
    )
    chronic_illness = models.CharField(
        _("penyakit kronis"), max_length=12, choices=c.ChronicIllness.choices, blank=True
    )
    health_insurance = models.CharField(
        _("jaminan kesehatan"), max_length=14, choices=c.HealthInsurance.choices, blank=True
    )
    is_pregnant = models.BooleanField(_("sedang hamil"), null=True, blank=True)

    lifecycle = models.CharField(
        _("status"), max_length=10, choices=c.Lifecycle.choices, default=c.Lifecycle.ACTIVE
    )

    scoped_by = ScopedBy(region="family__village__code", family="family_id")

    class Meta:
        verbose_name = _("penduduk")
        verbose_name_plural = _("penduduk")
        ordering = ["family_id", "id"]
        indexes = [
            models.Index(fields=["full_name"], name="person_full_name"),
            # A prefix of the key uses it on both databases (varchar_pattern_ops for
            # PostgreSQL's LIKE); a part of it uses the trigram index PostgreSQL adds in
            # migration 0006, and a scan of this narrow index on SQLite.
            models.Index(
                fields=["name_key"], name="person_name_key", opclasses=["varchar_pattern_ops"]
            ),
            # Counting a region's active persons, by age and sex, from the index alone.
            models.Index(
                fields=["family", "lifecycle", "birth_date", "sex"], name="person_list_family"
            ),
            # A search by part of a name scans this index, not the table's wide rows.
            models.Index(fields=["name_key", "lifecycle", "family"], name="person_name_search"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.name_key = key_of(self.full_name)
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class FamilyPhoto(models.Model):
    family = models.ForeignKey(
        Family, verbose_name=_("keluarga"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("foto"), upload_to="families/%Y/%m/")
    caption = models.CharField(_("keterangan"), max_length=200, blank=True)
    taken_at = models.DateTimeField(_("waktu pengambilan"), null=True, blank=True)
    latitude = models.FloatField(_("lintang"), null=True, blank=True)
    longitude = models.FloatField(_("bujur"), null=True, blank=True)
    uploaded_by = actor_field(_("diunggah oleh"))
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    scoped_by = ScopedBy(region="family__village__code", family="family_id")

    class Meta:
        verbose_name = _("foto rumah")
        verbose_name_plural = _("foto rumah")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.family} {self.caption}"
