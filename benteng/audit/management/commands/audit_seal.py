from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from benteng.audit.sealer import seal_interval, seal_until_stopped
from benteng.audit.services import SealReport, audit_seal_pending


def describe(report: SealReport) -> str:
    if not report.sealed:
        return "No audit entries were waiting to be sealed."
    waited = report.oldest_wait.total_seconds() if report.oldest_wait is not None else 0.0
    return (
        f"Sealed {report.sealed} audit entries that were waiting; "
        f"the oldest had waited {waited:.1f} s since it was written."
    )


class Command(BaseCommand):
    help = (
        "Seal every audit entry still waiting into the hash chain. With --forever: the audit "
        "sealer process, sealing what waits every BENTENG_AUDIT_SEAL_DELAY seconds until "
        "SIGTERM or SIGINT (docs/audit-trail.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--forever",
            action="store_true",
            help="Run as the sealer process; stops cleanly, sealing what waits, on SIGTERM/SIGINT.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["forever"]:
            self.stdout.write(describe(audit_seal_pending()))
            return
        stop = threading.Event()

        def request_stop(_signum: int, _frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        self.stdout.write(f"Audit sealer started: sealing every {seal_interval():g} s.")
        self.stdout.flush()
        run = seal_until_stopped(stop)
        self.stdout.write(
            f"Audit sealer stopped: {run.sealed} entries sealed in {run.rounds} rounds "
            f"({run.failures} failed)."
        )
