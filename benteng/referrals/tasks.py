"""Background work of the referrals app, through the Tasks API: thin, idempotent wrappers."""

from __future__ import annotations

import datetime

from django_tasks import task

from benteng.referrals.deadlines import referrals_flag_overdue
from benteng.schedule.jobs import PeriodicJob


@task()
def referrals_check_deadlines() -> int:
    """Record an "overdue" event on each open referral that newly missed a deadline."""
    return referrals_flag_overdue()


# Enqueued by `manage.py run_schedule`: the shortest deadline is hours, so every 15 minutes
# flags a missed one soon enough.
PERIODIC_JOBS = [
    PeriodicJob(
        name="referrals.check_deadlines",
        task=referrals_check_deadlines,
        interval=datetime.timedelta(minutes=15),
    ),
]
