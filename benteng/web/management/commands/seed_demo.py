from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from benteng.demo import seed_all_demo


class Command(BaseCommand):
    help = "Create synthetic demo data for every app (idempotent; never real personal data)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.ALLOW_DEMO_DATA:
            raise CommandError(
                "seed_demo creates demo accounts with a published password: it runs only with "
                "DEBUG=1 (a development or demo machine), never on a production database."
            )
        call_command("seed_reference", stdout=self.stdout)
        with transaction.atomic():
            context = seed_all_demo()
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {context.password}):")
        for account in context.accounts:
            self.stdout.write(f"  {account.username:<22} {account.role:<17} {account.office}")
        for note in context.notes:
            self.stdout.write(note)
