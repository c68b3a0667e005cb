from __future__ import annotations

from django.db.models import Count

from benteng.caches import ProcessCache
from benteng.regions.models import VILLAGE_LEVELS, Region, RegionLevel


def region_get(*, code: str) -> Region | None:
    return Region.objects.filter(code=code.strip()).first()


def region_counts_by_level() -> dict[str, int]:

    rows = Region.objects.values("level").annotate(total=Count("code"))
    counts = {level.value: 0 for level in RegionLevel}
    counts.update({row["level"]: row["total"] for row in rows})
    return counts


def region_search(*, text: str, levels: tuple[str, ...] = (), limit: int = 20) -> list[Region]:
    queryset = Region.objects.search(text)
    if levels:
        queryset = queryset.filter(level__in=levels)
    return list(queryset.select_related("parent")[:limit])


# Region codes change only when the official list is reloaded or an administrator edits a
# region: the hot paths (every screening checks a desa code) read them from memory. A change
# made in this process clears the copy at once (``regions_load_reference``, and any save or
# delete of a region); other processes see it within this many seconds.
REGION_LEVELS_MAX_AGE = 300.0

region_levels = ProcessCache(
    "region levels",
    lambda: dict(Region.objects.order_by().values_list("code", "level")),
    max_age=lambda: REGION_LEVELS_MAX_AGE,
)
region_levels.clear_when_saved(Region)


def region_level(code: str) -> str | None:
    """The level of the region with this code (``None`` when there is none), from memory."""
    return region_levels.get().get(code)


def is_village_code(code: str) -> bool:
    """Whether the code is a desa or kelurahan of the reference list."""
    return region_level(code) in VILLAGE_LEVELS
