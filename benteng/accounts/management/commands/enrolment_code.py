from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benteng.accounts.models import User
from benteng.accounts.twofactor import enrolment_code_issue


class Command(BaseCommand):
    help = (
        "Issue a one-time TOTP enrolment code for an account, from the server's command line "
        "(for the first administrator; afterwards administrators issue codes in the admin)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No account named {options['username']!r}.")
        code = enrolment_code_issue(user=user, issued_by=None)
        self.stdout.write(f"Enrolment code for {user.username} (valid 72 hours, once): {code}")
