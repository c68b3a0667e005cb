"""Failed sign-ins: what django-axes and the sign-in audit may keep of a typed username, and
the per-username back-off.

A name typed at sign-in that is no account is often a password typed into the wrong box, so
nothing derived from it is kept: not the name, not a hash (a word list recovers it), not a
prefix. Failures with unknown names still count against the address and browser.

django-axes locks a username only *from one address* (and one device across usernames), so a
stranger guessing cannot lock someone else out for half an hour. Guessing one username from
many addresses meets a slower back-off kept per username in the shared cache: after
``BENTENG_LOGIN_BACKOFF_AFTER`` failures, each next attempt for that username must wait 2, 4,
8, ... seconds, at most ``BENTENG_LOGIN_BACKOFF_MAX_SECONDS``; attempts during the wait are
refused without trying the password. A successful sign-in forgets the failures, and so does
``BENTENG_LOGIN_BACKOFF_MEMORY_SECONDS`` without a failure.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from benteng.accounts.models import User
from benteng.limits import shared_cache

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


BACKOFF_FIRST_WAIT_SECONDS = 2


def _now() -> float:
    return time.time()


def _backoff_key(username: str) -> str:
    return "login-backoff:" + hashlib.sha256(username.encode("utf-8")).hexdigest()[:32]


def _backoff_state(username: str) -> tuple[int, float]:
    """(failures, time of the last one) of an account's username."""
    failures, last = shared_cache().get(_backoff_key(username), (0, 0.0))
    return int(failures), float(last)


def backoff_wait_seconds(username: str | None, *, now: float | None = None) -> int:
    """Seconds before the next sign-in attempt for this account is tried; 0: try it now."""
    if username is None:
        return 0
    failures, last = _backoff_state(username)
    free: int = settings.BENTENG_LOGIN_BACKOFF_AFTER
    if failures < free:
        return 0
    longest: int = settings.BENTENG_LOGIN_BACKOFF_MAX_SECONDS
    wait = min(BACKOFF_FIRST_WAIT_SECONDS << (failures - free), longest)  # 2, 4, 8, ...
    now = _now() if now is None else now
    return max(0, math.ceil(last + wait - now))


def backoff_failure_record(username: str | None, *, now: float | None = None) -> None:
    """Count a failed password of this account, from whatever address."""
    if username is None:
        return
    failures, _last = _backoff_state(username)
    now = _now() if now is None else now
    shared_cache().set(
        _backoff_key(username),
        (failures + 1, now),
        timeout=settings.BENTENG_LOGIN_BACKOFF_MEMORY_SECONDS,
    )


def backoff_forget(username: str) -> None:
    """After a successful sign-in: the failures before it no longer count."""
    shared_cache().delete(_backoff_key(username))
