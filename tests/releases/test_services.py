"""Releases: the registry frozen as Parquet with a manifest, its way to publication, and
what nothing may change afterwards."""

import datetime as dt
import os
import stat

import duckdb
import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from padu.registry.models import Family, Person
from padu.releases import storage
from padu.releases.choices import ChangeKind, LeaveReason, ReleaseLifecycle
from padu.releases.diff import diff_releases, for_readers, summarise
from padu.releases.figures import figures_of
from padu.releases.indicators import MEASURES
from padu.releases.models import Release
from padu.releases.services import (
    ReleaseError,
    approve_release,
    check_release,
    create_release,
    discard_release,
    execute_build,
    publish_release,
    return_to_draft,
    set_decree,
    withdraw_release,
)
from padu.releases.snapshot import REGION_PATH
from padu.welfare.models import FamilyNeed, FamilyWelfare
from padu.welfare.services import current_results

from ..conftest import VILLAGE_A, make_family
from .conftest import PDF

pytestmark = pytest.mark.django_db


def _table(release, name: str) -> pl.DataFrame:
    con = storage.open_tables(storage.release_dir(release.number), release.manifest, [name])
    return con.execute(f"SELECT * FROM {name}").pl()


def _published(release, people):
    check_release(release, actor=people["verifier"])
    approve_release(release, actor=people["leader"])
    return _decree_and_publish(release, people)


def _decree_and_publish(release, people):
    set_decree(
        release,
        actor=people["custodian"],
        number="100.3.3.2/123/2026",
        date=dt.date(2026, 12, 1),
        signatory="Wali Kota Semarang",
        pdf=ContentFile(PDF, name="sk.pdf"),
    )
    return publish_release(release, actor=people["custodian"])


def test_a_release_is_the_registry_as_of_one_moment(classified_city, build):
    release = build()
    tables = release.manifest["tables"]
    in_city = Family.objects.filter(village__code__startswith="33.74")
    assert tables["families"]["rows"] == in_city.count()
    assert tables["persons"]["rows"] == Person.objects.filter(family__in=in_city).count()
    assert (
        tables["needs"]["rows"]
        == FamilyNeed.objects.filter(model__in=current_results().values("model")).count()
    )
    assert release.manifest["welfare_models"] and release.manifest["linkage_run"]

    directory = storage.release_dir(release.number)
    for name, entry in tables.items():
        for file in entry["files"]:
            path = directory / file["path"]
            assert not os.stat(path).st_mode & stat.S_IWUSR  # written read-only
            assert storage.sha256_of(path) == file["sha256"]
            if name != "aggregates" and entry["rows"]:
                assert file["path"].startswith(f"{name}/regency=33.74/")
        if name != "aggregates":  # every row carries its region path
            assert set(REGION_PATH) <= set(entry["columns"]), name

    # The welfare results frozen are the live ones of that moment.
    families = _table(release, "families")
    live = dict(current_results().values_list("family_id", "desil"))
    frozen = dict(
        families.filter(pl.col("desil").is_not_null()).select("family_id", "desil").iter_rows()
    )
    assert frozen == live

    # Every measure adds up: the city is the sum of its districts, a district of its villages.
    aggregates = _table(release, "aggregates")
    city = aggregates.filter(pl.col("area") == "33.74").row(0, named=True)
    districts = aggregates.filter(pl.col("parent") == "33.74")
    for measure in MEASURES:
        assert districts[measure.name].sum() == pytest.approx(city[measure.name]), measure.name
    assert city["families"] == in_city.filter(lifecycle="aktif").count()
    assert release.summary["families"] == city["families"]
    poor = FamilyWelfare.objects.filter(
        model__in=current_results().values("model"), status__in=["miskin", "ekstrem"]
    )
    assert city["families_poor"] == poor.filter(family__lifecycle="aktif").count() > 0


