"""Referral events reach the client systems of the two offices, through the outbox and a
signed webhook, with the referral's own facts and never its people."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from benteng.accounts.models import Office, Role
from benteng.api.models import ApiScope, DeliveryStatus, WebhookDelivery
from benteng.api.services import api_client_create
from benteng.api.webhooks import webhooks_deliver
from benteng.cases.models import CaseKind, Modus, PersonRole, Stage
from benteng.cases.services import case_person_add, case_stage_advance
from benteng.referrals.events import (
    REFERRAL_CASE_PROGRESS,
    REFERRAL_CREATED,
    REFERRAL_STATE_CHANGED,
)
from benteng.referrals.services import referral_acknowledge, referral_assign, referral_close
from tests.api.webhook_factories import SYSTEM, subscribe
from tests.api.webhook_receiver import Receiver
from tests.cases.conftest import lp_number_for
from tests.referrals.conftest import send, viewer_of

pytestmark = pytest.mark.django_db
KINDS = (REFERRAL_CREATED, REFERRAL_STATE_CHANGED)


@pytest.fixture
def receiver(settings):  # type: ignore[no-untyped-def]
    settings.BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    running = Receiver().start()
    yield running
    running.stop()


def _client(office: str, scopes: tuple[str, ...], role: str = Role.PENYIDIK):  # type: ignore[no-untyped-def]
    return api_client_create(
        name=f"Sistem {office} {len(scopes)}",
        office=Office.objects.get(code=office),
        role=role,
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


def test_the_sending_office_system_learns_the_case_s_progress_without_its_persons(
    personas, penyidik_polres, receiver
):
    # given: the counter's Kanim system, and a referral the police closed with a case
    kanim = _client(
        "kanim-tangerang",
        (ApiScope.WEBHOOKS, ApiScope.REFERRAL_READ),
        role=Role.PETUGAS_IMIGRASI,
    )
    subscribe(kanim, receiver.url, (REFERRAL_CASE_PROGRESS,))
    referral = send(personas.petugas_imigrasi)
    police = viewer_of(penyidik_polres)
    referral_acknowledge(viewer=police, referral=referral)
    referral_assign(viewer=police, referral=referral, assignee=penyidik_polres)
    lp_date = timezone.localdate() - datetime.timedelta(days=1)
    referral_close(
        viewer=police,
        referral=referral,
        outcome="perkara_dibuka",
        lp_number=lp_number_for(lp_date, 77),
        lp_date=lp_date,
        case_kind=CaseKind.TPPO,
        case_modus=Modus.ONLINE_SCAM,
    )
    referral.refresh_from_db()
    case = referral.case
    case_person_add(
        viewer=police, case=case, role=PersonRole.VICTIM, data={"full_name": "Korban Rahasia"}
    )
    # when: the case moves to sidik
    case_stage_advance(viewer=police, case=case, stage=Stage.SIDIK, on=lp_date)
    webhooks_deliver()
    # then: the Kanim's system learns the case's stage, never who its victim is
    (received,) = receiver.received
    body = received.json
    assert body["type"] == REFERRAL_CASE_PROGRESS
    shown = body["data"]["object"]
    assert shown["case"]["stage"] == Stage.SIDIK
    assert shown["case"]["lp_number"] == case.lp_number
    assert "Korban" not in str(body)
