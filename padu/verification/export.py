"""A round's results in the layout of SIKS-NG's verivali upload: one row per person."""

import polars as pl

from padu.core.bulk import id_chunks
from padu.regions.models import Region
from padu.registry.choices import Lifecycle, Relationship, VerificationStatus
from padu.registry.models import Person

from .choices import VisitStatus
from .models import Round

COLUMNS = [
    "NO", "ID_KUNJUNGAN", "KODE_WILAYAH", "PROVINSI", "KABUPATEN_KOTA", "KECAMATAN",
    "DESA_KELURAHAN", "ALAMAT", "RT", "RW", "NO_KK", "NIK", "NAMA", "JENIS_KELAMIN",
    "TANGGAL_LAHIR", "HUBUNGAN_KELUARGA", "STATUS_ANGGOTA", "STATUS_VERIVALI",
    "TANGGAL_KUNJUNGAN", "OPERATOR", "TANGGAL_MUSDES", "STATUS_PERSETUJUAN", "LINTANG", "BUJUR",
    "CATATAN",
]  # fmt: skip


def round_results(verification_round: Round, visits) -> pl.DataFrame:
    """Every person of every visited family of the round, as the golden record now stands,
    with the visit's outcome and where its approval stands. ``visits``: those the reader
    may export (``Visit.objects.restrict(user, "export")``), never all by default."""
    visits = list(
        visits.filter(round=verification_round, family__isnull=False)
        .exclude(status=VisitStatus.RETURNED)
        .values_list(
            "pk", "family_id", "outcome", "visited_on", "operator__username",
            "meeting__held_on", "status", "latitude", "longitude", "notes",
        )
        .order_by("village_id", "pk")
    )  # fmt: skip
    by_family = {row[1]: row for row in visits}
    persons = []
    for chunk in id_chunks(list(by_family)):
        persons += Person.objects.filter(family_id__in=chunk).values_list(
            "family_id", "family__village_id", "family__address", "family__rt", "family__rw",
            "family__kk_number", "nik", "full_name", "sex", "birth_date", "relationship",
            "lifecycle",
        ).order_by("family__village_id", "family_id", "id")  # fmt: skip
    names = _region_names({p[1] for p in persons})
    outcome, status = dict(VerificationStatus.choices), dict(VisitStatus.choices)
    relationship, lifecycle = dict(Relationship.choices), dict(Lifecycle.choices)
    rows = []
    for number, person in enumerate(persons, start=1):
        (family_id, village, address, rt, rw, kk, nik, name, sex, born, rel, life) = person
        visit = by_family[family_id]
        area = names.get(village, ("", "", "", ""))
        rows.append(
            [
                number, visit[0], village, *area, address, rt, rw, kk, nik, name, sex,
                born.isoformat() if born else "", str(relationship.get(rel, rel)),
                str(lifecycle.get(life, life)), str(outcome.get(visit[2], visit[2])),
                visit[3].isoformat(), visit[4], visit[5].isoformat() if visit[5] else "",
                str(status.get(visit[6], visit[6])), visit[7], visit[8], visit[9],
            ]
        )  # fmt: skip
    schema = {c: pl.String for c in COLUMNS} | {
        "NO": pl.Int64,
        "ID_KUNJUNGAN": pl.Int64,
        "LINTANG": pl.Float64,
        "BUJUR": pl.Float64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _region_names(villages: set[str]) -> dict[str, tuple[str, str, str, str]]:
    """village code -> (province, regency, district, village) names, in one query."""
    codes = set()
    for code in villages:
        codes |= {code[:2], code[:5], code[:8], code}
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    return {
        v: (names.get(v[:2], ""), names.get(v[:5], ""), names.get(v[:8], ""), names.get(v, ""))
        for v in villages
    }
