"""What django-axes and the sign-in audit may keep of a typed username.

A name typed at sign-in that is no account is often a password typed into the wrong box, so
nothing derived from it is kept: not the name, not a hash (a word list recovers it), not a
prefix. Failures with unknown names still count against the address and browser.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from benteng.accounts.models import User

# How the trail names a sign-in attempt with a name that is no account.
UNKNOWN_USERNAME = "unknown"
# The sign-in form's field (AXES_USERNAME_FORM_FIELD's default).
USERNAME_FIELD = "username"


def account_username_if_exists(typed: str | None) -> str | None:
    """The typed username if an account has it; None otherwise."""
    if not typed:
        return None
    account = User.objects.filter(username=typed).only("username").first()
    return account.username if account is not None else None


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    """``AXES_USERNAME_CALLABLE``: axes records and locks known usernames only."""
    typed = (credentials or request.POST).get(USERNAME_FIELD)
    return account_username_if_exists((typed or "").strip() or None)
