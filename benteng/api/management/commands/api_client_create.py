from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from benteng.access.viewer import Viewer
from benteng.accounts.models import Office
from benteng.api.models import ApiScope
from benteng.api.services import api_client_create


class Command(BaseCommand):
    help = (
        "Register a client system of the JSON API and print its token once. Example: "
        "api_client_create --name 'SIMKIM Tangerang' --office kanim-tangerang "
        "--role petugas_imigrasi --scope reference:read"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Unique name of the client system.")
        parser.add_argument("--office", required=True, help="Code of the office it acts for.")
        parser.add_argument("--role", required=True, help="Role whose need-to-know it gets.")
        parser.add_argument(
            "--scope",
            action="append",
            required=True,
            dest="scopes",
            help=f"Scope (repeatable or comma-separated): {', '.join(ApiScope.values)}.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        office = Office.objects.select_related("agency").filter(code=options["office"]).first()
        if office is None:
            raise CommandError(f"No office with code {options['office']!r}.")
        scopes = [part for value in options["scopes"] for part in value.split(",")]
        try:
            issued = api_client_create(
                name=options["name"],
                office=office,
                role=options["role"],
                scopes=scopes,
                viewer=Viewer.system(purpose="manage.py api_client_create"),
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        client = issued.client
        self.stderr.write(
            f"Registered {client.name} ({client.office.code}, {client.role}; "
            f"scopes: {', '.join(client.scopes)}). The token below is shown only now:"
        )
        self.stdout.write(issued.token)