def test_a_release_goes_from_draft_through_check_and_approval_to_publication(
    classified_city, build, people
):
    release = build(actor=people["custodian"])
    assert release.lifecycle == ReleaseLifecycle.DRAFT
    with pytest.raises(PermissionDenied):
        check_release(release, actor=people["custodian"])  # the TKPK checks, not the maker
    with pytest.raises(ReleaseError, match="berstatus draf"):
        approve_release(release, actor=people["leader"])
    with pytest.raises(ReleaseError, match="disetujui pimpinan"):
        publish_release(release, actor=people["custodian"])

    release = check_release(release, actor=people["verifier"])
    with pytest.raises(PermissionDenied):
        approve_release(release, actor=people["camat"])  # a district's leader: not the city's
    release = return_to_draft(release, actor=people["leader"], reason="angka desa X diperiksa lagi")
    assert release.lifecycle == ReleaseLifecycle.DRAFT and release.checked_by is None
    release = check_release(release, actor=people["verifier"])
    release = approve_release(release, actor=people["leader"])
    with pytest.raises(ReleaseError, match="nomor keputusan"):
        publish_release(release, actor=people["custodian"])
    with pytest.raises(Exception, match="PDF"):
        set_decree(release, actor=people["custodian"], number="1", date=None, signatory="x",
                   pdf=ContentFile(b"not a pdf", name="sk.pdf"))  # fmt: skip

    release = _decree_and_publish(release, people)
    assert release.lifecycle == ReleaseLifecycle.PUBLISHED
    decree = release.manifest["decree"]
    assert decree["number"] == "100.3.3.2/123/2026"
    assert decree["sha256"] == storage.sha256_of(release.decree_file.path)
    on_disk = storage.release_dir(release.number) / storage.MANIFEST
    assert '"decree"' in on_disk.read_text(encoding="utf-8")
    # The camat reads the city's release (for the district), but cannot change it.
    assert Release.objects.restrict(people["camat"], "view").filter(pk=release.pk).exists()


def test_a_published_release_cannot_be_changed_by_any_path(classified_city, build, people):
    from django.contrib.admin.sites import site

    release = _published(build(actor=people["custodian"]), people)
    with pytest.raises(ReleaseError):
        set_decree(release, actor=people["custodian"], number="lain", date=None, signatory="")
    with pytest.raises(ReleaseError):
        discard_release(release, actor=people["custodian"])
    with pytest.raises(ReleaseError):
        check_release(release, actor=people["verifier"])
    # Past the services, the database itself refuses.
    for attempt in (
        lambda: Release.objects.filter(pk=release.pk).update(name="Diubah"),
        lambda: Release.objects.filter(pk=release.pk).update(manifest={}),
        lambda: Release.objects.filter(pk=release.pk).update(decree_number="lain"),
        lambda: Release.objects.filter(pk=release.pk).update(lifecycle="draft"),
        lambda: Release.objects.filter(pk=release.pk).delete(),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            attempt()
    # The admin shows it, read-only.
    admin = site._registry[Release]
    assert not admin.has_change_permission(_request(people["custodian"]), release)
    assert not admin.has_delete_permission(_request(people["custodian"]), release)

    # Withdrawal is the one step left: the release stays readable, with the reason.
    release = withdraw_release(release, actor=people["custodian"], reason="desil desa X keliru")
    assert release.lifecycle == ReleaseLifecycle.WITHDRAWN
    assert figures_of(release).area("33.74") is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        Release.objects.filter(pk=release.pk).update(withdrawal_reason="lain")
    release.refresh_from_db()
    assert release.name == "Data Tunggal Kemiskinan"


def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_tampered_file_is_detected_and_named(classified_city, build):
    release = build()
    directory = storage.release_dir(release.number)
    entry = release.manifest["tables"]["aggregates"]["files"][0]
    path = directory / entry["path"]
    figures_of(release)  # read once, intact
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))

    problems = storage.verify(directory, release.manifest)
    assert problems == [f"{entry['path']}: isinya berubah (SHA-256 tidak cocok)"]
    with pytest.raises(storage.ReleaseFilesError, match=str(path)):
        storage.open_tables(directory, release.manifest, ["aggregates"])
    path.unlink()
    assert storage.verify(directory, release.manifest) == [f"{entry['path']}: tidak ada"]


