"""Background work of the screening app, through the Tasks API (django-tasks on Django 5.2).

Tasks are thin, idempotent wrappers around a service: running one twice does no harm.
"""

from __future__ import annotations

import datetime

from django_tasks import task

from benteng.schedule.jobs import PeriodicJob
from benteng.screening.decisions import postponements_lapse_overdue


@task()
def screening_lapse_postponements() -> int:
    """Record as lapsed every postponement whose documents were not supplied in time."""
    return postponements_lapse_overdue()


# Enqueued by `manage.py run_schedule` (benteng/schedule/): a postponement due on a day lapses
# in the first minutes of the next day, or as soon as the scheduler starts if it was not running.
PERIODIC_JOBS = [
    PeriodicJob(
        name="screening.lapse_postponements",
        task=screening_lapse_postponements,
        daily_at=datetime.time(0, 5),
    ),
]
