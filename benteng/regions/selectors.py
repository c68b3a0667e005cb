from __future__ import annotations

from benteng.regions.models import Region, RegionLevel


def region_get(*, code: str) -> Region | None:
    return Region.objects.filter(code=code.strip()).first()


def region_counts_by_level() -> dict[str, int]:
    from django.db.models import Count

    rows = Region.objects.values("level").annotate(total=Count("code"))
    counts = {level.value: 0 for level in RegionLevel}
    counts.update({row["level"]: row["total"] for row in rows})
    return counts


def region_search(*, text: str, levels: tuple[str, ...] = (), limit: int = 20) -> list[Region]:
    queryset = Region.objects.search(text)
    if levels:
        queryset = queryset.filter(level__in=levels)
    return list(queryset.select_related("parent")[:limit])
