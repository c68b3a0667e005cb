"""When a signed-in person must pass TOTP two-factor authentication."""

from __future__ import annotations

from django.conf import settings

from benteng.accounts.models import Role, User


def two_factor_required(user: User) -> bool:
    """Every role that sees personal data, and administrators, pass 2FA.

    Only on the local demo (``BENTENG_DEMO=1``) may the accounts created by ``seed_demo`` skip
    it, so a newcomer can click around; the pages then carry a "demo" banner.
    """
    if not settings.BENTENG_REQUIRE_2FA:
        return False
    if settings.DEMO_MODE and user.is_demo_account:
        return False
    return user.sees_personal_data or user.role == Role.ADMIN or user.is_superuser
