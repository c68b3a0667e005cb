"""A client system's own webhooks through the API: its subscriptions and deliveries (never
another client's, never a skipped one), and an idempotent re-send."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from benteng.api.models import ApiScope, DeliveryStatus, WebhookDelivery
from benteng.api.webhooks import webhooks_deliver
from benteng.audit.models import AuditAction, AuditEntry
from tests.api.conftest import MakeToken, bearer
from tests.api.webhook_factories import police_client, subscribe
from tests.api.webhook_receiver import Receiver
from tests.watchlists.conftest import make_entry

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/webhooks/subscriptions"
DELIVERIES = "/api/v1/webhooks/deliveries"


def resend_url(delivery: WebhookDelivery) -> str:
    return f"{DELIVERIES}/{delivery.pk}/resend"


@pytest.fixture(autouse=True)
def local_receivers(settings):  # type: ignore[no-untyped-def]
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.BENTENG_WEBHOOK_MAX_ATTEMPTS = 1


@pytest.fixture
def failed_setup(personas, police_list, immigration_list):  # type: ignore[no-untyped-def]
    """A police system whose receiver refused its two events (given up after one attempt),
    one skipped event (an immigration entry), and another police system with a delivery."""
    receiver = Receiver(status=500).start()
    client, token = police_client()
    subscription, _secret = subscribe(client, receiver.url)
    make_entry(personas.penyidik, police_list, full_name="Perekrut Pertama")
    make_entry(personas.penyidik, police_list, full_name="Perekrut Kedua")
    make_entry(personas.analis_imigrasi, immigration_list)
    other, other_token = police_client("Sistem lain")
    subscribe(other, receiver.url)
    webhooks_deliver()
    receiver.status = 204
    yield client, token, subscription, other_token, receiver
    receiver.stop()


def test_a_client_lists_its_own_subscriptions_without_the_secret(api: Client, failed_setup):
    client, token, subscription, _other_token, _receiver = failed_setup
    # when
    response = api.get(SUBSCRIPTIONS, **bearer(token))
    # then
    assert response.status_code == 200
    (item,) = response.json()["items"]
    assert item["id"] == subscription.pk
    assert item["secret_prefix"] == subscription.secret[:12]
    assert subscription.secret not in response.content.decode()
    assert AuditEntry.objects.filter(
        action=AuditAction.LIST, object_type="api.webhooksubscription", client_label=client.name
    ).exists()


def test_a_client_lists_its_deliveries_but_not_the_skipped_or_another_clients(
    api: Client, failed_setup
):
    client, token, _subscription, _other_token, _receiver = failed_setup
    # when
    response = api.get(DELIVERIES, **bearer(token))
    # then: its two failed deliveries, newest first; not the skipped one, not the other's
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [item["status"] for item in body["items"]] == ["failed", "failed"]
    assert [item["last_status_code"] for item in body["items"]] == [500, 500]
    mine = WebhookDelivery.objects.filter(subscription__client=client)
    assert mine.filter(status=DeliveryStatus.SKIPPED).count() == 1
    assert "Perekrut" not in response.content.decode()  # ids and states, no body
    # and the filter
    pending = api.get(DELIVERIES, {"status": "pending"}, **bearer(token))
    assert pending.json()["count"] == 0
    bad = api.get(DELIVERIES, {"status": "lost"}, **bearer(token))
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_failed"


def test_a_resend_is_idempotent_and_delivers_again(api: Client, failed_setup):
    client, token, _subscription, _other_token, receiver = failed_setup
    first, second = WebhookDelivery.objects.filter(
        subscription__client=client, status=DeliveryStatus.FAILED
    ).order_by("id")
    key = {"HTTP_IDEMPOTENCY_KEY": "resend-1"}
    # when
    response = api.post(resend_url(first), **bearer(token), **key)
    # then
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    assert response.json()["replayed"] is False
    first.refresh_from_db()
    assert (first.status, first.attempts, first.resent_count) == (DeliveryStatus.PENDING, 0, 1)
    # the same key again: nothing more
    again = api.post(resend_url(first), **bearer(token), **key)
    assert again.status_code == 200
    assert again.json()["replayed"] is True
    first.refresh_from_db()
    assert first.resent_count == 1
    # the key with another delivery is refused
    reused = api.post(resend_url(second), **bearer(token), **key)
    assert reused.status_code == 409
    assert reused.json()["code"] == "idempotency_key_reused"
    # and the worker sends it again, with the same webhook-id
    received_before = len(receiver.received)
    webhooks_deliver()
    first.refresh_from_db()
    assert first.status == DeliveryStatus.DELIVERED
    assert receiver.ids[received_before:] == [f"evt_{first.event_id}"]
    updates = AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="api.webhookdelivery"
    ).values_list("object_ids", flat=True)
    assert [str(first.pk)] in [[str(pk) for pk in ids] for ids in updates]


def test_another_clients_or_a_skipped_delivery_cannot_be_resent(api: Client, failed_setup):
    client, token, _subscription, other_token, _receiver = failed_setup
    mine = WebhookDelivery.objects.filter(
        subscription__client=client, status=DeliveryStatus.FAILED
    ).first()
    skipped = WebhookDelivery.objects.get(subscription__client=client, status="skipped")
    assert mine is not None
    # another client: 404 (missing and not its own look the same), and the probe is audited
    response = api.post(resend_url(mine), **bearer(other_token))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(
        action=AuditAction.DENIED, object_type="api.webhookdelivery"
    ).exists()
    # a skipped one, even its own: 404, it is not named to the client
    assert api.post(resend_url(skipped), **bearer(token)).status_code == 404
    mine.refresh_from_db()
    assert mine.status == DeliveryStatus.FAILED


def test_without_the_webhooks_scope_the_endpoints_refuse(
    api: Client, make_token: MakeToken, failed_setup
):
    token = make_token(scopes=(ApiScope.WATCHLIST_READ,)).token
    for path in (SUBSCRIPTIONS, DELIVERIES):
        response = api.get(path, **bearer(token))
        assert response.status_code == 403
        assert response.json()["code"] == "scope_missing"
    delivery = WebhookDelivery.objects.filter(status=DeliveryStatus.FAILED).first()
    assert delivery is not None
    assert api.post(resend_url(delivery), **bearer(token)).status_code == 403
    assert api.get(DELIVERIES).status_code == 401


def test_a_resend_waits_its_turn_in_the_queue(personas, police_list):
    # given: a delivered event, then a second one waiting behind a receiver that is down
    receiver = Receiver().start()
    try:
        client, _token = police_client()
        subscribe(client, receiver.url)
        make_entry(personas.penyidik, police_list)
        webhooks_deliver()
        first = WebhookDelivery.objects.get()
        # when: the first is re-sent by an administrator's action (the service), and a new
        # event comes
        from benteng.api.webhooks import webhook_delivery_resend
        from tests.api.webhook_factories import SYSTEM

        webhook_delivery_resend(viewer=SYSTEM, delivery=first)
        make_entry(personas.penyidik, police_list)
        webhooks_deliver(now=datetime.datetime.now(tz=datetime.UTC))
        # then: the receiver got the first again, then the new one
        event_ids = list(WebhookDelivery.objects.order_by("id").values_list("event_id", flat=True))
        assert receiver.ids == [f"evt_{event_ids[0]}", f"evt_{event_ids[0]}", f"evt_{event_ids[1]}"]
    finally:
        receiver.stop()
