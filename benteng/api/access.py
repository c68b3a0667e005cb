"""Client systems and their tokens are managed by administrators only."""

from __future__ import annotations

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer
from benteng.accounts.access import may_administer
from benteng.api.models import ApiClient


def may_manage_api_clients(viewer: Viewer) -> bool:
    """Administrators register client systems, change their scopes and revoke their tokens."""
    return may_administer(viewer)


class ApiClientPolicy(RecordPolicy[ApiClient]):
    model = ApiClient

    def rows(self, viewer: Viewer) -> Q:
        if may_manage_api_clients(viewer):
            return EVERYTHING
        return NOTHING

    def fields(self, viewer: Viewer, obj: ApiClient) -> frozenset[str]:
        return self.all_fields() - {"token_hash"}
