"""System checks of the accounts: ``manage.py check --deploy`` fails while demo accounts exist
outside demo mode (their passwords are in the README)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from benteng.accounts.models import User


@register(Tags.security, deploy=True)
def demo_accounts_outside_demo_mode(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEMO_MODE:
        return []

    try:
        count = User.objects.filter(is_demo_account=True).count()
    except DatabaseError:  # not migrated yet: no accounts at all
        return []
    if not count:
        return []
    return [
        Error(
            f"{count} demo accounts (created by seed_demo, with the README's password) exist "
            "while BENTENG_DEMO is off.",
            hint="Delete them, or deactivate them and clear their demo flag, before going live.",
            id="benteng.E001",
        )
    ]
