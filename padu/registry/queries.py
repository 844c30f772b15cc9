"""Query pieces the pages listing families share (always applied to a scoped queryset)."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Substr

from .choices import Lifecycle, Relationship
from .models import Family, Person


def head_name(family: str = "pk") -> Subquery:
    """The name of the head of the family at ``OuterRef(family)``, to annotate a list."""
    heads = Person.objects.filter(family=OuterRef(family), relationship=Relationship.HEAD)
    return Subquery(heads.values("full_name")[:1])


def member_count(family: str = "pk") -> Subquery:
    """How many active members the family at ``OuterRef(family)`` has (a subquery: counted
    for the rows of a page only, not grouped over the whole list)."""
    members = (
        Person.objects.filter(family=OuterRef(family), lifecycle=Lifecycle.ACTIVE)
        .order_by()
        .values("family")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(members, output_field=IntegerField())


def regencies_with_families() -> QuerySet:
    """The codes of the regencies/cities that hold families."""
    return (
        Family.objects.exclude(village__isnull=True)
        .annotate(regency=Substr("village_id", 1, 5))
        .values_list("regency", flat=True)
        .distinct()
    )
