"""Who learns of a referral's steps: the receiving office's officers of a new one, the sender
of every answer (the outcome always), the receiving office's head of a missed deadline."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from benteng.accounts.models import Role
from benteng.notifications.models import Notification, NotificationKind
from benteng.notifications.texts import notification_text
from benteng.referrals.deadlines import referrals_flag_overdue
from benteng.referrals.services import (
    referral_acknowledge,
    referral_assign,
    referral_close,
    referral_return,
)
from tests.conftest import make_user
from tests.referrals.conftest import send, viewer_of

pytestmark = pytest.mark.django_db


def _received(user) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", "params")
    )


def test_a_new_referral_reaches_the_receiving_officers_only(personas, penyidik_polres):
    # when
    referral = send(personas.petugas_imigrasi)
    # then
    ((kind, params),) = _received(penyidik_polres)
    assert kind == NotificationKind.NEW_REFERRAL
    assert params["number"] == referral.number
    # the notification names the referral, never the person it is about
    assert "Siti" not in str(params) and "0812" not in str(params)
    notification = Notification.objects.get(recipient=penyidik_polres)
    assert notification.link == f"/rujukan/{referral.pk}/"
    for other in (personas.petugas_imigrasi, personas.penyidik, personas.admin):
        assert _received(other) == []


def test_the_sender_learns_each_answer_and_the_assignee_is_told(personas, penyidik_polres):
    referral = send(personas.petugas_imigrasi)
    police = viewer_of(penyidik_polres)
    # when
    referral_acknowledge(viewer=police, referral=referral)
    referral_assign(viewer=police, referral=referral, assignee=penyidik_polres)
    referral_close(
        viewer=police,
        referral=referral,
        outcome="perkara_dibuka",
        lp_number="LP/B/12/XII/2026/SPKT",
        lp_date="05-12-2026",
        case_kind="tppo",
        case_modus="non_prosedural",
    )
    # then
    told = _received(personas.petugas_imigrasi)
    assert [kind for kind, _params in told] == [
        NotificationKind.REFERRAL_ACKNOWLEDGED,
        NotificationKind.REFERRAL_OUTCOME,
    ]
    assert told[1][1]["outcome"] == {
        "msgid": "Perkara dibuka (Laporan Polisi)"
    }  # translated when shown
    assert NotificationKind.REFERRAL_ASSIGNED in [k for k, _ in _received(penyidik_polres)]


def test_a_returned_referral_tells_the_sender(personas, penyidik_polres):
    referral = send(personas.petugas_imigrasi)
    # when
    referral_return(
        viewer=viewer_of(penyidik_polres), referral=referral, reason="Bukan wilayah kami."
    )
    # then: the reason stays on the referral's page, not in the notification
    ((kind, params),) = _received(personas.petugas_imigrasi)
    assert kind == NotificationKind.REFERRAL_RETURNED
    assert "wilayah" not in str(params)


def test_a_missed_deadline_reaches_the_receiving_head_and_the_sender_once(
    personas, penyidik_polres
):
    head = make_user("kapolresta", Role.PIMPINAN, "polresta-tangerang")
    sent_at = timezone.now() - datetime.timedelta(hours=5)
    send(personas.petugas_imigrasi, urgency="segera", sent_at=sent_at)
    # when: the scheduled check runs twice
    referrals_flag_overdue()
    referrals_flag_overdue()
    # then
    overdue = NotificationKind.DEADLINE_OVERDUE
    assert [kind for kind, _ in _received(head)] == [overdue]
    assert [kind for kind, _ in _received(personas.petugas_imigrasi)] == [overdue]
    # and it reads as a sentence: which deadline, of which referral, since when
    ((kind, params),) = _received(head)
    body = notification_text(kind, params).body
    assert body.startswith(f"Batas penerimaan rujukan {params['number']} terlewati sejak ")
