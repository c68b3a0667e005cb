"""The audit trail is read by administrators only (and by the system verifying it)."""

from __future__ import annotations

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.access import may_administer
from benteng.audit.models import AuditEntry


def may_read_audit_trail(viewer: Viewer) -> bool:
    """Administrators read the audit trail; everyone else only leaves traces in it."""
    return may_administer(viewer)


class AuditEntryPolicy(RecordPolicy[AuditEntry]):
    model = AuditEntry

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if may_read_audit_trail(viewer):
            return EVERYTHING
        return NOTHING
