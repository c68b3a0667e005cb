from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from benteng.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and report the first entry where it breaks."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, chain_break = audit_chain_verify()
        if chain_break is not None:
            raise CommandError(
                f"Audit chain broken at entry {chain_break.sequence}: {chain_break.reason} "
                f"({checked} entries before it are intact)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} entries verified."))
