from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benteng.audit.checkpoints import CheckpointError, checkpoints_read


class Command(BaseCommand):
    help = (
        "Export the signed checkpoints of the audit chain (JSON lines), checked first, for "
        "the other agency to keep: a copy the database's owners cannot change."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument(
            "--after", type=int, default=0, help="only checkpoints after this entry number"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoints = [c for c in checkpoints_read() if c.sequence > options["after"]]
        except CheckpointError as error:
            raise CommandError(str(error)) from error
        text = "".join(checkpoint.line() + "\n" for checkpoint in checkpoints)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            self.stdout.write(f"{len(checkpoints)} checkpoints written to {options['output']}.")
        else:
            sys.stdout.write(text)
