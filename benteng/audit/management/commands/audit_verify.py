from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from benteng.audit.management.commands.audit_seal import describe
from benteng.audit.services import audit_chain_verify, audit_seal_pending


class Command(BaseCommand):
    help = (
        "Seal the audit entries still waiting, then check the audit trail's hash chain and "
        "report the first entry where it breaks."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # Entries of a process that ended between its commit and its seal: sealed first, so
        # they are verified too (and named, as nobody sealed them in time).
        report = audit_seal_pending()
        if report.sealed:
            self.stdout.write(self.style.WARNING(describe(report)))
        checked, chain_break = audit_chain_verify()
        if chain_break is not None:
            raise CommandError(
                f"Audit chain broken at entry {chain_break.sequence}: {chain_break.reason} "
                f"({checked} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries verified."))
