"""What the api app registers with the layers below it: its need-to-know policies and
whatever else they look up in a registry (called once, from ``AppConfig.ready``, when the app
registry is ready and the models can be imported)."""

from __future__ import annotations

from benteng.access.policy import register_policy
from benteng.api.access import (
    ApiClientPolicy,
    WebhookDeliveryPolicy,
    WebhookSubscriptionPolicy,
)


def register() -> None:
    register_policy(ApiClientPolicy())
    register_policy(WebhookSubscriptionPolicy())
    register_policy(WebhookDeliveryPolicy())
