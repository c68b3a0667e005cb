from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from benteng.reference import reference_loaders


class Command(BaseCommand):
    help = "Load reference data of every app: regions, agencies, offices, rules (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for label, load in reference_loaders():
            with transaction.atomic():
                summary = load()
            self.stdout.write(f"{label}: {summary}")
