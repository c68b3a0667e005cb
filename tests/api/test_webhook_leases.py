"""Webhook delivery holds no lock while it waits for a receiver: a worker claims a subscriber's
queue with a lease, POSTs outside any transaction, and records the round only while the lease
is still its own. Claims are exclusive, a dead worker's lease runs out and another worker goes
on in order, and a worker whose lease was taken over does not record over the new owner."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Mapping

import pytest
from django.db import connection, connections

from benteng.api.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from benteng.api.webhooks import (
    SendResult,
    webhook_lease_length,
    webhook_subscription_claim,
    webhook_subscription_rotate_secret,
    webhooks_deliver,
    webhooks_fan_out,
)
from benteng.audit.models import AuditAction, AuditEntry
from benteng.outbox.models import OutboxEvent
from tests.api.webhook_factories import SYSTEM, police_client, subscribe
from tests.watchlists.conftest import make_entry

START = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)
BATCH = 100
# Never connected to: the tests post through a fake sender.
RECEIVER_URL = "http://127.0.0.1:9/hook"


@pytest.fixture(autouse=True)
def webhook_settings(settings):  # type: ignore[no-untyped-def]
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.BENTENG_WEBHOOK_TIMEOUT_SECONDS = 2
    settings.BENTENG_WEBHOOK_RETRY_FIRST_SECONDS = 10
    settings.BENTENG_WEBHOOK_MAX_ATTEMPTS = 25
    settings.BENTENG_WEBHOOK_GIVE_UP_HOURS = 24


class FakeSender:
    """Answers every POST with ``status``; notes what it was sent and whether a transaction
    was open; ``during`` runs while the POST is "in flight"."""

    def __init__(self, status: int = 204, during: Callable[[], None] | None = None) -> None:
        self.status = status
        self.during = during
        self.ids: list[str] = []
        self.in_transaction: list[bool] = []

    def post(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
        self.ids.append(headers["webhook-id"])
        self.in_transaction.append(connection.in_atomic_block)
        if self.during is not None:
            during, self.during = self.during, None
            during()
        return SendResult(self.status, "" if 200 <= self.status < 300 else "http")


def _queue(personas, police_list, count: int = 1) -> tuple[WebhookSubscription, list[str]]:  # type: ignore[no-untyped-def]
    """A police system subscribed, ``count`` events handed out to it; their webhook ids."""
    client, _token = police_client()
    subscription, _secret = subscribe(client, RECEIVER_URL)
    for n in range(count):
        make_entry(personas.penyidik, police_list, full_name=f"Perekrut Sewa {n}")
    webhooks_fan_out(now=START)
    ids = [f"evt_{pk}" for pk in OutboxEvent.objects.order_by("id").values_list("pk", flat=True)]
    return subscription, ids


# --- claims --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_of_two_claims_on_a_queue_one_wins_until_the_lease_is_released_or_runs_out(
    personas, police_list
):
    # given
    subscription, _ids = _queue(personas, police_list)
    # when: two workers claim the queue one after the other
    first = webhook_subscription_claim(subscription.pk, clock=START, batch=BATCH)
    second = webhook_subscription_claim(subscription.pk, clock=START, batch=BATCH)
    # then: the first holds it, with the due delivery; the second gets nothing
    assert first is not None
    lease, queue = first
    assert [delivery.subscription_id for delivery in queue] == [subscription.pk]
    assert second is None
    subscription.refresh_from_db()
    assert subscription.lease_token == lease.token
    assert subscription.leased_until == START + webhook_lease_length(BATCH)
    # and just before the lease runs out it is still held; when it has, another worker wins
    almost = lease.until - datetime.timedelta(seconds=1)
    assert webhook_subscription_claim(subscription.pk, clock=almost, batch=BATCH) is None
    taken = webhook_subscription_claim(subscription.pk, clock=lease.until, batch=BATCH)
    assert taken is not None and taken[0].token != lease.token


def test_the_lease_outlasts_a_round_of_timeouts(settings):
    settings.BENTENG_WEBHOOK_TIMEOUT_SECONDS = 5
    # every delivery of the batch waiting twice for the timeout, and a minute more
    assert webhook_lease_length(100) == datetime.timedelta(seconds=1060)
    assert webhook_lease_length(100) > datetime.timedelta(seconds=5 * 100)


@pytest.mark.django_db
def test_an_inactive_subscription_or_a_queue_not_due_is_not_claimed(personas, police_list):
    # given
    subscription, _ids = _queue(personas, police_list)
    # when the first delivery waits for a later retry: nothing claimed, no lease left behind
    WebhookDelivery.objects.update(next_attempt_at=START + datetime.timedelta(minutes=5))
    assert webhook_subscription_claim(subscription.pk, clock=START, batch=BATCH) is None
    subscription.refresh_from_db()
    assert (subscription.leased_until, subscription.lease_token) == (None, "")
    # when it is switched off
    WebhookDelivery.objects.update(next_attempt_at=START)
    WebhookSubscription.objects.filter(pk=subscription.pk).update(is_active=False)
    assert webhook_subscription_claim(subscription.pk, clock=START, batch=BATCH) is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_the_same_moment_get_one_lease(personas, police_list):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL (the test SQLite is in memory)")
    # given
    subscription, _ids = _queue(personas, police_list)
    start = threading.Barrier(2)
    tokens: list[str | None] = []
    errors: list[BaseException] = []

    def claim() -> None:
        try:
            start.wait()
            claimed = webhook_subscription_claim(subscription.pk, clock=START, batch=BATCH)
            tokens.append(claimed[0].token if claimed else None)
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # then: one lease, the one in the row
    assert errors == []
    winners = [token for token in tokens if token is not None]
    assert len(tokens) == 2 and len(winners) == 1
    subscription.refresh_from_db()
    assert subscription.lease_token == winners[0]


# --- no transaction while posting ----------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_a_receiver_is_posted_to(personas, police_list):
    # given
    _subscription, ids = _queue(personas, police_list, count=3)
    sender = FakeSender()
    # when
    report = webhooks_deliver(now=START, sender=sender)
    # then: each POST was made outside any transaction, in order, and the round recorded
    assert report.delivered == 3
    assert sender.ids == ids
    assert sender.in_transaction == [False, False, False]
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {
        DeliveryStatus.DELIVERED
    }
    assert AuditEntry.objects.filter(action=AuditAction.SHARE).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_slow_receiver_does_not_hold_up_a_secret_rotation(personas, police_list):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL (the test SQLite is in memory)")
    # given: a receiver still answering while an administrator makes a new secret
    subscription, _ids = _queue(personas, police_list)
    rotated: list[str] = []
    errors: list[BaseException] = []
    done_while_posting: list[bool] = []

    def rotate() -> None:
        try:
            target = WebhookSubscription.objects.get(pk=subscription.pk)
            rotated.append(webhook_subscription_rotate_secret(viewer=SYSTEM, subscription=target))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    def rotate_in_another_connection() -> None:
        thread = threading.Thread(target=rotate)
        thread.start()
        # A lock held across the POST would keep the rotation waiting past this: the sender
        # waits for the rotation, the rotation for the sender's transaction.
        thread.join(20)
        done_while_posting.append(not thread.is_alive())

    sender = FakeSender(during=rotate_in_another_connection)
    # when
    report = webhooks_deliver(now=START, sender=sender)
    # then: the rotation went through while the POST was in flight; the round recorded too
    assert done_while_posting == [True]
    assert errors == []
    assert len(rotated) == 1
    assert report.delivered == 1
    subscription.refresh_from_db()
    assert subscription.secret == rotated[0]
    assert (subscription.leased_until, subscription.lease_token) == (None, "")


# --- workers that die or come back late ----------------------------------------------------


@pytest.mark.django_db
def test_a_dead_workers_lease_runs_out_and_another_sends_the_queue_in_order(personas, police_list):
    # given: a worker claimed the queue and died before recording anything
    subscription, ids = _queue(personas, police_list, count=4)
    dead = webhook_subscription_claim(subscription.pk, clock=START, batch=BATCH)
    assert dead is not None
    sender = FakeSender()
    # when: another worker comes while the lease runs
    during = webhooks_deliver(now=START + datetime.timedelta(minutes=1), sender=sender)
    # then: it leaves the queue alone
    assert (during.subscriptions, during.delivered, sender.ids) == (0, 0, [])
    # when: it comes after the lease ran out
    after = webhooks_deliver(now=dead[0].until, sender=sender)
    # then: it sends the whole queue, in order, and releases the lease
    assert after.delivered == 4
    assert sender.ids == ids
    assert (
        list(WebhookDelivery.objects.order_by("id").values_list("status", "attempts"))
        == [(DeliveryStatus.DELIVERED, 1)] * 4
    )
    subscription.refresh_from_db()
    assert (subscription.leased_until, subscription.lease_token) == (None, "")


@pytest.mark.django_db
def test_a_worker_whose_lease_was_taken_over_does_not_record_over_the_new_owner(
    personas, police_list
):
    # given: a worker posting to a receiver so slow that its lease runs out meanwhile, and
    # another worker takes the queue over and gets a 503 for the same delivery
    subscription, ids = _queue(personas, police_list)
    late = START + webhook_lease_length(BATCH)
    new_owner = FakeSender(status=503)
    new_owner_reports = []

    def taken_over() -> None:
        new_owner_reports.append(webhooks_deliver(now=late, sender=new_owner))

    stale = FakeSender(status=204, during=taken_over)
    # when: the slow receiver finally answers 2xx to the first worker
    stale_report = webhooks_deliver(now=START, sender=stale)
    # then: the new owner's result stands (one attempt, 503, to retry); the stale one dropped
    assert stale.ids == new_owner.ids == ids
    assert new_owner_reports[0].retrying == 1
    assert stale_report.delivered == 0
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.PENDING,
        1,
        503,
    )
    assert delivery.delivered_at is None
    # and the queue is free (the new owner released it when it recorded)
    subscription.refresh_from_db()
    assert (subscription.leased_until, subscription.lease_token) == (None, "")
    # and both POSTs are exchanges in the trail (the record left Benteng twice), the stale
    # one marked as not recorded on the delivery
    shares = list(AuditEntry.objects.filter(action=AuditAction.SHARE).order_by("id"))
    assert [(entry.detail["status_code"], entry.detail.get("lease_lost")) for entry in shares] == [
        (503, None),
        (204, True),
    ]


@pytest.mark.django_db
def test_a_late_worker_leaves_a_lease_it_no_longer_holds(personas, police_list):
    # given: the first worker's lease runs out while it posts, and another worker claims
    # the queue and is still sending when the first one records
    subscription, _ids = _queue(personas, police_list)
    late = START + webhook_lease_length(BATCH)
    held: list[str] = []

    def taken_over() -> None:
        claimed = webhook_subscription_claim(subscription.pk, clock=late, batch=BATCH)
        assert claimed is not None
        held.append(claimed[0].token)

    # when
    webhooks_deliver(now=START, sender=FakeSender(during=taken_over))
    # then: the new owner keeps its lease, and the delivery is still waiting for it
    subscription.refresh_from_db()
    assert subscription.lease_token == held[0]
    assert WebhookDelivery.objects.get().status == DeliveryStatus.PENDING


@pytest.mark.django_db
def test_a_round_that_fails_half_way_records_what_was_sent_and_releases_the_lease(
    personas, police_list
):
    # given: the second POST raises (a bug, say, not a receiver's error)
    subscription, ids = _queue(personas, police_list, count=3)

    class Broken(FakeSender):
        def post(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
            if len(self.ids) == 1:
                raise RuntimeError("sender broke")
            return super().post(url, headers, body)

    # when
    with pytest.raises(RuntimeError):
        webhooks_deliver(now=START, sender=Broken())
    # then: the first is recorded as delivered, the rest wait; the queue is free again
    assert list(WebhookDelivery.objects.order_by("id").values_list("status", flat=True)) == [
        DeliveryStatus.DELIVERED,
        DeliveryStatus.PENDING,
        DeliveryStatus.PENDING,
    ]
    subscription.refresh_from_db()
    assert (subscription.leased_until, subscription.lease_token) == (None, "")
    # and the next round goes on from the second, in order
    sender = FakeSender()
    webhooks_deliver(now=START, sender=sender)
    assert sender.ids == ids[1:]
