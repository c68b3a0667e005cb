"""Webhooks under the agreement: the body carries only the clause's fields, the audit entry
names the clause, the ledger has the delivery; without a basis nothing is sent."""

from __future__ import annotations

import pytest

from benteng.agreements.catalogue import BANTEN_PKS
from benteng.agreements.models import Channel, ClauseRecordType, Exchange
from benteng.api.models import ApiScope, DeliveryStatus, WebhookDelivery
from benteng.api.webhooks import NO_BASIS, webhooks_deliver
from benteng.audit.models import AuditAction, AuditEntry
from benteng.referrals.events import REFERRAL_CREATED
from tests.api.webhook_factories import subscribe
from tests.referrals.conftest import send
from tests.referrals.test_webhooks import _client, receiver  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def _police_system():  # type: ignore[no-untyped-def]
    return _client("polresta-tangerang", (ApiScope.WEBHOOKS, ApiScope.REFERRAL_READ))


def test_a_webhook_carries_only_the_clause_fields_and_names_its_clause(personas, receiver):  # noqa: F811
    # given: the clause of law enforcement lets no LP number or reason category go
    ClauseRecordType.objects.filter(
        clause__agreement__number=BANTEN_PKS.number,
        clause__number="Pasal 4 ayat (2)",
        record_type="referrals.referral",
    ).update(fields=["number", "state", "sent_at", "receiving_office"])
    subscribe(_police_system(), receiver.url, (REFERRAL_CREATED,))
    referral = send(personas.petugas_imigrasi)
    # when
    webhooks_deliver()
    # then
    (received,) = receiver.received
    shown = received.json["data"]["object"]
    assert shown["number"] == referral.number
    assert "reason_category" not in shown and "lp_number" not in shown and "urgency" not in shown
    entry = AuditEntry.objects.filter(action=AuditAction.SHARE, detail__channel="webhook").get()
    assert entry.legal_basis == f"{BANTEN_PKS.number} Pasal 4 ayat (2)"
    line = Exchange.objects.get(channel=Channel.WEBHOOK)
    assert line.record_ids == [str(referral.pk)]
    assert "reason_category" not in line.fields


def test_a_webhook_without_basis_is_not_sent_and_is_logged(personas, receiver, caplog):  # noqa: F811
    # given: a referral sent under the PKS, whose clause then stops covering referrals
    subscribe(_police_system(), receiver.url, (REFERRAL_CREATED,))
    referral = send(personas.petugas_imigrasi)
    ClauseRecordType.objects.filter(
        clause=referral.clause, record_type="referrals.referral"
    ).delete()
    # when
    webhooks_deliver()
    # then
    assert receiver.received == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.SKIPPED
    assert delivery.last_error == NO_BASIS
    assert not Exchange.objects.filter(channel=Channel.WEBHOOK).exists()
    assert "not sent" in caplog.text
