"""Four eyes: a data role is given to a user or a client system by one administrator and takes
effect only when another approves it (DESIGN.md, "Nobody alone"). Both steps are audited.

Each kind of subject registers how an approved grant is applied (the API app registers client
systems), so this module knows nothing of the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer
from benteng.accounts.models import (
    ROLES_WITHOUT_PERSONAL_DATA,
    GrantStatus,
    GrantSubject,
    Role,
    RoleGrant,
    User,
)
from benteng.audit.models import AuditAction
from benteng.audit.services import audit_record_write

GRANT_APPLIERS: dict[str, Callable[[RoleGrant, User], None]] = {}


def grant_needs_approval(role: str) -> bool:
    """Every role that sees personal data (administrators included: a second administrator
    alone could otherwise approve anything) needs a second administrator."""
    return bool(role) and role not in ROLES_WITHOUT_PERSONAL_DATA


@transaction.atomic
def role_grant_request(
    *,
    subject_type: str,
    subject_id: int,
    subject_label: str,
    role: str,
    requested_by: User,
    scopes: Sequence[str] = (),
    activates: bool = False,
) -> RoleGrant:
    """Record a data role waiting for a second administrator; any earlier pending grant for the
    same subject is replaced by this one."""
    RoleGrant.objects.filter(
        subject_type=subject_type, subject_id=subject_id, status=GrantStatus.PENDING
    ).update(status=GrantStatus.REJECTED, decided_by=requested_by, decided_at=timezone.now())
    grant = RoleGrant.objects.create(
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=subject_label[:200],
        role=role,
        scopes=list(scopes),
        activates=activates,
        requested_by=requested_by,
    )
    audit_record_write(
        viewer=Viewer.for_user(requested_by),
        action=AuditAction.CREATE,
        obj=grant,
        changed_fields=["role", "scopes"] if scopes else ["role"],
        purpose="admin",
    )
    return grant


@transaction.atomic
def role_grant_decide(*, grant: RoleGrant, decided_by: User, approve: bool) -> None:
    """Approve (the role takes effect) or reject a pending grant; never by its requester."""
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.status != GrantStatus.PENDING:
        raise ValidationError(_("Permintaan ini sudah diputuskan."))
    if grant.requested_by_id == decided_by.pk:
        raise ValidationError(_("Permintaan Anda sendiri harus disetujui oleh administrator lain."))
    grant.status = GrantStatus.APPROVED if approve else GrantStatus.REJECTED
    grant.decided_by = decided_by
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record_write(
        viewer=Viewer.for_user(decided_by),
        action=AuditAction.UPDATE,
        obj=grant,
        changed_fields=["status"],
        purpose="admin",
    )
    if approve:
        GRANT_APPLIERS[grant.subject_type](grant, decided_by)


def _apply_to_user(grant: RoleGrant, approver: User) -> None:
    user = User.objects.select_for_update().get(pk=grant.subject_id)
    user.role = grant.role
    user.is_staff = user.is_superuser = grant.role == Role.ADMIN
    fields = ["role", "is_staff", "is_superuser"]
    if grant.activates:
        user.is_active = True
        fields.append("is_active")
    user.save(update_fields=fields)
    audit_record_write(
        viewer=Viewer.for_user(approver),
        action=AuditAction.UPDATE,
        obj=user,
        changed_fields=fields,
        purpose="admin",
    )


GRANT_APPLIERS[GrantSubject.USER] = _apply_to_user
