from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benteng.access.viewer import Viewer
from benteng.api.models import ApiClient
from benteng.api.services import api_client_rotate_token


class Command(BaseCommand):
    help = (
        "Issue a new token for a client system and print it once; the old token stops working "
        "at once, and a revoked client becomes active again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Name of the client system.")

    def handle(self, *args: Any, **options: Any) -> None:
        client = ApiClient.objects.filter(name=options["name"]).first()
        if client is None:
            raise CommandError("No client system matches.")
        token = api_client_rotate_token(
            client=client, viewer=Viewer.system(purpose="manage.py api_client_rotate")
        )
        self.stderr.write(f"New token for {client.name}; it is shown only now:")
        self.stdout.write(token)
