"""Which screening pages a viewer may open, for templates that link to them."""

from __future__ import annotations

from django import template

from benteng.access.viewer import Viewer
from benteng.screening.access import (
    may_open_applications,
    may_screen_applications,
    may_screen_departures,
)

register = template.Library()

# The screening pages a card or link may point to, with the predicate each page itself checks.
PAGES = {
    "counter": may_screen_applications,
    "departure_check": may_screen_departures,
    "applications": may_open_applications,
}


@register.filter
def may_open(viewer: object, page: str) -> bool:
    """``{% if viewer|may_open:"departure_check" %}``: link only pages that would not answer 403."""
    if not isinstance(viewer, Viewer):
        return False
    return PAGES[page](viewer)
