"""Webhooks end to end with a real HTTP receiver on 127.0.0.1: signatures, order per
subscriber, a receiver down for an hour (simulated clock), need-to-know, back-off, give-up,
one failing subscriber not blocking the others, and the audit trail of every exchange."""

from __future__ import annotations

import datetime
import json
import random

import pytest
from django.utils import timezone

from benteng.api.models import DeliveryStatus, WebhookDelivery
from benteng.api.webhooks import (
    NOT_VISIBLE,
    retry_delay,
    webhook_signature,
    webhooks_deliver,
)
from benteng.audit.models import AuditAction, AuditEntry
from benteng.outbox.models import OutboxEvent
from tests.api.webhook_factories import police_client, subscribe
from tests.api.webhook_receiver import Receiver, signature_valid
from tests.watchlists.conftest import make_entry

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def local_receivers(settings):  # type: ignore[no-untyped-def]
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.BENTENG_WEBHOOK_TIMEOUT_SECONDS = 2
    settings.BENTENG_WEBHOOK_RETRY_FIRST_SECONDS = 10
    settings.BENTENG_WEBHOOK_RETRY_MAX_SECONDS = 600
    settings.BENTENG_WEBHOOK_MAX_ATTEMPTS = 25
    settings.BENTENG_WEBHOOK_GIVE_UP_HOURS = 24


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    running = Receiver().start()
    yield running
    running.stop()


def _entries(personas, watchlist, count):  # type: ignore[no-untyped-def]
    return [
        make_entry(personas.penyidik, watchlist, full_name=f"Perekrut Uji {n}")
        for n in range(count)
    ]


# --- signatures ----------------------------------------------------------------------------


def test_a_signature_verifies_and_a_tampered_body_timestamp_or_id_does_not():
    # given: the example of the Standard Webhooks convention, checked by its own figures
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = webhook_signature(
        secret=secret, msg_id="msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp=1614265330, body=body
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    now = datetime.datetime.fromtimestamp(1614265330 + 60, tz=datetime.UTC)
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": signature,
    }
    # then
    assert signature_valid(secret=secret, headers=headers, body=body, now=now)
    assert not signature_valid(
        secret=secret, headers=headers, body=b'{"test": 2432232315}', now=now
    )
    assert not signature_valid(
        secret=secret, headers={**headers, "webhook-timestamp": "1614265331"}, body=body, now=now
    )
    assert not signature_valid(
        secret=secret, headers={**headers, "webhook-id": "msg_other"}, body=body, now=now
    )
    # a replay more than five minutes later is refused however good its signature
    later = now + datetime.timedelta(minutes=5)
    assert not signature_valid(secret=secret, headers=headers, body=body, now=later)
    # another subscriber's secret does not verify it
    assert not signature_valid(
        secret="whsec_" + "A" * 43 + "=", headers=headers, body=body, now=now
    )


# --- delivery ------------------------------------------------------------------------------


def test_an_event_reaches_the_receiver_signed_with_the_entry_as_the_client_sees_it(
    personas, police_list, receiver
):
    # given
    client, _token = police_client()
    subscription, secret = subscribe(client, receiver.url)
    entry = make_entry(personas.penyidik, police_list)
    event = OutboxEvent.objects.get()
    # when
    report = webhooks_deliver()
    # then: one signed POST
    assert report.delivered == 1
    (received,) = receiver.received
    assert received.headers["webhook-id"] == f"evt_{event.pk}"
    assert signature_valid(secret=secret, headers=received.headers, body=received.body)
    body = received.json
    assert body["type"] == "watchlist.entry_created"
    assert body["data"]["object_id"] == str(entry.pk)
    assert body["data"]["event"]["state"] == "in_force"
    shown = body["data"]["object"]
    assert shown["full_name"] == entry.full_name
    assert shown["watchlist"] == police_list.code
    assert "internal_notes" not in shown  # never projected
    # and the delivery is logged, with the receiver's answer
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        204,
    )
    assert delivery.subscription == subscription
    # and the exchange is in the audit trail: recipient, record, when; not the body
    exchange = AuditEntry.objects.get(action=AuditAction.SHARE)
    assert exchange.recipient == f"{client.name} ({client.office.name})"
    assert exchange.object_type == "watchlists.watchlistentry"
    assert exchange.object_ids == [str(entry.pk)]
    assert exchange.detail["outcome"] == "delivered"
    assert exchange.detail["status_code"] == 204
    assert entry.full_name not in json.dumps(exchange.detail)
    # and a second round sends nothing again
    assert webhooks_deliver().delivered == 0
    assert len(receiver.received) == 1