def test_differences_agree_with_the_changes_made_between_two_releases(classified_city, build):
    first = build("Rilis awal")
    results = FamilyWelfare.objects.filter(model__in=current_results().values("model"))
    active = results.filter(family__lifecycle="aktif", family__members__isnull=False).distinct()
    poor = list(active.filter(status="miskin").values_list("family_id", flat=True)[:3])
    not_poor = list(active.filter(status="tidak_miskin").values_list("family_id", flat=True)[:3])
    moved, no_longer_poor, desil_only = poor
    became_poor = not_poor[0]

    Family.objects.filter(pk=moved).update(lifecycle="pindah")
    results.filter(family_id=no_longer_poor).update(status="tidak_miskin")
    Family.objects.filter(pk=no_longer_poor).update(
        verification_status="mampu", verified_on=dt.date(2026, 11, 30)
    )
    results.filter(family_id=became_poor).update(status="miskin")
    results.filter(family_id=desil_only).update(
        desil=(results.get(family_id=desil_only).desil % 10) + 1
    )
    entered = make_family(
        VILLAGE_A, kk="3374019999990001", head="Warga Baru", nik="3374011705809999"
    )

    second = build("Rilis sesudah verivali")
    changes = diff_releases(first, second)
    kinds = dict(changes.group_by("kind").len().iter_rows())
    assert kinds == {
        ChangeKind.LEFT: 1,
        ChangeKind.NO_LONGER_POOR: 1,
        ChangeKind.BECAME_POOR: 1,
        ChangeKind.DESIL: 1,
        ChangeKind.ENTERED: 1,
    }
    by_family = {row["family_id"]: row for row in changes.iter_rows(named=True)}
    assert by_family[moved]["reason"] == LeaveReason.MOVED
    assert by_family[no_longer_poor]["source"] == "verivali"
    assert by_family[entered.pk]["kind"] == ChangeKind.ENTERED
    assert by_family[became_poor]["status_before"] == "tidak_miskin"

    readable = for_readers(changes)
    assert set(readable["Perubahan"]) == {
        "Masuk",
        "Keluar",
        "Menjadi miskin",
        "Tidak lagi miskin",
        "Desil berubah",
    }
    assert "Pindah" in set(readable["Alasan keluar"].drop_nulls())

    table = summarise(changes, by="district")
    total = table.filter(pl.col("district") == "Jumlah").row(0, named=True)
    assert total[f"{ChangeKind.LEFT}:{LeaveReason.MOVED}"] == 1
    assert sum(v for k, v in total.items() if k != "district") == changes.height == 5


def test_a_build_can_be_cancelled_and_leaves_no_files(classified_city):
    from padu.regions.models import Region

    release = create_release(
        actor=None, name="Uji", period="2026", region=Region.objects.get(code="33.74"),
        year=2025, enqueue=False,
    )  # fmt: skip
    Release.objects.filter(pk=release.pk).update(cancel_requested=True)
    release = execute_build(release)
    assert release.status == "cancelled" and not release.is_built
    assert not storage.release_dir(release.number).exists()
    assert not list(storage.release_dir(release.number).parent.glob("*.partial"))


def test_duckdb_reads_a_release_by_any_level_in_one_group_by(classified_city, build):
    release = build()
    directory = storage.release_dir(release.number)
    files = [str(directory / f["path"]) for f in release.manifest["tables"]["persons"]["files"]]
    con = duckdb.connect()
    by_district = con.execute(
        f"SELECT district, count(*) FROM read_parquet({files}) WHERE lifecycle = 'aktif' GROUP BY 1"
    ).fetchall()
    aggregates = _table(release, "aggregates").filter(pl.col("level") == 3)
    assert dict(by_district) == dict(aggregates.select("area", "persons").iter_rows())
