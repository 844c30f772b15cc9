"""Query pieces the pages listing families share (always applied to a scoped queryset)."""

from django.db.models import OuterRef, Q, QuerySet, Subquery

from .choices import Relationship
from .identity import read_id_number
from .models import Family, Person


def head_name(family: str = "pk") -> Subquery:
    """The name of the head of the family at ``OuterRef(family)``, to annotate a list."""
    heads = Person.objects.filter(family=OuterRef(family), relationship=Relationship.HEAD)
    return Subquery(heads.values("full_name")[:1])


def families_matching(query: str) -> QuerySet:
    """Ids of the families a search box means: by No KK or a member's NIK when ``query``
    reads as one, otherwise by a member's name."""
    number = read_id_number(query)
    if number.ok:
        with_nik = Person.objects.filter(nik=number.digits).values("family_id")
        return Family.objects.filter(Q(kk_number=number.digits) | Q(pk__in=with_nik)).values("pk")
    return Person.objects.filter(full_name__icontains=query).values("family_id")
