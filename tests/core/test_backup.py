"""Backup → destroy → restore, on the database the suite runs on: every table's count,
every photo and every release file the same after the restore."""

import hashlib
import io
import shutil
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from padu.core.backup import (
    BackupError,
    create_backup,
    installation_is_empty,
    restore_backup,
    table_counts,
    verify_backup,
)
from padu.regions.services import load_regions
from padu.registry.models import Family, FamilyPhoto
from tests.conftest import VILLAGE_A, make_family

pytestmark = pytest.mark.django_db(transaction=True)


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_restores_onto_an_empty_installation_whole(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.MEDIA_ROOT = settings.DATA_DIR / "media"
    load_regions(only=("33.74",))
    family = make_family(
        VILLAGE_A, kk="3374010101100001", head="Budi Santoso", nik="3374011705800001"
    )
    photo = FamilyPhoto(family=family, caption="rumah")
    photo.image.save("rumah.jpg", ContentFile(b"\xff\xd8 a synthetic photo"), save=True)
    release_file = settings.DATA_DIR / "releases" / "00001" / "keluarga.parquet"
    release_file.parent.mkdir(parents=True)
    release_file.write_bytes(b"PAR1 synthetic PAR1")
    photo_path = settings.DATA_DIR / "media" / photo.image.name
    before = {
        "tables": table_counts(),
        "photo": _digest(photo_path),
        "release": _digest(release_file),
    }

    archive = tmp_path / "cadangan.tar"
    manifest = create_backup(archive)
    assert archive.stat().st_mode & 0o777 == 0o600  # every person's data: Padu's account only
    assert manifest["tables"]["registry_family"] == 1 and manifest["tables"] == before["tables"]
    assert {p["name"] for p in manifest["parts"]} >= {
        f"media/{photo.image.name}",
        "releases/00001/keluarga.parquet",
    }
    assert verify_backup(archive) == []
    with pytest.raises(BackupError):  # onto an installation that holds data: refused
        restore_backup(archive)

    # Destroy: the database emptied, the files gone.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.DATA_DIR / "media")
    shutil.rmtree(settings.DATA_DIR / "releases")
    assert installation_is_empty()

    assert restore_backup(archive) == {}
    assert table_counts() == before["tables"]
    assert Family.objects.get().kk_number == "3374010101100001"
    assert _digest(photo_path) == before["photo"] and _digest(release_file) == before["release"]


def test_a_damaged_archive_is_named_as_such(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    (settings.DATA_DIR / "media").mkdir(parents=True)
    (settings.DATA_DIR / "media" / "surat.pdf").write_bytes(b"%PDF-1.4 synthetic")
    archive = tmp_path / "cadangan.tar"
    create_backup(archive)
    damaged = tmp_path / "rusak.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source:
            data = source.extractfile(member) if member.isfile() else None
            if member.name == "media/surat.pdf":
                member.size = 3
                data = io.BytesIO(b"xyz")
            target.addfile(member, data)
    assert verify_backup(damaged) == ["media/surat.pdf: isi tidak sama dengan manifest (rusak)"]
    with pytest.raises(BackupError, match="bukan arsip cadangan"):
        verify_backup(tmp_path / "cadangan.tar.part")


def test_the_nightly_backup_is_copied_to_another_disk_and_checked_there(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    (settings.DATA_DIR / "media").mkdir(parents=True)
    (settings.DATA_DIR / "media" / "surat.pdf").write_bytes(b"%PDF-1.4 synthetic")
    here, there = tmp_path / "cadangan", tmp_path / "nas"
    here.mkdir()
    with pytest.raises(CommandError, match="tidak ada"):  # the other disk is not mounted
        call_command("backup", out=here, copy_to=there, quiet=True)
    there.mkdir()
    out = io.StringIO()
    call_command("backup", out=here, copy_to=there, keep=1, quiet=True, stdout=out)
    (copy,) = there.glob("padu-cadangan-*.tar")
    (archive,) = here.glob("padu-cadangan-*.tar")
    assert copy.name == archive.name and _digest(copy) == _digest(archive)
    assert copy.stat().st_mode & 0o777 == 0o600 and f"Salinan {copy}: utuh." in out.getvalue()
    assert verify_backup(copy) == []
    assert not list(there.glob("*.part"))
