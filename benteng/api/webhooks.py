"""Signed webhooks: the outbox's events delivered to client systems, in order per subscriber.

**Fan-out.** ``webhooks_fan_out`` takes the outbox events not handed out yet (oldest first)
and makes one delivery per active subscription of an active client whose kinds include the
event's; the client's access policy is asked (with the client's ``Viewer``) whether it may
see the object: if not, the delivery is recorded as ``skipped`` and never sent.

**Delivery.** ``webhooks_deliver`` sends each subscriber's queue in order: the oldest waiting
delivery first; the next one waits until it is delivered or given up. The body is the event
plus the object as the client's projector shows it to this client (``benteng.outbox.registry``),
asked again at sending time; an object the client can no longer see is skipped. A receiver
that does not answer 2xx in time is tried again after a delay that doubles from
``BENTENG_WEBHOOK_RETRY_FIRST_SECONDS`` up to ``BENTENG_WEBHOOK_RETRY_MAX_SECONDS``, with
jitter, until ``BENTENG_WEBHOOK_MAX_ATTEMPTS`` attempts or ``BENTENG_WEBHOOK_GIVE_UP_HOURS``
since the first; then it is ``failed``, visible in the log, and can be re-sent. Delivery is at
least once (a crash between sending and recording sends again): receivers de-duplicate by
``webhook-id``. Every attempt is an exchange in the audit trail (recipient, record, when, the
answer), never the body.

**Leases.** No lock or transaction is held while a receiver is waited for. A round of one
subscriber's queue is three steps: a short transaction *claims* the queue with a lease
(``leased_until``, ``lease_token``: one conditional UPDATE, won only when the queue is free or
its lease has run out, so two workers never both win) and reads the due deliveries; the POSTs
go out with no transaction open; a short transaction records the round (the deliveries' states,
the audit entries, the exchange ledger) and releases the lease, the states only if the token is
still ours. The lease (``webhook_lease_length``) outlasts a round: every delivery of the batch
waiting twice for the timeout, plus a minute. A worker that dies mid-round leaves its lease to
run out, then another worker sends the queue again from its first undelivered delivery; one
that comes back after its lease was taken over records what it sent in the audit trail but
leaves the deliveries to the new owner.

**Signature** (Standard Webhooks): ``webhook-id`` (``evt_<event id>``, the same on every
attempt and re-send), ``webhook-timestamp`` (Unix seconds of the attempt) and
``webhook-signature: v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`` keyed with the
subscription's secret ``whsec_<base64 of 32 random bytes>`` (the key is the decoded bytes).

**Addresses.** Receivers use https and a public address: private, loopback, link-local and
reserved addresses are refused when subscribing and again at every sending (the name is
resolved and the connection made to the checked address), unless
``BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` allows them (and plain http).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import random
import secrets
import socket
import ssl
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from benteng.access.viewer import Viewer, ViewerKind
from benteng.agreements.ledger import ClientExchange, ClientRecipient, client_exchange
from benteng.agreements.models import Channel
from benteng.api.access import may_manage_webhooks
from benteng.api.models import (
    ApiClient,
    ApiScope,
    DeliveryStatus,
    WebhookDelivery,
    WebhookResendRequest,
    WebhookSubscription,
)
from benteng.audit.models import AuditAction
from benteng.audit.services import Actor, AuditItem, audit_record_many, audit_record_write
from benteng.outbox.models import OutboxEvent
from benteng.outbox.registry import is_event_kind, projector_for, visible_ids

logger = logging.getLogger(__name__)

PURPOSE = "webhook"
SECRET_MARKER = "whsec_"  # noqa: S105 — the public marker every secret starts with
SECRET_PREFIX_LENGTH = 12
SIGNATURE_VERSION = "v1"
USER_AGENT = "Benteng-Webhooks/1"
# How much of a receiver's answer is read (the rest is dropped with the connection).
MAX_RESPONSE_BYTES = 64 * 1024
FAN_OUT_BATCH = 1000
DELIVERY_BATCH = 100
NOT_VISIBLE = "not visible to the client"
NO_BASIS = "no agreement basis"
# The scope a client needs, besides ``webhooks``, to receive events about a record type: the
# same as for reading those records through the API (granting either needs a second
# administrator). A type not listed is never sent. The referral and case apps add theirs.
RECEIVE_SCOPES: dict[str, str] = {
    "watchlists.watchlistentry": ApiScope.WATCHLIST_READ,
    "referrals.referral": ApiScope.REFERRAL_READ,
}
# What a round changes on a delivery (recorded together at the end of the round).
DELIVERY_STATE_FIELDS = [
    "status",
    "attempts",
    "first_attempt_at",
    "next_attempt_at",
    "last_status_code",
    "last_error",
    "delivered_at",
]
# Who the trail names as the sender of a webhook: Benteng itself.
WEBHOOK_ACTOR = Actor(user_id=None, label="sistem", role="system")


# --- secrets and signatures ----------------------------------------------------------------


def webhook_secret_generate() -> str:
    return SECRET_MARKER + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_MARKER))


def webhook_signature(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value of one message."""
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_secret_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode('ascii')}"


