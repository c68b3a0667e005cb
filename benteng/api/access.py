"""Client systems, their tokens and their webhooks are managed by administrators only; a
client system reads its own webhook subscriptions and deliveries through the API."""

from __future__ import annotations

from django.db.models import Q

from benteng.access.policy import EVERYTHING, NOTHING, RecordPolicy
from benteng.access.viewer import Viewer, ViewerKind
from benteng.accounts.access import may_administer
from benteng.api.models import ApiClient, DeliveryStatus, WebhookDelivery, WebhookSubscription


def may_manage_api_clients(viewer: Viewer) -> bool:
    """Administrators register client systems, change their scopes and revoke their tokens."""
    return may_administer(viewer)


def may_manage_webhooks(viewer: Viewer) -> bool:
    """Administrators register a client's webhook addresses, read the delivery log (ids,
    states and answer codes, never bodies) and re-send a delivery."""
    return may_administer(viewer)


def may_use_own_webhooks(viewer: Viewer) -> bool:
    """A client system reads its own subscriptions and deliveries and re-sends its own."""
    return viewer.kind is ViewerKind.CLIENT and viewer.client_id is not None


class ApiClientPolicy(RecordPolicy[ApiClient]):
    model = ApiClient

    def rows(self, viewer: Viewer) -> Q:
        if may_manage_api_clients(viewer):
            return EVERYTHING
        return NOTHING

    def fields(self, viewer: Viewer, obj: ApiClient) -> frozenset[str]:
        return self.all_fields() - {"token_hash"}


class WebhookSubscriptionPolicy(RecordPolicy[WebhookSubscription]):
    model = WebhookSubscription

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if may_manage_webhooks(viewer):
            return EVERYTHING
        if may_use_own_webhooks(viewer):
            return Q(client_id=viewer.client_id)
        return NOTHING

    def fields(self, viewer: Viewer, obj: WebhookSubscription) -> frozenset[str]:
        return self.all_fields() - {"secret"}


class WebhookDeliveryPolicy(RecordPolicy[WebhookDelivery]):
    """A client sees its deliveries, except those skipped: an object it may not see is not
    even named to it."""

    model = WebhookDelivery

    def rows(self, viewer: Viewer) -> Q:
        if viewer.kind is ViewerKind.SYSTEM:
            return EVERYTHING
        if may_manage_webhooks(viewer):
            return EVERYTHING
        if may_use_own_webhooks(viewer):
            return Q(subscription__client_id=viewer.client_id) & ~Q(status=DeliveryStatus.SKIPPED)
        return NOTHING
