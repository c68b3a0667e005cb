from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benteng.api.openapi import REGENERATE_COMMAND, committed_schema_path, openapi_document_text


class Command(BaseCommand):
    help = "Write the API's OpenAPI schema to docs/openapi.json (or --output), or --check it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="File to write (default docs/openapi.json)."
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail when the file differs from the generated schema.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["output"] or committed_schema_path()
        text = openapi_document_text()
        if options["check"]:
            current = target.read_text(encoding="utf-8") if target.exists() else ""
            if current != text:
                raise CommandError(f"{target} is out of date; run: {REGENERATE_COMMAND}")
            self.stdout.write(f"{target} is up to date.")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {target}."))
