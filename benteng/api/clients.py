"""What a client system can learn about itself: useful to check a token before going live."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from benteng.api.auth import request_client, require_scope
from benteng.api.errors import error_responses
from benteng.api.schemas import ClientOut, client_out

router = Router(tags=["client"])


@router.get(
    "/me",
    auth=require_scope(),
    response={200: ClientOut, **error_responses(401, 429)},
    summary="The client system this token belongs to",
    description="Any valid token, whatever its scopes.",
    operation_id="client_me",
)
def me(request: HttpRequest) -> dict[str, Any]:
    return client_out(request_client(request))
