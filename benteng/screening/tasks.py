"""Background work of the screening app, through the Tasks API (django-tasks on Django 5.2).

Tasks are thin, idempotent wrappers around a service: running one twice does no harm.
"""

from __future__ import annotations

from django_tasks import task

from benteng.screening.decisions import postponements_lapse_overdue


@task()
def screening_lapse_postponements() -> int:
    """Record as lapsed every postponement whose documents were not supplied in time."""
    return postponements_lapse_overdue()
