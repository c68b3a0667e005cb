"""Client systems and their tokens are managed by administrators only."""

from __future__ import annotations

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer
from benteng.api.models import ApiClient


class ApiClientPolicy(RecordPolicy[ApiClient]):
    model = ApiClient

    def rows(self, viewer: Viewer) -> Q:
        if viewer.is_admin:
            return EVERYTHING
        return NOTHING

    def fields(self, viewer: Viewer, obj: ApiClient) -> frozenset[str]:
        return self.all_fields() - {"token_hash"}