def test_an_entry_the_client_may_not_see_is_not_sent(personas, immigration_list, receiver):
    # given: a police system, and an entry of an immigration list (police may not read it)
    client, _token = police_client()
    subscribe(client, receiver.url)
    make_entry(personas.analis_imigrasi, immigration_list)
    # when
    report = webhooks_deliver()
    # then: skipped and recorded, nothing sent, no exchange
    assert report.skipped == 0  # decided at fan-out
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        DeliveryStatus.SKIPPED,
        0,
        NOT_VISIBLE,
    )
    assert receiver.received == []
    assert not AuditEntry.objects.filter(action=AuditAction.SHARE).exists()


def test_a_client_without_the_read_scope_of_the_records_gets_nothing(
    personas, police_list, receiver
):
    # given: the role may read police lists, the token may not (no watchlist:read)
    client, _token = police_client(scopes=("webhooks",))
    subscribe(client, receiver.url)
    make_entry(personas.penyidik, police_list)
    # when
    webhooks_deliver()
    # then
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SKIPPED
    assert receiver.received == []


def test_an_entry_no_longer_visible_when_sent_is_skipped(personas, police_list, receiver):
    # given: the event is handed out, then the client's role changes before sending
    client, _token = police_client()
    subscribe(client, receiver.url)
    make_entry(personas.penyidik, police_list)
    from benteng.api.webhooks import webhooks_fan_out

    webhooks_fan_out()
    client.role = "bhabinkamtibmas"
    client.save(update_fields=["role"])
    # when
    report = webhooks_deliver()
    # then
    assert report.skipped == 1
    assert WebhookDelivery.objects.get().status == DeliveryStatus.SKIPPED
    assert receiver.received == []


def test_only_the_subscribed_kinds_are_delivered(personas, police_list, receiver):
    client, _token = police_client()
    subscribe(client, receiver.url, kinds=("watchlist.entry_changed",))
    make_entry(personas.penyidik, police_list)
    webhooks_deliver()
    assert WebhookDelivery.objects.count() == 0
    assert receiver.received == []
    assert OutboxEvent.objects.get().fanned_out_at is not None


def test_a_receiver_down_for_an_hour_gets_every_event_in_order_once_back(personas, police_list):
    # given: five events, and a receiver that goes down before they are sent
    receiver = Receiver().start()
    client, _token = police_client()
    _subscription, secret = subscribe(client, receiver.url)
    _entries(personas, police_list, 5)
    expected = [
        f"evt_{pk}" for pk in OutboxEvent.objects.order_by("id").values_list("pk", flat=True)
    ]
    receiver.stop()
    rng = random.Random(13)
    try:
        # when: the worker runs every minute of the hour it is down (simulated clock)
        for minute in range(60):
            webhooks_deliver(now=START + datetime.timedelta(minutes=minute), rng=rng)
        # then: nothing arrived; only the first delivery was tried (the rest wait behind it)
        queue = list(WebhookDelivery.objects.order_by("id"))
        assert [d.status for d in queue] == [DeliveryStatus.PENDING] * 5
        assert queue[0].attempts > 1
        assert [d.attempts for d in queue[1:]] == [0, 0, 0, 0]
        assert queue[0].last_status_code is None and queue[0].last_error
        # when: it comes back on the same address, and the worker keeps running
        receiver.start()
        minute = 60
        while WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists():
            assert minute < 60 + 24 * 60, "not delivered within a day"
            webhooks_deliver(now=START + datetime.timedelta(minutes=minute), rng=rng)
            minute += 1
        # then: every event, in order, once
        assert receiver.ids == expected
        for item in receiver.received:
            assert signature_valid(
                secret=secret,
                headers=item.headers,
                body=item.body,
                now=datetime.datetime.fromtimestamp(
                    int(item.headers["webhook-timestamp"]), tz=datetime.UTC
                ),
            )
        assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
            DeliveryStatus.DELIVERED
        }
        # within the back-off's cap (10 minutes here) of its return
        assert minute - 60 <= 11
    finally:
        receiver.stop()


def test_back_off_doubles_with_jitter_and_stops_at_the_cap(settings):
    settings.BENTENG_WEBHOOK_RETRY_FIRST_SECONDS = 10
    settings.BENTENG_WEBHOOK_RETRY_MAX_SECONDS = 3600

    class Fixed(random.Random):
        def __init__(self, value: float) -> None:
            super().__init__()
            self.value = value

        def uniform(self, a: float, b: float) -> float:
            return a + (b - a) * self.value

    longest = [retry_delay(n, Fixed(1.0)).total_seconds() for n in range(1, 12)]
    assert longest == [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]
    shortest = [retry_delay(n, Fixed(0.0)).total_seconds() for n in (1, 2, 11, 40)]
    assert shortest == [5, 10, 1800, 1800]
    spread = {retry_delay(4, random.Random(seed)).total_seconds() for seed in range(20)}
    assert len(spread) > 10 and all(40 <= delay <= 80 for delay in spread)


