"""A client system's own webhooks: its subscriptions, its recent deliveries, a re-send.

Subscriptions are registered by an administrator (the secret is shown once, then); a client
reads its own through these endpoints with the ``webhooks`` scope. A delivery skipped because
the client may not see the object is not listed: the client is not even told it exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.params.functions import Header as header_param
from ninja.params.functions import Query as query_param
from pydantic import Field

from benteng.access.policy import access_object
from benteng.access.viewer import Viewer
from benteng.api.access import may_use_own_webhooks
from benteng.api.auth import request_client, request_viewer, require_scope
from benteng.api.errors import ApiError, ApiErrorCode, error_responses
from benteng.api.models import ApiScope, DeliveryStatus, WebhookDelivery, WebhookSubscription
from benteng.api.projection import json_response
from benteng.api.schemas import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, paginate
from benteng.api.webhooks import (
    PURPOSE,
    ResendKeyReused,
    WebhookResendRefused,
    webhook_delivery_resend_once,
)
from benteng.audit.services import audit_record_list

MAX_IDEMPOTENCY_KEY_LENGTH = 100

router = Router(tags=["webhooks"], auth=require_scope(ApiScope.WEBHOOKS))


class SubscriptionOut(Schema):
    id: int
    url: str
    event_kinds: list[str]
    is_active: bool
    secret_prefix: str = Field(description="First characters of the secret, to tell them apart.")
    created_at: datetime


class SubscriptionList(Schema):
    items: list[SubscriptionOut]


class DeliveryOut(Schema):
    id: int
    subscription_id: int
    event_id: str = Field(description="The `webhook-id` header of the delivery.")
    event_kind: str
    object_type: str
    object_id: str
    status: str = Field(description="pending, delivered or failed (given up).")
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None = Field(description="Your receiver's last HTTP status.")
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    resent_count: int


class DeliveryPage(Page):
    items: list[DeliveryOut]


class ResendOut(DeliveryOut):
    replayed: bool = Field(description="True when the key was already used for this delivery.")


def subscription_out(subscription: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": subscription.pk,
        "url": subscription.url,
        "event_kinds": subscription.event_kinds,
        "is_active": subscription.is_active,
        "secret_prefix": subscription.secret_prefix,
        "created_at": subscription.created_at,
    }


def delivery_out(delivery: WebhookDelivery) -> dict[str, Any]:
    event = delivery.event
    return {
        "id": delivery.pk,
        "subscription_id": delivery.subscription_id,
        "event_id": f"evt_{event.pk}",
        "event_kind": event.kind,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "resent_count": delivery.resent_count,
    }


def _viewer(request: HttpRequest) -> Viewer:
    viewer = request_viewer(request, purpose=PURPOSE)
    if not may_use_own_webhooks(viewer):
        raise ApiError(403, ApiErrorCode.FORBIDDEN)
    return viewer


@router.get(
    "/webhooks/subscriptions",
    response={200: SubscriptionList, **error_responses(401, 403, 429)},
    summary="This client's webhook subscriptions",
    description="The receivers an administrator registered for this client, with their kinds.",
    operation_id="webhook_subscription_list",
)
def subscriptions(request: HttpRequest) -> dict[str, Any]:
    viewer = _viewer(request)
    found = list(WebhookSubscription.objects.visible_to(viewer).order_by("id"))
    audit_record_list(viewer=viewer, model=WebhookSubscription, objects=found)
    return {"items": [subscription_out(item) for item in found]}


StatusFilter = query_param(
    None, description="Only deliveries in this state: pending, delivered or failed."
)


@router.get(
    "/webhooks/deliveries",
    response={200: DeliveryPage, **error_responses(401, 403, 422, 429)},
    summary="This client's recent webhook deliveries",
    description=(
        "Newest first: the event, its object's type and id, the state, the attempts and your "
        "receiver's last answer. Never the body."
    ),
    operation_id="webhook_delivery_list",
)
def deliveries(
    request: HttpRequest,
    status: DeliveryStatus | None = StatusFilter,
    page: int = query_param(1, ge=1, description="Page number, from 1."),
    page_size: int = query_param(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
) -> dict[str, Any]:
    viewer = _viewer(request)
    queryset = WebhookDelivery.objects.visible_to(viewer).select_related("event").order_by("-id")
    if status is not None:
        queryset = queryset.filter(status=status)
    meta, items = paginate(queryset, page=page, page_size=page_size)
    audit_record_list(
        viewer=viewer,
        model=WebhookDelivery,
        objects=items,
        search={"status": status.value if status is not None else ""},
    )
    return {**meta, "items": [delivery_out(item) for item in items]}


@router.post(
    "/webhooks/deliveries/{delivery_id}/resend",
    response={202: ResendOut, 200: ResendOut, **error_responses(401, 403, 404, 409, 429)},
    summary="Send one delivery again",
    description=(
        "A delivered or failed delivery is sent again with the same `webhook-id`, keeping its "
        "place in your queue (its event's order); a waiting one is left as it is. Send an "
        "`Idempotency-Key` header: the same key again answers 200 with `replayed: true` and "
        "sends nothing more; the key with another delivery is refused with 409 "
        "`idempotency_key_reused`. Another client's delivery answers 404."
    ),
    operation_id="webhook_delivery_resend",
)
def resend(
    request: HttpRequest,
    delivery_id: int,
    idempotency_key: str = header_param(
        "",
        alias="Idempotency-Key",
        max_length=MAX_IDEMPOTENCY_KEY_LENGTH,
        description="Any unique string per request (a UUID), at most 100 characters.",
    ),
) -> HttpResponse:
    viewer = _viewer(request)
    delivery = access_object(
        viewer,
        WebhookDelivery,
        delivery_id,
        queryset=WebhookDelivery.objects.select_related("event"),
    )
    try:
        resent, replayed = webhook_delivery_resend_once(
            viewer=viewer, client=request_client(request), delivery=delivery, key=idempotency_key
        )
    except ResendKeyReused as error:
        raise ApiError(409, ApiErrorCode.IDEMPOTENCY_KEY_REUSED) from error
    except WebhookResendRefused as error:
        raise ApiError(403, ApiErrorCode.FORBIDDEN, str(error)) from error
    return json_response(
        ResendOut, {**delivery_out(resent), "replayed": replayed}, status=200 if replayed else 202
    )
