"""``__begins`` finds exactly the values that start with a prefix, on either database."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from padu.regions.models import Region

pytestmark = pytest.mark.django_db

NAMES = st.sampled_from(["Miroto", "Mijen", "Tanjung Mas", "Sadeng", "Sa_deng", "100%"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=NAMES, cut=st.integers(0, 12), extra=st.sampled_from(["", "a", "%", "_", "\\", "z"]))
def test_begins_is_startswith(name, cut, extra):
    prefix = name[:cut] + extra
    found = set(
        Region.objects.filter(code__begins="33.74", name__begins=prefix).values_list(
            "name", flat=True
        )
    )
    expected = {
        n
        for n in Region.objects.filter(code__begins="33.74").values_list("name", flat=True)
        if n.startswith(prefix)
    }
    assert found == expected
