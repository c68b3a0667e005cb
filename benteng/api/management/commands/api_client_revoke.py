from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from benteng.access.viewer import Viewer
from benteng.api.models import ApiClient
from benteng.api.services import api_client_revoke


class Command(BaseCommand):
    help = "Revoke a client system's API token, by the client's name or the token's prefix."

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--name", help="Name of the client system.")
        which.add_argument("--prefix", help="The token's first characters, as the admin shows.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["name"]:
            matches = list(ApiClient.objects.filter(name=options["name"]))
        else:
            matches = list(ApiClient.objects.filter(token_prefix__startswith=options["prefix"]))
        if not matches:
            raise CommandError("No client system matches.")
        if len(matches) > 1:
            names = ", ".join(client.name for client in matches)
            raise CommandError(f"Several client systems match ({names}); be more precise.")
        client = matches[0]
        viewer = Viewer.system(purpose="manage.py api_client_revoke")
        if api_client_revoke(client=client, viewer=viewer):
            self.stdout.write(f"Revoked the token of {client.name}.")
        else:
            self.stdout.write(f"The token of {client.name} was already revoked.")
