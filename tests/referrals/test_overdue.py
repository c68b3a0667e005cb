"""Deadlines per urgency kept as data; overdue computed in the query; the periodic job records
one "overdue" event per referral and deadline however often it runs."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from benteng.referrals.deadlines import referrals_flag_overdue
from benteng.referrals.models import DeadlineKind, EventKind, Referral, ReferralDeadline
from benteng.referrals.selectors import with_overdue
from benteng.referrals.services import referral_acknowledge
from benteng.referrals.tasks import PERIODIC_JOBS
from benteng.schedule.jobs import jobs
from tests.referrals.conftest import send, viewer_of

pytestmark = pytest.mark.django_db


def test_due_times_come_from_the_deadline_table(personas):
    # given: an administrator shortened the urgent deadlines
    ReferralDeadline.objects.filter(urgency="segera").update(
        acknowledge_hours=2, first_action_hours=6
    )
    # when
    referral = send(personas.petugas_imigrasi, urgency="segera")
    # then
    assert referral.acknowledge_due_at - referral.sent_at == datetime.timedelta(hours=2)
    assert referral.action_due_at - referral.sent_at == datetime.timedelta(hours=6)


def test_the_seeded_deadlines_cover_every_urgency():
    assert set(ReferralDeadline.objects.values_list("urgency", flat=True)) == {
        "segera",
        "tinggi",
        "biasa",
    }


def test_overdue_is_flagged_once_per_deadline_however_often_the_job_runs(personas, penyidik_polres):
    # given: an urgent referral sent 5 hours ago (acknowledge within 4 h, act within 24 h)
    sent_at = timezone.now() - datetime.timedelta(hours=5)
    late = send(personas.petugas_imigrasi, urgency="segera", sent_at=sent_at)
    on_time = send(personas.petugas_imigrasi, urgency="biasa")
    # when
    first = referrals_flag_overdue()
    second = referrals_flag_overdue()
    # then
    assert (first, second) == (1, 0)
    overdue = late.events.filter(kind=EventKind.OVERDUE)
    assert list(overdue.values_list("deadline", "actor")) == [(DeadlineKind.ACKNOWLEDGE, None)]
    assert not on_time.events.filter(kind=EventKind.OVERDUE).exists()
    flags = dict(with_overdue(Referral.objects.all()).values_list("pk", "is_overdue"))
    assert flags == {late.pk: True, on_time.pk: False}
    # and a day later the first-action deadline is flagged, once
    later = timezone.now() + datetime.timedelta(hours=20)
    referral_acknowledge(viewer=viewer_of(penyidik_polres), referral=late)
    assert referrals_flag_overdue(now=later) == 1
    assert referrals_flag_overdue(now=later) == 0
    assert late.events.filter(kind=EventKind.OVERDUE).count() == 2


def test_an_acknowledged_referral_is_no_longer_overdue_for_acknowledgement(
    personas, penyidik_polres
):
    sent_at = timezone.now() - datetime.timedelta(hours=5)
    referral = send(personas.petugas_imigrasi, urgency="segera", sent_at=sent_at)
    referral_acknowledge(viewer=viewer_of(penyidik_polres), referral=referral)
    assert referrals_flag_overdue() == 0
    assert not with_overdue(Referral.objects.filter(pk=referral.pk)).get().is_overdue


def test_the_deadline_job_is_on_the_schedule():
    assert PERIODIC_JOBS[0] in jobs()
    assert PERIODIC_JOBS[0].interval == datetime.timedelta(minutes=15)
