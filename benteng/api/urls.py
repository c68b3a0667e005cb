"""The JSON API, mounted at /api/v1/ by benteng/urls.py."""

from __future__ import annotations

from benteng.api import clients, health, reference, referrals, screenings, webhook_routes
from benteng.api.auth import ClientRateThrottle
from benteng.api.errors import install_error_handlers
from benteng.api.site import BentengAPI, BentengSwagger

DESCRIPTION = """\
System-to-system API of Benteng, the shared system of Kanwil Ditjen Imigrasi Banten,
Polda Banten and the Desa Binaan villages against TPPO and TPPM.

**Authentication.** Every endpoint except `health` needs `Authorization: Bearer <token>`.
A token belongs to one registered client system, which acts for one office with the
need-to-know of one role, limited further by the token's scopes (listed in each operation's
security requirement). Tokens are issued by an administrator and shown once.

**Errors.** Every error has the body `{"code": ..., "message": ..., "details": ...}`:
`code` is stable and machine-readable, `message` is in Bahasa Indonesia unless the request
sends `Accept-Language: en`, and `details` is present where it helps (invalid fields,
missing scopes).

**Rate limit.** Requests are limited per token (per IP address without a token), counted
by every server process together; over the limit the answer is 429 `rate_limited` with
`Retry-After`. Unknown and revoked tokens are recorded in the audit trail and limited per IP
address: beyond a few a minute they too are answered with 429.

**Idempotency.** Writes take an `Idempotency-Key` header (required for referrals): the same
key with the same body answers the first result again with `replayed: true`; the same key with
another body is refused with 409 `idempotency_key_reused`.

**Referrals.** A client system sends referrals from its office, lists and reads those its
office sent or received (never their people, files or comments) and acknowledges those it
received (`/referrals*`, scopes `referral:write` and `referral:read`).

**Webhooks.** Events (a referral created, its state changed, a case's outcome, a watchlist
entry changed) are delivered to the receivers an administrator registered for a client,
signed in the shape of the Standard Webhooks convention, in order per receiver, with retries;
`/webhooks/*` lists a client's subscriptions and deliveries and re-sends one (docs/api.md).
"""

api = BentengAPI(
    title="Benteng API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=BentengSwagger(),
    throttle=[ClientRateThrottle()],
)
install_error_handlers(api)
api.add_router("", health.router)
api.add_router("", clients.router)
api.add_router("", reference.router)
api.add_router("", screenings.router)
api.add_router("", referrals.router)
api.add_router("", webhook_routes.router)
