"""Reads of the one-stop service that several pages share."""

from django.conf import settings
from django.core.cache import cache
from django.db.models import F, Q

from padu.regions.choices import RegionLevel
from padu.regions.models import Region
from padu.registry.models import Family

#: How long the service area is remembered (the registry's regencies change rarely).
AREA_CACHE_SECONDS = 60 * 60


def service_area() -> list[str]:
    """The regencies/cities the one-stop service serves: ``SERVICE_REGION`` when set,
    otherwise those the registry's families live in."""
    if settings.SERVICE_REGION:
        return [code.strip() for code in settings.SERVICE_REGION.split(",") if code.strip()]
    area = cache.get("padu.service.area")
    if area is None:
        villages = Family.objects.order_by().values_list("village_id", flat=True).distinct()
        area = sorted({code[:5] for code in villages.iterator() if code})
        cache.set("padu.service.area", area, AREA_CACHE_SECONDS)
    return area


def service_villages(within: list[str] | None = None):
    """The villages a resident may choose, by name, each with its district's name."""
    codes = within if within is not None else service_area()
    condition = Q(pk__in=[])
    for code in codes:
        condition |= Q(code__within=code)
    return (
        Region.objects.filter(condition, level=RegionLevel.VILLAGE)
        .annotate(district_name=F("parent__name"))
        .order_by("name", "code")
    )
