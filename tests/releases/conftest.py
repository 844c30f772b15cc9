import pytest

from padu.accounts.choices import Role
from padu.regions.models import Region
from padu.releases.services import create_release, execute_build


@pytest.fixture(autouse=True)
def release_files(settings, tmp_path):
    """Each test writes its releases (and decree PDFs) in its own folder."""
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def people(make_user):
    """The accounts a release passes through, all of Kota Semarang."""
    return {
        "custodian": make_user("walidata", Role.DATA_CUSTODIAN, "33.74"),
        "verifier": make_user("verifikator", Role.VERIFIER, "33.74"),
        "leader": make_user("pimpinan", Role.LEADER, "33.74"),
        "camat": make_user("camat", Role.LEADER, "33.74.01"),
    }


@pytest.fixture
def build():
    def build(name="Data Tunggal Kemiskinan", *, actor=None, period="Semester II 2026"):
        release = create_release(
            actor=actor,
            name=name,
            period=period,
            region=Region.objects.get(code="33.74"),
            year=2025,
            enqueue=False,
        )
        release = execute_build(release)
        assert release.status == "completed", release.message
        return release

    return build


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
