"""The schedule: periodic jobs that apps register from ``AppConfig.ready`` (as they register
their access policies and identity sources), and the round that enqueues the due ones.

A job runs every ``interval`` or once a day at ``daily_at`` (the server's local time,
``TIME_ZONE``). Its *slot* is the latest interval start or daily time at or before now; a job
is due while its current slot has no :class:`ScheduledRun`. A scheduler started late enqueues
the missed slot once (not every slot it missed): the tasks are idempotent catch-ups. Two
schedulers at once both try to insert the run; the unique constraint lets one enqueue.

The task is enqueued in the transaction that records the run, so with the database task
backend both are kept or neither.
"""

from __future__ import annotations

import datetime
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django_tasks.base import Task

from benteng.schedule.models import ScheduledRun

logger = logging.getLogger(__name__)

_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
# A scheduler wakes at least this often, so a clock change or a new slot is never missed long.
LONGEST_SLEEP = datetime.timedelta(seconds=60)


@dataclass(frozen=True)
class PeriodicJob:
    """A task enqueued every ``interval``, or daily at ``daily_at`` (local time)."""

    name: str
    task: Task[[], Any]
    interval: datetime.timedelta | None = None
    daily_at: datetime.time | None = None

    def __post_init__(self) -> None:
        if (self.interval is None) == (self.daily_at is None):
            raise ValueError(f"Job {self.name!r} needs an interval or a daily time, not both.")
        if self.interval is not None and self.interval <= datetime.timedelta(0):
            raise ValueError(f"Job {self.name!r} needs a positive interval.")

    def slot_at(self, now: datetime.datetime) -> datetime.datetime:
        """The start of the slot ``now`` falls in."""
        if self.interval is not None:
            return _EPOCH + ((now - _EPOCH) // self.interval) * self.interval
        assert self.daily_at is not None  # noqa: S101 (__post_init__ requires one of the two)
        local = timezone.localtime(now)
        today = timezone.make_aware(datetime.datetime.combine(local.date(), self.daily_at))
        if today > now:
            return today - datetime.timedelta(days=1)
        return today

    def next_slot_after(self, now: datetime.datetime) -> datetime.datetime:
        if self.interval is not None:
            return self.slot_at(now) + self.interval
        return self.slot_at(now) + datetime.timedelta(days=1)


_jobs: dict[str, PeriodicJob] = {}


def register_job(job: PeriodicJob) -> None:
    """Add ``job`` to the schedule (from the owning app's ``AppConfig.ready()``)."""
    other = _jobs.get(job.name)
    if other is not None and other != job:
        raise ValueError(f"A different job is already registered as {job.name!r}.")
    _jobs[job.name] = job


def jobs() -> tuple[PeriodicJob, ...]:
    return tuple(_jobs.values())


def schedule_enqueue_due(*, now: datetime.datetime | None = None) -> list[str]:
    """Enqueue every job whose current slot has not run yet; the names of those enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in jobs():
        slot = job.slot_at(now)
        if ScheduledRun.objects.filter(job=job.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, slot=slot, enqueued_at=now)
                result = job.task.enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another scheduler took this slot first
        logger.info("Enqueued %s for %s as task %s.", job.name, slot.isoformat(), run.task_id)
        enqueued.append(job.name)
    return enqueued


def seconds_until_next_slot(now: datetime.datetime) -> float:
    """How long a scheduler may sleep after a round at ``now``."""
    upcoming = [job.next_slot_after(now) - now for job in jobs()]
    return min([LONGEST_SLEEP, *upcoming]).total_seconds()


def schedule_run_until_stopped(stop: threading.Event) -> int:
    """The scheduler process: a round, a sleep until the next slot, until ``stop`` is set.
    A failed round (the database away) is logged and retried after the sleep."""
    rounds = 0
    while not stop.is_set():
        try:
            close_old_connections()  # a long-lived process: drop a connection gone bad
            schedule_enqueue_due()
        except Exception:
            logger.exception("A schedule round failed; retrying.")
        rounds += 1
        stop.wait(max(1.0, seconds_until_next_slot(timezone.now())))
    return rounds
