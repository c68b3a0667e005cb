"""Background work of the notifications app, through the Tasks API (django-tasks on Django 5.2).

Tasks are thin, idempotent wrappers around a service: running one twice sends nothing twice.
"""

from __future__ import annotations

import datetime

from django_tasks import task

from benteng.notifications.emails import notification_email_deliver, notification_emails_retry
from benteng.schedule.jobs import PeriodicJob


@task()
def notification_email_send(notification_id: int) -> bool:
    """Send one notification's e-mail copy, if it is still waiting (enqueued after the commit)."""
    return notification_email_deliver(notification_id=notification_id)


@task()
def notification_emails_send_waiting() -> int:
    """Send the e-mail copies that failed earlier or lost their task, once their pause passed."""
    return notification_emails_retry()


# Enqueued by `manage.py run_schedule` (benteng/schedule/).
PERIODIC_JOBS = [
    PeriodicJob(
        name="notifications.retry_emails",
        task=notification_emails_send_waiting,
        interval=datetime.timedelta(minutes=5),
    ),
]
