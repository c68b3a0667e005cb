"""The scheduler: enqueue each registered periodic job once per slot for ``db_worker``.

manage.py run_schedule          # the scheduler process, until SIGTERM or SIGINT
manage.py run_schedule --once   # one round (cron, or to catch up by hand)
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from benteng.schedule.jobs import jobs, schedule_enqueue_due, schedule_run_until_stopped


class Command(BaseCommand):
    help = (
        "Enqueue the periodic jobs that are due (each once per slot, even with two schedulers "
        "running) until SIGTERM or SIGINT; --once runs a single round."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one round, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            enqueued = schedule_enqueue_due()
            self.stdout.write(f"Enqueued: {', '.join(enqueued) or 'nothing was due'}.")
            return
        stop = threading.Event()

        def request_stop(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        names = ", ".join(job.name for job in jobs())
        self.stdout.write(f"Scheduler started: {names}.")
        self.stdout.flush()
        rounds = schedule_run_until_stopped(stop)
        self.stdout.write(f"Scheduler stopped after {rounds} rounds.")
