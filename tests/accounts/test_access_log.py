"""Every look at personal data is in the access log: each page, download, photo and admin
view that shows a person's name, NIK, No KK, address or picture writes its row, whoever
looks. The URLconf and the admin are walked (as the URL matrix does), so a new page that
shows people and forgets to log fails here without anyone adding it."""

import pytest

from padu.accounts.choices import Role
from padu.accounts.models import AccessLog

from .test_url_matrix import _admin_urls, _app_urls, _text_of

pytestmark = pytest.mark.django_db

#: What of the in-scope side of the world is personal data, as it appears on a page.
PERSONAL = (
    "3374011705800001",  # the head's NIK
    "3374010101100001",  # the family's No KK
    "Dalam Kepala",
    "Dalam Sumber",
    "Dalam Ditolak",
    "Dalam penerima",
    "Dalam belum tertaut",
    "Dalam kunjungan",
    "Dalam sakit",
    "Dalam tanpa jaminan",
    "Jl. Dalam",
)


def _shows_personal_data(response) -> bool:
    if response.status_code != 200:
        return False
    if response.get("Content-Type", "").startswith("image/"):
        return True  # a photo of a house or a visit
    text = _text_of(response)
    return any(marker in text for marker in PERSONAL)


@pytest.mark.slow
@pytest.mark.once  # what a page logs does not depend on the database
def test_every_view_that_shows_personal_data_logs_it(client, world, capsys):
    urls = _app_urls(world["inside"]) + _admin_urls(world["inside"])
    silent, shown = set(), 0
    for role in Role:
        user = world["users"][role]
        client.force_login(user)
        for name, url, _pattern in urls:
            last = AccessLog.objects.order_by("pk").values_list("pk", flat=True).last() or 0
            response = client.get(url)
            if not _shows_personal_data(response):
                continue
            shown += 1
            logged = AccessLog.objects.filter(pk__gt=last, user=user)
            if not logged.exists():
                silent.add(f"{name} {url} (seen by {role.value})")
    with capsys.disabled():
        print(f"\naccess log: {shown} responses showed personal data, {len(silent)} unlogged")
    assert shown > 50, "the walk should have seen personal data on many pages"
    assert not silent, "pages that show personal data without logging:\n" + "\n".join(
        sorted(silent)
    )
