"""No query parameter of any page can cause a server error: every filter, sort, page and
format parameter a page's forms offer, plus the usual ones, is tried with hostile values
(unicode digits such as "²", numbers beyond any column, dates that are not dates, control
characters). The pages are the URLconf's, walked as the URL matrix walks them, so a new
page is covered without anyone adding it here."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padu.accounts.choices import Role

from .test_url_matrix import _app_urls

pytestmark = pytest.mark.django_db

#: Parameters of many pages that no form shows (paging, sorting, exports, continuing).
USUAL = ["page", "halaman", "sort", "format", "q", "status", "tahap", "kecamatan", "lanjutan",
         "umur", "desil", "next", "kind", "year"]  # fmt: skip
_INPUT = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')

#: Values that broke pages of other systems: unicode digits, numbers beyond any column,
#: dates that are not dates, control characters, injection attempts.
NASTY = ["²", "1000000000", "-1", "99999999999999999999", "1e309", "NaN", "0", "", " ",
         "2026-02-30", "31/12/1985", "abc", "../../etc", "%00", "\x00", "' OR 1=1 --",
         "33.74.01.1001", "3374011705800001", "-desil", "xlsx", "csv", "١٢", "𝟙"]  # fmt: skip
hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


@pytest.fixture
def pages(client, world):
    """(role's user, url, the names its GET forms take) for every page without a record in
    its URL, as an administrator and as an agency officer sees it."""
    found = []
    for role in (Role.ADMIN, Role.AGENCY_OFFICER, Role.VILLAGE_OPERATOR):
        user = world["users"][role]
        client.force_login(user)
        for _name, url, _pattern in _app_urls(world["inside"]):
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            names = set(_INPUT.findall(response.content.decode()))
            found.append((user, url, sorted(names - {"csrfmiddlewaretoken"} | set(USUAL))))
    return found


@pytest.mark.slow
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_query_parameter_causes_a_server_error(client, pages, data):
    user, url, names = data.draw(st.sampled_from(pages))
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    query = {name: data.draw(hostile) for name in chosen}
    client.force_login(user)
    response = client.get(url, query)  # a 500 raises here, with its traceback
    assert response.status_code < 500, (url, query)
