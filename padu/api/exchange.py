"""Exchange files in the national layouts, for systems that take files rather than calls:

- **SIKS-NG / DTKS** (``siks-ng``): a workbook of two sheets, ``RUTA`` (one row per family)
  and ``ART`` (one row per member), in the column names and PBDT 2015 codes of the layouts
  Padu imports (``siks-ng-bdt-ruta``, ``siks-ng-bdt-art``, codes of ``bdt-2015``), so that
  what Padu writes it reads back the same. ``IDBDT`` and ``IDARTBDT`` are Padu's family and
  person ids; ``KDPROP``/``KDKAB`` the Kemendagri codes (the same as BPS's at those levels);
  place names stand for the lower levels; ``Percentile`` is the upper bound of the family's
  desil (desil 3 → 30).
- **DTSEN desil list** (``dtsen-desil``): one row per family with its desil and status in
  force: NO_KK, NIK_KEPALA, NAMA_KEPALA, KODE_WILAYAH, DESA_KELURAHAN, ALAMAT, RT, RW,
  JUMLAH_ART, DESIL, STATUS.

Numbers are masked for a role that sees them masked, as in every other file."""

import polars as pl
from django.db.models import Count, OuterRef, Subquery

from padu.registry.choices import Lifecycle, Relationship
from padu.registry.identity import masked_columns
from padu.registry.models import Person
from padu.sources.layouts import layout_named
from padu.welfare.services import current_results

LAYOUTS = ("siks-ng", "dtsen-desil")
#: Member columns: SIKS-NG's name → Padu's field (coded with bdt-2015 where it has codes).
ART = {"Nama": "full_name", "JnsKel": "sex", "TmpLahir": "birth_place", "TglLahir": "birth_date",
       "NIK": "nik", "NoKK": "family__kk_number", "Hubkel": "relationship",
       "Sta_kawin": "marital_status", "Sta_hamil": "is_pregnant", "Jenis_cacat": "disability",
       "Penyakit_kronis": "chronic_illness", "Partisipasi_sekolah": "school_participation",
       "Ijazah_tertinggi": "education"}  # fmt: skip
RUTA = {"Alamat": "address", "sta_bangunan": "house_tenure", "luas_lantai": "floor_area_m2",
        "lantai": "floor_material", "dinding": "wall_material", "atap": "roof_material",
        "sumber_airminum": "drinking_water", "sumber_penerangan": "lighting",
        "daya": "electricity_capacity", "bb_masak": "cooking_fuel",
        "fasbab": "toilet_facility"}  # fmt: skip


def _codes() -> dict[str, dict[str, str]]:
    """Padu's value → the first PBDT 2015 code that means it, per field."""
    reverse = {}
    for field, codes in layout_named("bdt-2015").values.items():
        reverse[field] = {}
        for code, value in codes.items():
            reverse[field].setdefault(str(value), code)
    return reverse