# --- receiver addresses --------------------------------------------------------------------


class WebhookAddressRefused(ValueError):
    """The receiver's address is private, loopback or otherwise not allowed."""


def _private_allowed() -> bool:
    return bool(getattr(settings, "BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False))


def _address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if _private_allowed():
        return not ip.is_unspecified and not ip.is_multicast
    return ip.is_global and not ip.is_multicast


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise WebhookAddressRefused(f"cannot resolve {host}") from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _checked_address(host: str, port: int) -> str:
    """The address to connect to: every address of the name must be allowed."""
    addresses = _resolve(host, port)
    refused = [address for address in addresses if not _address_allowed(address)]
    if refused or not addresses:
        raise WebhookAddressRefused(f"address not allowed: {', '.join(refused) or host}")
    return addresses[0]


def webhook_url_clean(url: str) -> str:
    """A receiver's address, or ``ValidationError`` in Bahasa Indonesia."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(
            _("Alamat penerima harus berupa URL lengkap, misalnya https://contoh.go.id/webhook."),
            code="url",
        )
    if parts.username or parts.password:
        raise ValidationError(
            _("Alamat penerima tidak boleh memuat nama pengguna atau kata sandi."), code="url"
        )
    if parts.scheme != "https" and not (settings.DEBUG or _private_allowed()):
        raise ValidationError(_("Alamat penerima harus memakai https."), code="https")
    host = parts.hostname
    try:
        literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None or host == "localhost" or host.endswith(".localhost"):
        addresses = [str(literal)] if literal is not None else ["127.0.0.1"]
    else:
        # A name that does not resolve now is accepted; it is checked again at every sending.
        try:
            addresses = _resolve(host, parts.port or 443)
        except WebhookAddressRefused:
            addresses = []
    if any(not _address_allowed(address) for address in addresses):
        raise ValidationError(
            _("Alamat penerima tidak boleh alamat jaringan lokal, privat atau loopback."),
            code="private_address",
        )
    return url


def webhook_event_kinds_clean(kinds: Iterable[str]) -> list[str]:
    chosen = sorted({kind.strip() for kind in kinds if kind.strip()})
    unknown = [kind for kind in chosen if not is_event_kind(kind)]
    if unknown:
        raise ValidationError(
            _("Jenis peristiwa tidak dikenal: %(kinds)s.") % {"kinds": ", ".join(unknown)},
            code="unknown_kind",
        )
    if not chosen:
        raise ValidationError(_("Pilih minimal satu jenis peristiwa."), code="no_kind")
    return chosen


# --- subscriptions -------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedSecret:
    subscription: WebhookSubscription
    secret: str


def _require_manager(viewer: Viewer) -> None:
    if viewer.kind is not ViewerKind.SYSTEM and not may_manage_webhooks(viewer):
        raise PermissionDenied(_("Hanya administrator yang mengelola langganan webhook."))


def webhook_subscription_create(
    *,
    viewer: Viewer,
    client: ApiClient,
    url: str,
    event_kinds: Iterable[str],
    is_active: bool = True,
) -> IssuedSecret:
    """Register a receiver; the secret exists only in the return value (shown once)."""
    _require_manager(viewer)
    subscription = WebhookSubscription(
        client=client,
        url=webhook_url_clean(url),
        event_kinds=webhook_event_kinds_clean(event_kinds),
        is_active=is_active,
        created_by_id=viewer.user_id,
    )
    return IssuedSecret(subscription, webhook_subscription_register(subscription, viewer=viewer))


def webhook_subscription_register(subscription: WebhookSubscription, *, viewer: Viewer) -> str:
    """Save a new, already validated subscription with a fresh secret; returns the secret."""
    _require_manager(viewer)
    secret = webhook_secret_generate()
    with transaction.atomic():
        subscription.secret = secret
        subscription.secret_prefix = secret[:SECRET_PREFIX_LENGTH]
        subscription.save()
        audit_record_write(viewer=viewer, action=AuditAction.CREATE, obj=subscription)
    return secret


def webhook_subscription_rotate_secret(*, viewer: Viewer, subscription: WebhookSubscription) -> str:
    """A new secret (the old one stops at once); returns it, to be shown once."""
    _require_manager(viewer)
    secret = webhook_secret_generate()
    with transaction.atomic():
        subscription.secret = secret
        subscription.secret_prefix = secret[:SECRET_PREFIX_LENGTH]
        subscription.save(update_fields=["secret", "secret_prefix"])
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=subscription, changed_fields=["secret"]
        )
    return secret


# --- re-sending ----------------------------------------------------------------------------


class WebhookResendRefused(ValueError):
    """A skipped delivery (an object the client may not see) is never sent."""


class ResendKeyReused(ValueError):
    """The Idempotency-Key was used by this client for another delivery."""


def webhook_delivery_resend(
    *, viewer: Viewer, delivery: WebhookDelivery, now: datetime.datetime | None = None
) -> WebhookDelivery:
    """Send a delivered or failed delivery again, as soon as the worker comes to it: it keeps
    its place (its event's order) in the subscriber's queue. A waiting one is left as it is."""
    if delivery.status == DeliveryStatus.SKIPPED:
        raise WebhookResendRefused(
            _("Pengiriman ini dilewati karena klien tidak berhak melihat datanya.")
        )
    if delivery.status == DeliveryStatus.PENDING:
        return delivery
    with transaction.atomic():
        delivery.status = DeliveryStatus.PENDING
        delivery.attempts = 0
        delivery.first_attempt_at = None
        delivery.next_attempt_at = now or timezone.now()
        delivery.resent_count += 1
        changed = ["status", "attempts", "first_attempt_at", "next_attempt_at", "resent_count"]
        delivery.save(update_fields=changed)
        audit_record_write(
            viewer=viewer, action=AuditAction.UPDATE, obj=delivery, changed_fields=changed
        )
    return delivery


def webhook_delivery_resend_once(
    *, viewer: Viewer, client: ApiClient, delivery: WebhookDelivery, key: str
) -> tuple[WebhookDelivery, bool]:
    """A client's re-send with an ``Idempotency-Key``: the same key again does nothing more
    (returns ``replayed=True``); the key with another delivery raises ``ResendKeyReused``."""
    if not key:
        return webhook_delivery_resend(viewer=viewer, delivery=delivery), False
    earlier = WebhookResendRequest.objects.filter(client=client, key=key).first()
    if earlier is not None:
        if earlier.delivery_id != delivery.pk:
            raise ResendKeyReused(key)
        return delivery, True
    try:
        with transaction.atomic():
            WebhookResendRequest.objects.create(client=client, key=key, delivery=delivery)
            resent = webhook_delivery_resend(viewer=viewer, delivery=delivery)
    except IntegrityError:
        # The same key at the same moment: the other request did it.
        return webhook_delivery_resend_once(
            viewer=viewer, client=client, delivery=delivery, key=key
        )
    return resent, False


# --- fan-out -------------------------------------------------------------------------------


def client_may_receive(client: ApiClient, object_type: str) -> bool:
    """The client's token holds the ``webhooks`` scope and the scope to read this type."""
    needed = RECEIVE_SCOPES.get(object_type)
    return needed is not None and client.has_scope(ApiScope.WEBHOOKS) and client.has_scope(needed)


def _active_subscriptions() -> list[WebhookSubscription]:
    return list(
        WebhookSubscription.objects.filter(is_active=True, client__revoked_at__isnull=True)
        .select_related("client__office__agency")
        .order_by("id")
    )


def webhooks_fan_out(*, now: datetime.datetime | None = None, limit: int = FAN_OUT_BATCH) -> int:
    """Turn the oldest events not handed out yet into deliveries; returns how many events."""
    now = now or timezone.now()
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.filter(fanned_out_at__isnull=True)
            .order_by("id")
            # Not skip_locked: a second worker waits, so deliveries are made in event order.
            .select_for_update()[:limit]
        )
        if not events:
            return 0
        deliveries: list[WebhookDelivery] = []
        for subscription in _active_subscriptions():
            kinds = set(subscription.event_kinds)
            matching = [event for event in events if event.kind in kinds]
            if not matching:
                continue
            viewer = Viewer.for_client(subscription.client, purpose=PURPOSE)
            ids_by_type: dict[str, set[str]] = defaultdict(set)
            for event in matching:
                ids_by_type[event.object_type].add(event.object_id)
            visible = {
                object_type: (
                    visible_ids(viewer, object_type, ids)
                    if client_may_receive(subscription.client, object_type)
                    else set()
                )
                for object_type, ids in ids_by_type.items()
            }
            for event in matching:
                seen = event.object_id in visible[event.object_type]
                deliveries.append(
                    WebhookDelivery(
                        subscription=subscription,
                        event=event,
                        status=DeliveryStatus.PENDING if seen else DeliveryStatus.SKIPPED,
                        next_attempt_at=now if seen else None,
                        last_error="" if seen else NOT_VISIBLE,
                        created_at=now,
                    )
                )
        WebhookDelivery.objects.bulk_create(deliveries, batch_size=500, ignore_conflicts=True)
        OutboxEvent.objects.filter(pk__in=[event.pk for event in events]).update(fanned_out_at=now)
    return len(events)


# --- sending -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Sender(Protocol):
    def post(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult: ...


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address that was checked, whatever the name resolves to later."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


class HttpSender:
    """POSTs over kept-alive connections, one per receiver host, to checked addresses only."""

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = timeout or float(getattr(settings, "BENTENG_WEBHOOK_TIMEOUT_SECONDS", 5))
        self._connections: dict[tuple[str, str, int], http.client.HTTPConnection] = {}

    def post(self, url: str, headers: Mapping[str, str], body: bytes) -> SendResult:
        parts = urlsplit(url)
        scheme, host = parts.scheme, parts.hostname or ""
        port = parts.port or (443 if scheme == "https" else 80)
        if scheme != "https" and not (settings.DEBUG or _private_allowed()):
            return SendResult(None, "https required")
        key = (scheme, host, port)
        path = parts.path or "/"
        if parts.query:
            path = f"{path}?{parts.query}"
        reused = key in self._connections
        result = self._post_once(key, path, headers, body)
        if reused and result.status_code is None:
            # A kept-alive connection the receiver had closed: once more on a new one.
            result = self._post_once(key, path, headers, body)
        return result

    def _post_once(
        self, key: tuple[str, str, int], path: str, headers: Mapping[str, str], body: bytes
    ) -> SendResult:
        scheme, host, port = key
        try:
            connection = self._connections.get(key)
            if connection is None:
                address = _checked_address(host, port)
                kind = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
                connection = kind(host, port, address, self.timeout)
                self._connections[key] = connection
            connection.request("POST", path, body=body, headers=dict(headers))
            response = connection.getresponse()
            response.read(MAX_RESPONSE_BYTES)
            if response.will_close or not response.isclosed():
                self._drop(key)
            return SendResult(response.status, "" if 200 <= response.status < 300 else "http")
        except WebhookAddressRefused as error:
            self._drop(key)
            return SendResult(None, str(error))
        except (OSError, http.client.HTTPException) as error:
            self._drop(key)
            return SendResult(None, f"{type(error).__name__}: {error}")

    def _drop(self, key: tuple[str, str, int]) -> None:
        connection = self._connections.pop(key, None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for key in list(self._connections):
            self._drop(key)


# --- delivering ----------------------------------------------------------------------------


def retry_delay(attempts: int, rng: random.Random | None = None) -> datetime.timedelta:
    """The wait after ``attempts`` failed attempts: doubling from the first delay to the cap,
    then between half and all of it (jitter, so receivers coming back are not stampeded)."""
    first = int(getattr(settings, "BENTENG_WEBHOOK_RETRY_FIRST_SECONDS", 10))
    cap = int(getattr(settings, "BENTENG_WEBHOOK_RETRY_MAX_SECONDS", 3600))
    full = min(cap, first * 2 ** max(0, min(attempts - 1, 30)))
    jitter = (rng or random.Random()).uniform(0.5, 1.0)  # noqa: S311 — spreading, not a secret
    return datetime.timedelta(seconds=full * jitter)


def _gives_up(delivery: WebhookDelivery, now: datetime.datetime) -> bool:
    max_attempts = int(getattr(settings, "BENTENG_WEBHOOK_MAX_ATTEMPTS", 25))
    hours = int(getattr(settings, "BENTENG_WEBHOOK_GIVE_UP_HOURS", 24))
    if delivery.attempts >= max_attempts:
        return True
    started = delivery.first_attempt_at or now
    return now - started >= datetime.timedelta(hours=hours)


def webhook_body(event: OutboxEvent, projected: Mapping[str, Any]) -> bytes:
    """The JSON body: the event and the object as this client may see it."""
    return json.dumps(
        {
            "id": f"evt_{event.pk}",
            "type": event.kind,
            "timestamp": event.occurred_at.isoformat(),
            "data": {
                "object_type": event.object_type,
                "object_id": event.object_id,
                "event": event.data,
                "object": projected,
            },
        },
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")


@dataclass
class DeliveryReport:
    fanned_out: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0
    subscriptions: int = 0
    lags: list[float] = field(default_factory=list)

    @property
    def worked(self) -> bool:
        return bool(
            self.fanned_out or self.delivered or self.retrying or self.failed or self.skipped
        )


def _recipient(client: ApiClient) -> str:
    """How the trail and the ledger name the client system."""
    return f"{client.name} ({client.office.name})"


def _projections(
    client: ApiClient, viewer: Viewer, queue: Sequence[WebhookDelivery]
) -> dict[str, Mapping[str, dict[str, Any]]]:
    ids_by_type: dict[str, list[str]] = defaultdict(list)
    for delivery in queue:
        ids_by_type[delivery.event.object_type].append(delivery.event.object_id)
    projected: dict[str, Mapping[str, dict[str, Any]]] = {}
    for object_type, ids in ids_by_type.items():
        projector = projector_for(object_type)
        if projector is None or not client_may_receive(client, object_type):
            projected[object_type] = {}
            continue
        projected[object_type] = projector(viewer, sorted(set(ids)))
    return projected


def _exchanges(
    client: ApiClient,
    recipient: str,
    projections: Mapping[str, Mapping[str, dict[str, Any]]],
    clock: datetime.datetime,
) -> dict[str, ClientExchange]:
    """Each record type's objects on their agreement basis: stripped to the clause's fields,
    or refused; the ledger is written per delivered object (``ClientExchange.recorded``)."""
    office = client.office if client.office_id else None
    to = ClientRecipient(
        agency=office.agency.kind if office is not None else None,
        office_id=client.office_id,
        client_id=client.pk,
        label=recipient,
    )
    return {
        object_type: client_exchange(
            channel=Channel.WEBHOOK,
            recipient=to,
            record_type=object_type,
            projected=projected,
            at=clock,
            record=False,
        )
        for object_type, projected in projections.items()
    }


def webhook_lease_length(batch: int) -> datetime.timedelta:
    """How long a worker holds a subscription's queue: longer than a round can take, every
    delivery of the batch tried twice to the timeout (a kept-alive connection found closed is
    tried once more), plus a minute for the rest of the round."""
    timeout = float(getattr(settings, "BENTENG_WEBHOOK_TIMEOUT_SECONDS", 5))
    return datetime.timedelta(seconds=2 * timeout * batch + 60)


@dataclass(frozen=True)
class Lease:
    """One worker's claim on a subscription's queue: ``token`` proves it, until ``until``."""

    subscription: WebhookSubscription
    token: str
    until: datetime.datetime


@dataclass(frozen=True)
class Attempt:
    """One delivery handled in a round: its new state (not saved yet) and, if it was sent,
    the receiver's answer and the exchange it was sent under."""

    delivery: WebhookDelivery
    at: datetime.datetime
    result: SendResult | None = None
    exchange: ClientExchange | None = None


def _due_queue(subscription_id: int, clock: datetime.datetime, batch: int) -> list[WebhookDelivery]:
    """The waiting deliveries in order, or none if the first one is not due yet."""
    queue = list(
        WebhookDelivery.objects.filter(
            subscription_id=subscription_id, status=DeliveryStatus.PENDING
        )
        .select_related("event")
        .order_by("id")[:batch]
    )
    if not queue or (queue[0].next_attempt_at or clock) > clock:
        return []
    return queue


def _queue_due(subscription_id: int, clock: datetime.datetime) -> bool:
    """The first waiting delivery is due (read without a claim, to claim only then)."""
    head = (
        WebhookDelivery.objects.filter(
            subscription_id=subscription_id, status=DeliveryStatus.PENDING
        )
        .order_by("id")
        .values_list("next_attempt_at")
        .first()
    )
    return head is not None and (head[0] or clock) <= clock


def webhook_subscription_claim(
    subscription_id: int, *, clock: datetime.datetime, batch: int
) -> tuple[Lease, list[WebhookDelivery]] | None:
    """Take a subscription's queue for one round: a short transaction with one conditional
    UPDATE (no lease, or an expired one), so of two workers exactly one wins, on SQLite and
    PostgreSQL alike; then the due deliveries in order. None: another worker holds it, it
    is switched off, or nothing is due."""
    token = secrets.token_hex(16)
    until = clock + webhook_lease_length(batch)
    with transaction.atomic():
        # Only the row's own columns in the condition: PostgreSQL re-checks them on the
        # row as the other worker left it (a join would be checked on the old one).
        won = (
            WebhookSubscription.objects.filter(pk=subscription_id, is_active=True)
            .filter(Q(leased_until__isnull=True) | Q(leased_until__lte=clock))
            .update(leased_until=until, lease_token=token)
        )
        if not won:
            return None
        subscription = WebhookSubscription.objects.select_related("client__office__agency").get(
            pk=subscription_id
        )
        queue = _due_queue(subscription_id, clock, batch)
        lease = Lease(subscription, token, until)
        if subscription.client.revoked_at is not None or not queue:
            _lease_release(lease)
            return None
    return lease, queue


def _lease_release(lease: Lease) -> bool:
    """Give the queue back if the lease is still ours; False if another worker took it."""
    released = WebhookSubscription.objects.filter(
        pk=lease.subscription.pk, lease_token=lease.token
    ).update(leased_until=None, lease_token="")
    return released == 1


def _headers(
    subscription: WebhookSubscription, event: OutboxEvent, body: bytes, clock: datetime.datetime
) -> dict[str, str]:
    msg_id = f"evt_{event.pk}"
    timestamp = int(clock.timestamp())
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhook_signature(
            secret=subscription.secret, msg_id=msg_id, timestamp=timestamp, body=body
        ),
    }


def _queue_send(
    lease: Lease,
    queue: Sequence[WebhookDelivery],
    *,
    now: datetime.datetime | None,
    sender: Sender,
    rng: random.Random | None,
    attempts: list[Attempt],
) -> None:
    """POST the queue in order, outside any transaction (a slow receiver holds no lock);
    each delivery's new state goes into ``attempts``, recorded afterwards."""
    subscription = lease.subscription
    client = subscription.client
    viewer = Viewer.for_client(client, purpose=PURPOSE)
    clock = now or timezone.now()
    exchanges = _exchanges(client, _recipient(client), _projections(client, viewer, queue), clock)
    for delivery in queue:
        clock = now or timezone.now()
        if delivery.next_attempt_at is not None and delivery.next_attempt_at > clock:
            break  # re-sent or waiting: keeps its place
        event = delivery.event
        exchange = exchanges[event.object_type]
        projected = exchange.sent.get(event.object_id)
        if event.object_id in exchange.refused:
            # Not sent: no agreement clause lets this record go to this client's agency.
            delivery.status = DeliveryStatus.SKIPPED
            delivery.next_attempt_at = None
            delivery.last_error = NO_BASIS
            logger.warning("webhook delivery %s not sent: %s", delivery.pk, NO_BASIS)
            attempts.append(Attempt(delivery, clock))
            continue
        if projected is None:
            delivery.status = DeliveryStatus.SKIPPED
            delivery.next_attempt_at = None
            delivery.last_error = NOT_VISIBLE
            attempts.append(Attempt(delivery, clock))
            continue
        body = webhook_body(event, projected)
        result = sender.post(subscription.url, _headers(subscription, event, body, clock), body)
        delivery.attempts += 1
        delivery.first_attempt_at = delivery.first_attempt_at or clock
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error[:200]
        if result.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = clock
            delivery.next_attempt_at = None
        elif _gives_up(delivery, clock):
            delivery.status = DeliveryStatus.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = clock + retry_delay(delivery.attempts, rng)
        attempts.append(Attempt(delivery, clock, result, exchange))
        if delivery.status == DeliveryStatus.PENDING:
            break  # the rest of the queue waits for this one


def _round_record(lease: Lease, attempts: Sequence[Attempt], report: DeliveryReport) -> bool:
    """Record a round in one short transaction: the deliveries' states only if the lease is
    still ours (a worker whose lease expired and was taken over drops them: the new owner
    sends those deliveries again and records them), then release it. What was sent is in
    the audit trail and the ledger either way: it left Benteng."""
    subscription = lease.subscription
    recipient = _recipient(subscription.client)
    with transaction.atomic():
        ours = _lease_release(lease)
        if ours:
            WebhookDelivery.objects.bulk_update(
                [attempt.delivery for attempt in attempts], DELIVERY_STATE_FIELDS
            )
        else:
            logger.warning(
                "webhook subscription %s: lease lost, %s results not recorded",
                subscription.pk,
                len(attempts),
            )
        audit: list[AuditItem] = []
        for attempt in attempts:
            delivery, event, exchange = attempt.delivery, attempt.delivery.event, attempt.exchange
            if ours:
                _count(report, attempt)
            if exchange is None or attempt.result is None:
                continue  # skipped: nothing left Benteng
            if attempt.result.ok:
                exchange.recorded([event.object_id], at=attempt.at)
            basis = exchange.basis.get(event.object_id)
            detail: dict[str, Any] = {
                "channel": "webhook",
                "event": event.pk,
                "kind": event.kind,
                "delivery": delivery.pk,
                "subscription": subscription.pk,
                "attempt": delivery.attempts,
                "status_code": attempt.result.status_code,
                "outcome": delivery.status,
            }
            if not ours:
                detail["lease_lost"] = True
            audit.append(
                AuditItem(
                    action=AuditAction.SHARE,
                    object_type=event.object_type,
                    object_ids=[event.object_id],
                    purpose=PURPOSE,
                    recipient=recipient,
                    legal_basis=basis.legal_basis if basis else "",
                    detail=detail,
                )
            )
        if audit:
            audit_record_many(actor=WEBHOOK_ACTOR, items=audit)
    return ours


def _count(report: DeliveryReport, attempt: Attempt) -> None:
    delivery = attempt.delivery
    if delivery.status == DeliveryStatus.DELIVERED:
        report.delivered += 1
        report.lags.append((attempt.at - delivery.event.occurred_at).total_seconds())
    elif delivery.status == DeliveryStatus.FAILED:
        report.failed += 1
    elif delivery.status == DeliveryStatus.SKIPPED:
        report.skipped += 1
    else:
        report.retrying += 1


def _deliver_subscription(
    subscription_id: int,
    *,
    now: datetime.datetime | None,
    sender: Sender,
    rng: random.Random | None,
    batch: int,
    report: DeliveryReport,
) -> None:
    """One round of one subscriber's queue: claim it, send it, record it (module docstring)."""
    clock = now or timezone.now()
    if not _queue_due(subscription_id, clock):
        return
    claimed = webhook_subscription_claim(subscription_id, clock=clock, batch=batch)
    if claimed is None:
        return  # another worker is sending this queue, or nothing is due after all
    lease, queue = claimed
    report.subscriptions += 1
    attempts: list[Attempt] = []
    try:
        _queue_send(lease, queue, now=now, sender=sender, rng=rng, attempts=attempts)
    finally:
        # Also when sending failed half-way: what was sent is recorded, the lease released.
        _round_record(lease, attempts, report)


def webhooks_deliver(
    *,
    now: datetime.datetime | None = None,
    sender: Sender | None = None,
    rng: random.Random | None = None,
    batch: int = DELIVERY_BATCH,
) -> DeliveryReport:
    """One round of the worker: hand out new events, then send every due queue (up to
    ``batch`` deliveries each) that no other worker holds, under a lease (module docstring).
    ``now`` fixes the clock, the leases' too (tests simulate hours with it)."""
    report = DeliveryReport()
    report.fanned_out = webhooks_fan_out(now=now)
    own_sender = sender is None
    active_sender: Sender = sender or HttpSender()
    try:
        waiting = (
            WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING)
            .values_list("subscription_id", flat=True)
            .distinct()
        )
        for subscription_id in sorted(set(waiting)):
            _deliver_subscription(
                subscription_id,
                now=now,
                sender=active_sender,
                rng=rng,
                batch=batch,
                report=report,
            )
    finally:
        if own_sender and isinstance(active_sender, HttpSender):
            active_sender.close()
    return report
