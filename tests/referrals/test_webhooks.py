"""Referral events reach the client systems of the two offices, through the outbox and a
signed webhook, with the referral's own facts and never its people."""

from __future__ import annotations

import pytest

from benteng.accounts.models import Office, Role
from benteng.api.models import ApiScope, DeliveryStatus, WebhookDelivery
from benteng.api.services import api_client_create
from benteng.api.webhooks import webhooks_deliver
from benteng.referrals.events import REFERRAL_CREATED, REFERRAL_STATE_CHANGED
from benteng.referrals.services import referral_acknowledge
from tests.api.webhook_factories import SYSTEM, subscribe
from tests.api.webhook_receiver import Receiver
from tests.referrals.conftest import send, viewer_of

pytestmark = pytest.mark.django_db
KINDS = (REFERRAL_CREATED, REFERRAL_STATE_CHANGED)


@pytest.fixture
def receiver(settings):  # type: ignore[no-untyped-def]
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    running = Receiver().start()
    yield running
    running.stop()


def _client(office: str, scopes: tuple[str, ...]):  # type: ignore[no-untyped-def]
    return api_client_create(
        name=f"Sistem {office} {len(scopes)}",
        office=Office.objects.get(code=office),
        role=Role.PENYIDIK,
        scopes=scopes,
        viewer=SYSTEM,
    ).client


def test_the_receiving_office_system_learns_of_a_referral_and_its_acknowledgement(
    personas, penyidik_polres, receiver
):
    # given: Polresta Tangerang's system, and one of another office
    own = _client("polresta-tangerang", (ApiScope.WEBHOOKS, ApiScope.REFERRAL_READ))
    other = _client("polda-banten", (ApiScope.WEBHOOKS, ApiScope.REFERRAL_READ))
    subscribe(own, receiver.url, KINDS)
    subscribe(other, receiver.url, KINDS)
    # when
    referral = send(personas.petugas_imigrasi)
    referral_acknowledge(viewer=viewer_of(penyidik_polres), referral=referral)
    webhooks_deliver()
    # then: two events, in order, to its own office's system only
    bodies = [received.json for received in receiver.received]
    assert [body["type"] for body in bodies] == [REFERRAL_CREATED, REFERRAL_STATE_CHANGED]
    shown = bodies[1]["data"]["object"]
    assert shown["number"] == referral.number and shown["state"] == "diterima"
    assert shown["receiving_office"] == "polresta-tangerang"
    # the referral's people never leave through a webhook
    assert "Siti" not in str(bodies) and "0812" not in str(bodies)
    assert not WebhookDelivery.objects.filter(
        subscription__client=other, status=DeliveryStatus.DELIVERED
    ).exists()


def test_without_the_referral_scope_nothing_is_sent(personas, receiver):
    # given
    client = _client("polresta-tangerang", (ApiScope.WEBHOOKS,))
    subscribe(client, receiver.url, KINDS)
    # when
    send(personas.petugas_imigrasi)
    webhooks_deliver()
    # then
    assert receiver.received == []
