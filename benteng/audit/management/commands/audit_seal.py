from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

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
        "Seal every audit entry still waiting into the hash chain (entries of a process that "
        "stopped between its commit and its seal; the web processes seal their own)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(describe(audit_seal_pending()))