def _coded(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    codes = _codes()
    coded = []
    for title, field in columns.items():
        name = field.split("__")[-1]
        if name in codes:
            coded.append(pl.col(title).cast(pl.String).replace_strict(codes[name], default=None))
        else:
            coded.append(pl.col(title))
    return frame.with_columns(coded)


def _place(families: pl.DataFrame) -> pl.DataFrame:
    code = pl.col("village_id")
    return families.with_columns(
        KDPROP=code.str.slice(0, 2), KDKAB=code.str.slice(3, 2),
        NMKEL=pl.col("village__name"), NMKEC=pl.col("village__parent__name"),
        NMKAB=pl.col("village__parent__parent__name"),
        NMPROP=pl.col("village__parent__parent__parent__name"),
    )  # fmt: skip


def _desil():
    results = current_results().filter(family=OuterRef("pk"))
    return Subquery(results.values("desil")[:1]), Subquery(results.values("status")[:1])


def siks_ng_sheets(families, *, reveal: bool) -> dict[str, pl.DataFrame]:
    desil, _status = _desil()
    place = ["village_id", "village__name", "village__parent__name",
             "village__parent__parent__name", "village__parent__parent__parent__name"]  # fmt: skip
    rows = list(
        families.annotate(desil=desil).values("pk", *place, "rt", "rw", *RUTA.values(), "desil")
    )
    ruta = pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame(
        schema={"pk": pl.Int64, **dict.fromkeys(place, pl.String), "desil": pl.Int64,
                **dict.fromkeys(RUTA.values(), pl.String), "rt": pl.String, "rw": pl.String}
    )  # fmt: skip
    ruta = _place(ruta).rename({"pk": "IDBDT", **{v: k for k, v in RUTA.items()}})
    members = Person.objects.filter(family__in=families, lifecycle=Lifecycle.ACTIVE)
    art_rows = list(members.values("pk", "family_id", *ART.values()))
    art = pl.DataFrame(art_rows, infer_schema_length=None) if art_rows else pl.DataFrame(
        schema={"pk": pl.Int64, "family_id": pl.Int64, **dict.fromkeys(ART.values(), pl.String)}
    )  # fmt: skip
    art = art.rename({"pk": "IDARTBDT", "family_id": "IDBDT", **{v: k for k, v in ART.items()}})
    heads = (
        art.filter(pl.col("Hubkel") == Relationship.HEAD)
        .group_by("IDBDT")
        .agg(Nama_KRT=pl.col("Nama").first())
    )
    sizes = art.group_by("IDBDT").agg(Jumlah_ART=pl.len())
    ruta = (
        ruta.join(heads, on="IDBDT", how="left")
        .join(sizes, on="IDBDT", how="left")
        .with_columns(Percentile=pl.col("desil") * 10)
    )
    art = art.join(ruta.select("IDBDT", "KDPROP", "KDKAB", "NMPROP", "NMKAB", "NMKEC", "NMKEL", "Alamat"),
                   on="IDBDT", how="left")  # fmt: skip
    art = _coded(art.with_columns(pl.col("TglLahir").cast(pl.Date)), ART)
    ruta = _coded(ruta, RUTA)
    ruta = ruta.select("IDBDT", "KDPROP", "KDKAB", "NMPROP", "NMKAB", "NMKEC", "NMKEL", "Alamat",
                       "Nama_KRT", "Jumlah_ART", *list(RUTA)[1:], "Percentile")  # fmt: skip
    art = art.select("IDARTBDT", "IDBDT", "KDPROP", "KDKAB", "NMPROP", "NMKAB", "NMKEC", "NMKEL",
                     "Alamat", *ART)  # fmt: skip
    if not reveal:
        art = masked_columns(art, ["NIK", "NoKK"])
    return {"RUTA": ruta, "ART": art}


def dtsen_desil(families, *, reveal: bool) -> pl.DataFrame:
    desil, status = _desil()
    heads = Person.objects.filter(family=OuterRef("pk"), relationship=Relationship.HEAD)
    active = Person.objects.filter(family=OuterRef("pk"), lifecycle=Lifecycle.ACTIVE)
    rows = families.annotate(
        desil=desil, status=status, head_nik=Subquery(heads.values("nik")[:1]),
        head_name=Subquery(heads.values("full_name")[:1]),
        size=Subquery(active.order_by().values("family").annotate(n=Count("pk")).values("n")),
    ).values_list("kk_number", "head_nik", "head_name", "village_id", "village__name", "address",
                  "rt", "rw", "size", "desil", "status")  # fmt: skip
    schema = {"NO_KK": pl.String, "NIK_KEPALA": pl.String, "NAMA_KEPALA": pl.String,
              "KODE_WILAYAH": pl.String, "DESA_KELURAHAN": pl.String, "ALAMAT": pl.String,
              "RT": pl.String, "RW": pl.String, "JUMLAH_ART": pl.Int64, "DESIL": pl.Int64,
              "STATUS": pl.String}  # fmt: skip
    frame = pl.DataFrame(list(rows), schema=schema, orient="row")
    return frame if reveal else masked_columns(frame, ["NO_KK", "NIK_KEPALA"])
