from __future__ import annotations

import threading
import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from benteng.regions.models import VILLAGE_LEVELS, Region, RegionLevel


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


# Region codes change only when the official list is reloaded or an administrator edits a
# region: the hot paths (every screening checks a desa code) read them from memory. A change
# made in this process clears the copy at once (signals below); other processes see it within
# this many seconds.
REGION_LEVELS_MAX_AGE = 300.0


class _RegionLevels:
    """Every region code with its level, read at most once per REGION_LEVELS_MAX_AGE."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._levels: dict[str, str] | None = None
        self._read_at = 0.0

    def get(self) -> dict[str, str]:
        levels = self._levels
        if levels is not None and time.monotonic() - self._read_at < REGION_LEVELS_MAX_AGE:
            return levels
        with self._lock:
            levels = dict(Region.objects.order_by().values_list("code", "level"))
            self._levels, self._read_at = levels, time.monotonic()
        return levels

    def clear(self) -> None:
        with self._lock:
            self._levels = None


region_levels = _RegionLevels()


def region_level(code: str) -> str | None:
    """The level of the region with this code (``None`` when there is none), from memory."""
    return region_levels.get().get(code)


def is_village_code(code: str) -> bool:
    """Whether the code is a desa or kelurahan of the reference list."""
    return region_level(code) in VILLAGE_LEVELS


@receiver([post_save, post_delete], sender=Region)
def _region_changed(**_kwargs: object) -> None:
    region_levels.clear()
