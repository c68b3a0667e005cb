from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from benteng.audit.checkpoints import checkpoint_file, checkpoint_write
from benteng.audit.services import audit_seal_pending


class Command(BaseCommand):
    help = (
        "Seal the audit entries still waiting, then append a signed checkpoint of the chain "
        "head to the checkpoint file (BENTENG_AUDIT_CHECKPOINT_FILE)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        audit_seal_pending()
        checkpoint = checkpoint_write()
        self.stdout.write(
            f"Checkpoint at entry {checkpoint.sequence} ({checkpoint.hash[:16]}…) "
            f"appended to {checkpoint_file()}."
        )
