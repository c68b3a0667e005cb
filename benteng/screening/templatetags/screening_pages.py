"""Which screening pages a user may open, for templates that link to them."""

from __future__ import annotations

from typing import Any

from django import template

from benteng.screening.worklists import may_open_page

register = template.Library()


@register.filter
def may_open(user: Any, page: str) -> bool:
    """``{% if user|may_open:"departure_check" %}``: link only pages that would not answer 403."""
    return may_open_page(user, page)
