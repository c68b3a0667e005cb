"""The audit trail is read by administrators only (and by the system verifying it)."""

from __future__ import annotations

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.audit.models import AuditEntry


class AuditEntryPolicy(RecordPolicy[AuditEntry]):
    model = AuditEntry

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if viewer.is_admin:
            return EVERYTHING
        return NOTHING
