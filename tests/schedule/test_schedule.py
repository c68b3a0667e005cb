"""The schedule of periodic jobs: due work runs by itself, once per slot."""

from __future__ import annotations

import datetime
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from benteng.schedule.jobs import PeriodicJob, jobs, schedule_enqueue_due
from benteng.schedule.models import ScheduledRun
from benteng.screening.models import ApplicationStatus, DecisionOutcome
from benteng.screening.tasks import screening_lapse_postponements
from tests.screening.flow_factories import application_make

pytestmark = pytest.mark.django_db

LAPSE_JOB = "screening.lapse_postponements"


def _local(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _scheduler_and_worker_run_at(moment: datetime.datetime) -> None:
    """What the two background processes do at ``moment``: a scheduler round, then the worker
    works off its queue. Nobody calls the lapse itself."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        call_command("run_schedule", "--once", stdout=StringIO())
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")


# The worker closes its database connection when its batch is done: on PostgreSQL that ends
# the transaction a test normally runs in, so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_postponement_lapses_by_itself_the_day_after_its_due_date(personas):
    # given: a postponement due on 6 December
    due = datetime.date(2026, 12, 6)
    application = application_make(status=ApplicationStatus.POSTPONED, postponed_until=due)
    # when: the scheduler and the worker run on the due date itself
    _scheduler_and_worker_run_at(_local(due, 14))
    # then: the applicant still has the day
    application.refresh_from_db()
    assert application.status == ApplicationStatus.POSTPONED
    # when: they run on 7 December, after the daily time
    _scheduler_and_worker_run_at(_local(due + datetime.timedelta(days=1), 0, 10))
    # then
    application.refresh_from_db()
    assert application.status == ApplicationStatus.LAPSED
    assert application.decisions.get().outcome == DecisionOutcome.LAPSE
    assert ScheduledRun.objects.filter(job=LAPSE_JOB).count() == 2


def test_the_screening_app_registers_the_lapse_as_a_daily_job():
    registered = {job.name: job for job in jobs()}
    assert registered[LAPSE_JOB].task == screening_lapse_postponements
    assert registered[LAPSE_JOB].daily_at == datetime.time(0, 5)


def test_a_job_is_enqueued_once_per_slot():
    # given
    moment = _local(datetime.date(2026, 12, 7), 9)
    # when: two rounds in the same slot
    first = schedule_enqueue_due(now=moment)
    second = schedule_enqueue_due(now=moment + datetime.timedelta(hours=3))
    # then
    assert LAPSE_JOB in first
    assert LAPSE_JOB not in second
    run = ScheduledRun.objects.get(job=LAPSE_JOB)
    assert run.slot == _local(datetime.date(2026, 12, 7), 0, 5)
    assert run.task_id


def test_a_second_scheduler_racing_for_the_same_slot_enqueues_nothing():
    # given: another scheduler recorded the slot between this one's look and its insert
    moment = _local(datetime.date(2026, 12, 7), 9)
    ScheduledRun.objects.create(job=LAPSE_JOB, slot=_local(moment.date(), 0, 5))
    unseen = mock.Mock(**{"exists.return_value": False})
    # when
    with mock.patch.object(ScheduledRun.objects, "filter", return_value=unseen):
        enqueued = schedule_enqueue_due(now=moment)
    # then: its enqueue was rolled back with its insert (other registered jobs, whose slots
    # nobody took, were enqueued as usual)
    assert LAPSE_JOB not in enqueued
    assert not DBTaskResult.objects.filter(
        task_path=screening_lapse_postponements.module_path
    ).exists()
    assert ScheduledRun.objects.filter(job=LAPSE_JOB).count() == 1


@pytest.mark.parametrize(
    ("hour", "minute", "slot_day"),
    [(0, 4, 6), (0, 5, 7), (23, 59, 7)],
    ids=["before-the-daily-time", "at-the-daily-time", "late-evening"],
)
def test_a_daily_job_slot_is_the_latest_daily_time(hour, minute, slot_day):
    job = PeriodicJob(name="x", task=screening_lapse_postponements, daily_at=datetime.time(0, 5))
    moment = _local(datetime.date(2026, 12, 7), hour, minute)
    assert job.slot_at(moment) == _local(datetime.date(2026, 12, slot_day), 0, 5)


def test_an_interval_job_slot_starts_on_the_interval():
    job = PeriodicJob(
        name="x", task=screening_lapse_postponements, interval=datetime.timedelta(minutes=15)
    )
    moment = datetime.datetime(2026, 12, 7, 3, 22, 10, tzinfo=datetime.UTC)
    assert job.slot_at(moment) == datetime.datetime(2026, 12, 7, 3, 15, tzinfo=datetime.UTC)
    assert job.next_slot_after(moment) == datetime.datetime(2026, 12, 7, 3, 30, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "when",
    [{}, {"interval": datetime.timedelta(hours=1), "daily_at": datetime.time(1)}],
    ids=["neither", "both"],
)
def test_a_job_needs_exactly_one_kind_of_schedule(when):
    with pytest.raises(ValueError, match="interval or a daily time"):
        PeriodicJob(name="x", task=screening_lapse_postponements, **when)
