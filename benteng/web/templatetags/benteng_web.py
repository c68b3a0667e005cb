from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def total_minutes(value: dt.timedelta | None) -> int:
    """A duration in whole minutes, rounded up (a lock of 90 seconds reads "2 menit")."""
    if value is None:
        return 0
    seconds = int(value.total_seconds())
    return max(0, -(-seconds // 60))