def test_a_delivery_is_given_up_after_the_attempts_and_the_next_one_goes(
    personas, police_list, settings
):
    # given: a receiver that refuses (500) while the first event is tried
    settings.BENTENG_WEBHOOK_MAX_ATTEMPTS = 3
    receiver = Receiver(status=500).start()
    try:
        client, _token = police_client()
        subscribe(client, receiver.url)
        _entries(personas, police_list, 2)
        rng = random.Random(1)
        # when: three attempts, an hour apart
        for hour in range(3):
            webhooks_deliver(now=START + datetime.timedelta(hours=hour), rng=rng)
        # then: the first is given up, visible with the last answer
        first, second = WebhookDelivery.objects.order_by("id")
        assert (first.status, first.attempts, first.last_status_code) == (
            DeliveryStatus.FAILED,
            3,
            500,
        )
        assert first.next_attempt_at is None
        # and the second went on in the same round (and got a 500 too)
        assert second.attempts == 1
        assert second.status == DeliveryStatus.PENDING
        # and each attempt is an exchange in the trail
        outcomes = AuditEntry.objects.filter(action=AuditAction.SHARE).values_list(
            "detail__outcome", flat=True
        )
        assert sorted(outcomes) == ["failed", "pending", "pending", "pending"]
    finally:
        receiver.stop()


def test_a_delivery_is_given_up_after_the_time_limit(personas, police_list, settings):
    settings.BENTENG_WEBHOOK_GIVE_UP_HOURS = 2
    receiver = Receiver(status=503).start()
    try:
        client, _token = police_client()
        subscribe(client, receiver.url)
        _entries(personas, police_list, 1)
        webhooks_deliver(now=START)
        webhooks_deliver(now=START + datetime.timedelta(hours=1))
        assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING
        webhooks_deliver(now=START + datetime.timedelta(hours=2))
        assert WebhookDelivery.objects.get().status == DeliveryStatus.FAILED
    finally:
        receiver.stop()


def test_a_failing_subscriber_does_not_hold_up_the_others(personas, police_list, receiver):
    # given: two systems; one receiver is down (nothing listens on its port)
    down = Receiver().start()
    down_url = down.url
    down.stop()
    client_down, _ = police_client("Sistem yang mati")
    client_up, _ = police_client("Sistem yang hidup")
    subscribe(client_down, down_url)
    subscribe(client_up, receiver.url)
    _entries(personas, police_list, 3)
    # when
    report = webhooks_deliver(now=timezone.now())
    # then
    assert report.delivered == 3
    assert len(receiver.received) == 3
    assert list(
        WebhookDelivery.objects.filter(subscription__client=client_down)
        .order_by("id")
        .values_list("status", "attempts")
    ) == [(DeliveryStatus.PENDING, 1), (DeliveryStatus.PENDING, 0), (DeliveryStatus.PENDING, 0)]


def test_an_inactive_subscription_gets_no_deliveries(personas, police_list, receiver):
    client, _token = police_client()
    subscription, _secret = subscribe(client, receiver.url)
    subscription.is_active = False
    subscription.save(update_fields=["is_active"])
    make_entry(personas.penyidik, police_list)
    webhooks_deliver()
    assert WebhookDelivery.objects.count() == 0
    assert receiver.received == []


def test_a_receiver_on_a_private_address_is_refused_when_sending(
    personas, police_list, receiver, settings
):
    # given: subscribed while allowed, then the setting is turned off
    client, _token = police_client()
    subscribe(client, receiver.url)
    make_entry(personas.penyidik, police_list)
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    settings.DEBUG = False
    # when
    webhooks_deliver()
    # then: not sent
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error in ("https required",) or "not allowed" in delivery.last_error


def test_the_command_runs_one_round(personas, police_list, receiver):
    from io import StringIO

    from django.core.management import call_command

    client, _token = police_client()
    subscribe(client, receiver.url)
    _entries(personas, police_list, 2)
    out = StringIO()
    call_command("deliver_webhooks", stdout=out)
    assert "2 events handed out; 2 delivered" in out.getvalue()
    assert len(receiver.received) == 2
