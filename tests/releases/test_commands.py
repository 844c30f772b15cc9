"""`padu release`, as a data custodian, a verifier and a leader run it."""

import io
import stat

import pytest
from django.core.management import CommandError, call_command

from padu.accounts.models import AccessLog
from padu.releases import storage
from padu.releases.models import Release

from .conftest import PDF

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("release", *args, "--quiet", stdout=out)
    return out.getvalue()


def test_create_check_approve_publish_verify_diff_and_export(classified_city, people, tmp_path):
    said = run("create", "--name", "DTKS Kota", "--period", "Semester I 2026", "--user", "walidata")
    assert "Rilis 1 tersusun (draf)" in said and "Persentase penduduk miskin (P0)" in said
    assert "33.74 Keluarga miskin:" in said  # the city's own figures, not the province's
    release = Release.objects.get(number=1)
    assert release.region_id == "33.74" and release.started_by == people["custodian"]

    with pytest.raises(CommandError, match="tidak berwenang"):
        run("check", "1", "--user", "walidata")
    run("check", "1", "--user", "verifikator")
    run("approve", "1", "--user", "pimpinan")
    pdf = tmp_path / "sk.pdf"
    pdf.write_bytes(PDF)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("publish", "1", "--decree-date", "1/12/2026", "--user", "walidata")
    said = run(
        "publish", "1", "--decree-number", "400/123/2026", "--decree-date", "2026-12-01",
        "--signatory", "Wali Kota Semarang", "--decree-pdf", str(pdf), "--user", "walidata",
    )  # fmt: skip
    assert "Rilis 1 terbit: 400/123/2026 (01-12-2026)" in said
    assert "utuh: " in run("verify", "1")

    run("create", "--name", "DTKS Kota", "--period", "Semester II 2026", "--user", "walidata")
    listing = run("list", "--user", "pimpinan")
    assert "Terbit" in listing and "Draf" in listing

    out = tmp_path / "beda.xlsx"
    with pytest.raises(CommandError, match="--user"):
        run("diff", "1", "2", "--out", str(out))
    said = run("diff", "1", "2", "--out", str(out), "--user", "walidata")
    assert "Rilis 1 → 2: 0 keluarga berubah" in said and out.exists()

    with pytest.raises(CommandError, match="tidak berwenang"):
        run("export", "1", "--out", str(tmp_path), "--user", "pimpinan")
    said = run("export", "1", "--out", str(tmp_path / "salinan"), "--user", "walidata")
    copy = tmp_path / "salinan" / "00001"
    assert (copy / "manifest.json").exists() and (copy / "rilis-00001-keputusan.pdf").exists()
    assert AccessLog.objects.filter(user=people["custodian"], object_type="release").exists()

    # A file changed afterwards is named, and the command fails.
    entry = release.manifest["tables"]["families"]["files"][0]
    path = storage.release_dir(1) / entry["path"]
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(CommandError, match=entry["path"]):
        run("verify", "1")
    with pytest.raises(CommandError, match="sudah terbit"):
        run("publish", "1", "--decree-number", "lain", "--user", "walidata")
