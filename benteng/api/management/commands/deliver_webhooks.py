from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from benteng.api.webhooks import DeliveryReport, HttpSender, webhooks_deliver

logger = logging.getLogger(__name__)


def describe(report: DeliveryReport) -> str:
    return (
        f"{report.fanned_out} events handed out; {report.delivered} delivered, "
        f"{report.retrying} to retry, {report.failed} given up, {report.skipped} skipped."
    )


class Command(BaseCommand):
    help = (
        "Deliver the outbox's events to the webhook subscribers (benteng/api/webhooks.py): one "
        "round, or with --forever the delivery worker, looking for new events every "
        "BENTENG_WEBHOOK_POLL_SECONDS when idle, until SIGTERM or SIGINT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--forever", action="store_true", help="Run as the delivery worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["forever"]:
            self.stdout.write(describe(webhooks_deliver()))
            return
        stop = threading.Event()

        def request_stop(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        poll = float(getattr(settings, "BENTENG_WEBHOOK_POLL_SECONDS", 0.5))
        self.stdout.write(f"Webhook delivery worker started: looking every {poll:g} s when idle.")
        self.stdout.flush()
        sender = HttpSender()
        total = DeliveryReport()
        try:
            while not stop.is_set():
                close_old_connections()
                try:
                    report = webhooks_deliver(sender=sender)
                except Exception:
                    # The database went away for a moment, say: keep the worker alive.
                    logger.exception("Webhook delivery round failed")
                    stop.wait(poll)
                    continue
                total.delivered += report.delivered
                total.failed += report.failed
                if not report.worked:
                    stop.wait(poll)
        finally:
            sender.close()
        self.stdout.write(
            f"Webhook delivery worker stopped: {total.delivered} delivered, "
            f"{total.failed} given up."
        )
