"""Lapse overdue postponements (for cron, once a day after midnight).

manage.py screening_lapse_postponements            # lapse now, in this process
manage.py screening_lapse_postponements --enqueue  # hand it to the task worker
manage.py screening_lapse_postponements --date 2026-01-31
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benteng.screening.decisions import postponements_lapse_overdue
from benteng.screening.tasks import screening_lapse_postponements


class Command(BaseCommand):
    help = "Record postponed passport applications whose due date has passed as lapsed (gugur)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            help="Treat this day (YYYY-MM-DD) as today; postponements due before it lapse.",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Enqueue the task for the worker instead of running it here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            if options["date"]:
                raise CommandError("--date cannot be combined with --enqueue.")

            result = screening_lapse_postponements.enqueue()
            self.stdout.write(f"enqueued task {result.id}")
            return
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from error
        lapsed = postponements_lapse_overdue(today=today)
        self.stdout.write(f"{lapsed} postponed application(s) lapsed")
