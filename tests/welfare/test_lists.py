"""Sorting the lists by a result (status, desil) pages through the same rows, in the same
order, as the database's own sort would, without sorting the whole list."""

import pytest
from django.db.models import F, FilteredRelation, Q

from padu.accounts.choices import Role
from padu.registry.models import Family, Person
from padu.welfare import lists
from padu.welfare.services import newest_models

pytestmark = pytest.mark.django_db


def _sorted_in_sql(model, family_path: str, field: str, descending: bool) -> list[int]:
    """The ids in the order an ORDER BY over the joined results gives (nulls last)."""
    welfare = f"{family_path}welfare" if family_path else "welfare"
    in_force = list(newest_models().values_list("pk", flat=True))
    value = F(f"result__{field}")
    value = value.desc(nulls_last=True) if descending else value.asc(nulls_last=True)
    rows = model.objects.annotate(
        result=FilteredRelation(welfare, condition=Q(**{f"{welfare}__model_id__in": in_force}))
    )
    if model is Person:
        rows = rows.filter(lifecycle="aktif")
    return list(rows.order_by(value, "-pk" if descending else "pk").values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("url", "model", "family_path", "context_name"),
    [
        ("/registri/keluarga/", Family, "", "families"),
        ("/registri/orang/", Person, "family__", "persons"),
    ],
)
@pytest.mark.parametrize("sort", ["poverty_status", "-poverty_status", "desil", "-desil"])
@pytest.mark.parametrize("sorted_in_sql_up_to", [0, 10**6], ids=["by-segments", "in-sql"])
def test_a_sort_by_a_result_pages_as_the_database_sorts(
    classified_city, client, make_user, url, model, family_path, context_name, sort,
    sorted_in_sql_up_to, monkeypatch,
):  # fmt: skip
    monkeypatch.setattr(lists, "SORTED_IN_SQL_UP_TO", sorted_in_sql_up_to)
    client.force_login(make_user("dinsos", Role.DINSOS_OFFICER, "33.74"))
    field = "status" if "status" in sort else "desil"
    expected = _sorted_in_sql(model, family_path, field, sort.startswith("-"))
    pages = (len(expected) + 24) // 25
    for page in sorted({1, 2, pages // 3, pages // 2, pages - 1, pages}):
        response = client.get(url, {"sort": sort, "page": page})
        shown = [row.pk for row in response.context[context_name]]
        assert shown == expected[(page - 1) * 25 : page * 25], (sort, page)
    assert response.context["paginator"].count == len(expected)
