"""Webhooks in the admin: a subscription's secret shown once, addresses checked with a clear
message that keeps what was typed, a delivery log of ids and codes (no personal data), a
re-send action, an edit that leaves the delivery worker's lease alone; nobody but an
administrator gets in."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from benteng.api import admin as admin_module
from benteng.api.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from benteng.api.webhooks import (
    webhook_subscription_claim,
    webhook_url_clean,
    webhooks_deliver,
    webhooks_fan_out,
)
from benteng.audit.models import AuditAction, AuditEntry
from tests.api.webhook_factories import police_client, subscribe
from tests.api.webhook_receiver import Receiver
from tests.conftest import Personas, verified_client
from tests.watchlists.conftest import make_entry

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/api/webhooksubscription/add/"
SUBSCRIPTIONS_URL = "/admin/api/webhooksubscription/"
DELIVERIES_URL = "/admin/api/webhookdelivery/"


def test_admin_subscribes_a_client_and_sees_the_secret_once(personas: Personas, settings):
    # given
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    client, _token = police_client()
    browser = verified_client(personas.admin)
    # when
    response = browser.post(
        ADD_URL,
        {
            "client": client.pk,
            "url": "http://127.0.0.1:9/hook",
            "event_kinds": ["watchlist.entry_created"],
            "is_active": "on",
        },
    )
    # then
    assert response.status_code == 302
    subscription = WebhookSubscription.objects.get()
    shown = browser.get(response["Location"]).content.decode()
    secret = re.search(r"<code>(whsec_[A-Za-z0-9+/=]+)</code>", shown)
    assert secret is not None
    assert secret.group(1) == subscription.secret
    assert "tidak akan ditampilkan lagi" in shown
    assert subscription.created_by == personas.admin
    # and never again
    page = browser.get(f"{SUBSCRIPTIONS_URL}{subscription.pk}/change/").content.decode()
    assert subscription.secret not in page
    assert subscription.secret_prefix in page
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="api.webhooksubscription"
    ).exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://penerima.contoh.go.id/hook", "harus memakai https"),
        ("https://127.0.0.1/hook", "jaringan lokal, privat atau loopback"),
        ("https://10.1.2.3/hook", "jaringan lokal, privat atau loopback"),
        ("https://[::1]/hook", "jaringan lokal, privat atau loopback"),
        ("https://localhost/hook", "jaringan lokal, privat atau loopback"),
        ("https://user:sandi@8.8.8.8/hook", "nama pengguna atau kata sandi"),
        ("ftp://8.8.8.8/hook", "URL lengkap"),
    ],
)
def test_a_bad_address_is_refused_with_a_clear_message_keeping_what_was_typed(
    personas: Personas, settings, url, message
):
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    client, _token = police_client()
    browser = verified_client(personas.admin)
    response = browser.post(
        ADD_URL, {"client": client.pk, "url": url, "event_kinds": ["watchlist.entry_created"]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'value="{url.strip()}"' in page  # what was typed is kept
    assert re.search(r'value="watchlist.entry_created"[^>]*checked', page)
    assert WebhookSubscription.objects.count() == 0


def test_a_public_https_address_is_accepted_and_no_kind_is_refused(settings):
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False
    assert webhook_url_clean(" https://8.8.8.8/hook ") == "https://8.8.8.8/hook"
    from benteng.api.webhooks import webhook_event_kinds_clean

    with pytest.raises(ValidationError, match="minimal satu"):
        webhook_event_kinds_clean([])
    with pytest.raises(ValidationError, match="tidak dikenal"):
        webhook_event_kinds_clean(["referral.lost"])


def test_the_delivery_log_shows_ids_and_codes_never_personal_data(
    personas: Personas, police_list, settings
):
    # given: a delivery the receiver refused
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    settings.BENTENG_WEBHOOK_MAX_ATTEMPTS = 1
    receiver = Receiver(status=500).start()
    try:
        client, _token = police_client()
        subscribe(client, receiver.url)
        entry = make_entry(personas.penyidik, police_list, full_name="Rahasia Pribadi")
        webhooks_deliver()
        delivery = WebhookDelivery.objects.get()
        browser = verified_client(personas.admin)
        # when
        listing = browser.get(DELIVERIES_URL).content.decode()
        detail = browser.get(f"{DELIVERIES_URL}{delivery.pk}/change/").content.decode()
        # then
        assert f"watchlists.watchlistentry:{entry.pk}" in listing
        assert "500" in listing
        for page in (listing, detail):
            assert "Rahasia Pribadi" not in page
            assert entry.nik not in page
        assert AuditEntry.objects.filter(
            action=AuditAction.LIST, object_type="api.webhookdelivery"
        ).exists()
        # when: re-sent from the log, the receiver now answering
        receiver.status = 204
        response = browser.post(
            DELIVERIES_URL, {"action": "resend", "_selected_action": [delivery.pk]}
        )
        assert response.status_code == 302
        webhooks_deliver()
        delivery.refresh_from_db()
        assert delivery.status == DeliveryStatus.DELIVERED
        assert delivery.resent_count == 1
    finally:
        receiver.stop()


@pytest.mark.parametrize("persona", ["penyidik", "analis_polri", "pimpinan", "petugas_imigrasi"])
def test_nobody_but_an_administrator_opens_the_webhook_admin(personas: Personas, persona):
    browser = verified_client(getattr(personas, persona))
    for url in (SUBSCRIPTIONS_URL, DELIVERIES_URL, ADD_URL):
        assert browser.get(url).status_code == 403


def test_editing_a_subscription_keeps_a_lease_a_worker_took_meanwhile(
    personas: Personas, police_list, settings, monkeypatch
):
    # given: a subscription with a due delivery, and a worker that claims its queue while
    # the administrator's change is being saved (after the page's object was loaded)
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    client, _token = police_client()
    subscription, _secret = subscribe(client, "http://127.0.0.1:9/hook")
    make_entry(personas.penyidik, police_list)
    webhooks_fan_out()
    claimed: list[str] = []

    def clean_while_a_worker_claims(url: str) -> str:
        lease = webhook_subscription_claim(subscription.pk, clock=timezone.now(), batch=100)
        assert lease is not None
        claimed.append(lease[0].token)
        return webhook_url_clean(url)

    monkeypatch.setattr(admin_module, "webhook_url_clean", clean_while_a_worker_claims)
    browser = verified_client(personas.admin)
    # when: the administrator changes the address
    response = browser.post(
        f"{SUBSCRIPTIONS_URL}{subscription.pk}/change/",
        {
            "client": client.pk,
            "url": "http://127.0.0.1:10/hook",
            "event_kinds": ["watchlist.entry_created", "watchlist.entry_changed"],
            "is_active": "on",
        },
    )
    # then: the change is saved, and the worker's lease is still there
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.url == "http://127.0.0.1:10/hook"
    assert subscription.lease_token == claimed[0]
    assert subscription.leased_until is not None
