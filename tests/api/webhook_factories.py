"""Client systems with webhook subscriptions, and watchlist entries that publish events."""

from __future__ import annotations

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office, Role
from benteng.api.models import ApiClient, ApiScope, WebhookSubscription
from benteng.api.services import api_client_create
from benteng.api.webhooks import webhook_subscription_create
from benteng.watchlists.events import ENTRY_CHANGED, ENTRY_CREATED

SYSTEM = Viewer.system(purpose="uji webhook")
RECEIVING_SCOPES = (ApiScope.WEBHOOKS, ApiScope.WATCHLIST_READ)


def police_client(
    name: str = "Sistem analisis Polda", scopes: tuple[str, ...] = RECEIVING_SCOPES
) -> tuple[ApiClient, str]:
    """A Polda analysts' system: it keeps the police lists (and sees no immigration list)."""
    issued = api_client_create(
        name=name,
        office=Office.objects.get(code="polda-banten"),
        role=Role.ANALIS_POLRI,
        scopes=scopes,
        viewer=SYSTEM,
    )
    return issued.client, issued.token


def subscribe(
    client: ApiClient, url: str, kinds: tuple[str, ...] = (ENTRY_CREATED, ENTRY_CHANGED)
) -> tuple[WebhookSubscription, str]:
    issued = webhook_subscription_create(viewer=SYSTEM, client=client, url=url, event_kinds=kinds)
    return issued.subscription, issued.secret
