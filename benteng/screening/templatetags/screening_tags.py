"""Template filters of the screening pages."""

from __future__ import annotations

import datetime

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language

from benteng.core.countries import country_name as iso_country_name

register = template.Library()


@register.filter
def iso_date(value: object) -> str:
    """A date stored as ISO text in a screening result ("2026-11-16"), shown as 16 Nov 2026."""
    if isinstance(value, datetime.date):
        return date_format(value)
    try:
        return date_format(datetime.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value or "")


@register.filter
def country_name(code: object) -> str:
    """The name of a country code in the page's language ("MY" → "Malaysia")."""
    language = "en" if (get_language() or "").startswith("en") else "id"
    return iso_country_name(str(code or ""), language=language)
