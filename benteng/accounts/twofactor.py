"""When a signed-in person must pass TOTP two-factor authentication, and the one-time codes
that let a person enrol an authenticator."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import EnrolmentCode, Role, User
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write

# Letters and digits that cannot be mistaken for one another when read out or typed.
ENROLMENT_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ENROLMENT_CODE_LENGTH = 12
ENROLMENT_CODE_VALIDITY = timedelta(hours=72)
ENROLMENT_CODE_MAX_FAILURES = 5


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


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").upper()


@transaction.atomic
def enrolment_code_issue(*, user: User, issued_by: User | None) -> str:
    """A new one-time enrolment code for the user (any earlier unused one is void); returned
    once, to be handed over in person, and kept only as a hash. ``issued_by`` None: from the
    server's command line. Never by the administrator who set the user's password (until the
    user has enrolled): one administrator alone must not hold both."""
    if issued_by is not None and user.password_set_by_id == issued_by.pk:
        raise ValidationError(
            _(
                "Anda yang mengatur kata sandi akun ini; kode pendaftarannya diterbitkan oleh "
                "administrator lain."
            )
        )
    now = timezone.now()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = "".join(secrets.choice(ENROLMENT_CODE_ALPHABET) for _ in range(ENROLMENT_CODE_LENGTH))
    issued = EnrolmentCode.objects.create(
        user=user,
        code_hash=make_password(code),
        issued_by=issued_by,
        expires_at=now + ENROLMENT_CODE_VALIDITY,
    )
    audit_record_write(
        viewer=Viewer.for_user(issued_by) if issued_by else Viewer.system(purpose="cli"),
        action=AuditAction.CREATE,
        obj=issued,
        purpose="admin",
    )
    return "-".join(code[i : i + 4] for i in range(0, ENROLMENT_CODE_LENGTH, 4))


@transaction.atomic
def enrolment_code_redeem(*, user: User, code: str) -> bool:
    """Use the user's current enrolment code; False when it is wrong, used, expired or void
    after too many wrong tries (each wrong try counts)."""
    issued = (
        EnrolmentCode.objects.select_for_update()
        .filter(
            user=user,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            failed_attempts__lt=ENROLMENT_CODE_MAX_FAILURES,
        )
        .order_by("-issued_at")
        .first()
    )
    if issued is None:
        return False
    if not check_password(_normalized(code), issued.code_hash):
        issued.failed_attempts += 1
        issued.save(update_fields=["failed_attempts"])
        return False
    issued.used_at = timezone.now()
    issued.save(update_fields=["used_at"])
    return True
