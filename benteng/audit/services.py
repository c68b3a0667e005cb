from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from benteng.audit.chain import GENESIS_HASH, entry_hash
from benteng.audit.models import AuditAction, AuditChainHead, AuditEntry
from benteng.rows import insert

if TYPE_CHECKING:
    from benteng.access.viewer import Viewer


@dataclass(frozen=True)
class Actor:
    """Who did it, as the trail will remember it even after the account changes."""

    user_id: int | None
    label: str
    role: str = ""
    office: str = ""
    client: str = ""


def actor_for_viewer(viewer: Viewer) -> Actor:
    """The actor as the trail names it; from the viewer itself when it carries the names."""
    from benteng.accounts.models import Office, User
    from benteng.api.models import ApiClient

    office = viewer.office_name
    if not office and viewer.office_id is not None:
        office_name = Office.objects.filter(pk=viewer.office_id).values_list("name", flat=True)
        office = office_name.first() or ""
    if viewer.user_id is not None:
        label = viewer.actor_label
        if not label:
            user = User.objects.filter(pk=viewer.user_id).only("username").first()
            label = user.username if user else f"user:{viewer.user_id}"
        return Actor(user_id=viewer.user_id, label=label, role=viewer.role, office=office)
    if viewer.client_id is not None:
        name = viewer.actor_label
        if not name:
            client = ApiClient.objects.filter(pk=viewer.client_id).only("name").first()
            name = client.name if client else f"client:{viewer.client_id}"
        return Actor(user_id=None, label=name, role=viewer.role, office=office, client=name)
    return Actor(user_id=None, label="sistem", role=viewer.role)


def normalized_ip_address(value: str | None) -> str | None:
    """The address as the database will store it, so the hash matches what is kept."""
    if not value:
        return None
    address = value.split("%", 1)[0].strip()  # an IPv6 zone id ("fe80::1%eth0") is not kept
    try:
        if ":" in address:
            return clean_ipv6_address(address)
        return str(ipaddress.IPv4Address(address))
    except (ValueError, ValidationError):
        return None


def object_type_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


@dataclass(frozen=True)
class AuditItem:
    """One entry to append, before the chain gives it a sequence and hashes."""

    action: str
    object_type: str = ""
    object_ids: Sequence[Any] = ()
    purpose: str = ""
    recipient: str = ""
    legal_basis: str = ""
    detail: dict[str, Any] | None = None
    ip_address: str | None = None


def audit_record(
    *,
    actor: Actor,
    action: str,
    object_type: str = "",
    object_ids: Sequence[Any] = (),
    purpose: str = "",
    recipient: str = "",
    legal_basis: str = "",
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append one entry to the chain; the head row is locked so entries never fork.

    Inside a caller's transaction no savepoint is made: if the entry cannot be written, the
    caller's write must not be kept either.
    """
    item = AuditItem(
        action=action,
        object_type=object_type,
        object_ids=object_ids,
        purpose=purpose,
        recipient=recipient,
        legal_basis=legal_basis,
        detail=detail,
        ip_address=ip_address,
    )
    return audit_record_many(actor=actor, items=[item])[0]


def audit_record_many(*, actor: Actor, items: Sequence[AuditItem]) -> list[AuditEntry]:
    """Append several entries of one actor, in order, under one lock of the head row.

    Each entry is the same as ``audit_record`` would write one by one (its own sequence, time
    and hash, chained to the one before); the head is read and written once for all of them.
    Every screening appends here inside its transaction, so this is three plain statements
    (lock and read the head, insert the entries, move the head) rather than ORM queries: the
    chain head stays locked for as short a time as possible.
    """
    if not items:
        return []
    with transaction.atomic(savepoint=False):
        sequence, previous_hash = _locked_head()
        entries = []
        for item in items:
            sequence += 1
            values: dict[str, Any] = {
                "sequence": sequence,
                "occurred_at": timezone.now(),
                "actor_id": actor.user_id,
                "actor_label": actor.label[:200],
                "actor_role": actor.role,
                "actor_office": actor.office[:200],
                "client_label": actor.client[:200],
                "action": AuditAction(item.action).value,
                "object_type": item.object_type,
                "object_ids": [str(object_id) for object_id in item.object_ids],
                "purpose": item.purpose[:300],
                "recipient": item.recipient[:200],
                "legal_basis": item.legal_basis[:300],
                "detail": item.detail or {},
                "ip_address": normalized_ip_address(item.ip_address),
                "previous_hash": previous_hash,
            }
            values["entry_hash"] = previous_hash = entry_hash(values)
            entries.append(AuditEntry(**values))
        insert(*entries)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_HEAD_TABLE} SET last_sequence = %s, last_hash = %s WHERE singleton = 1",  # noqa: S608 - model names
                [sequence, previous_hash],
            )
    return entries


_HEAD_TABLE = AuditChainHead._meta.db_table


def _locked_head() -> tuple[int, str]:
    """The head's last sequence and hash, its row locked until the transaction ends (on
    SQLite the write transaction itself excludes other writers)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    sql = f"SELECT last_sequence, last_hash FROM {_HEAD_TABLE} WHERE singleton = 1{lock}"  # noqa: S608 - model names
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:  # the very first entry of an installation
            AuditChainHead.objects.get_or_create(singleton=1)
            cursor.execute(sql)
            row = cursor.fetchone()
    return int(row[0]), row[1] or GENESIS_HASH


def audit_record_read(
    *,
    viewer: Viewer,
    objects: Iterable[models.Model],
    purpose: str = "",
    action: str = AuditAction.READ,
    detail: dict[str, Any] | None = None,
) -> AuditEntry | None:
    """Record that a viewer read these objects (one entry per read or list, not per row)."""
    objects = list(objects)
    if not objects:
        return None
    return audit_record(
        actor=actor_for_viewer(viewer),
        action=action,
        object_type=object_type_of(type(objects[0])),
        object_ids=[obj.pk for obj in objects],
        purpose=purpose or viewer.purpose,
        detail=detail,
    )


def audit_record_write(
    *,
    viewer: Viewer,
    action: str,
    obj: models.Model,
    changed_fields: Sequence[str] = (),
    purpose: str = "",
) -> AuditEntry:
    """Record a create, update or delete; names the fields changed, never their values."""
    return audit_record(
        actor=actor_for_viewer(viewer),
        action=action,
        object_type=object_type_of(type(obj)),
        object_ids=[obj.pk],
        purpose=purpose or viewer.purpose,
        detail={"fields": sorted(changed_fields)} if changed_fields else {},
    )


def audit_record_denied(*, viewer: Viewer, model: type[models.Model], pk: Any) -> AuditEntry:
    """Record an attempt to open a record that is missing or not the viewer's to see."""
    return audit_record(
        actor=actor_for_viewer(viewer),
        action=AuditAction.DENIED,
        object_type=object_type_of(model),
        object_ids=[str(pk)[:40]],
        purpose=viewer.purpose,
    )


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


def audit_chain_verify(*, batch_size: int = 5000) -> tuple[int, ChainBreak | None]:
    """Walk the chain in order; return how many entries were checked and the first break."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    last_sequence = 0
    while True:
        batch = list(
            AuditEntry.objects.filter(sequence__gt=last_sequence)
            .order_by("sequence")
            .values()[:batch_size]
        )
        if not batch:
            break
        for values in batch:
            sequence = values["sequence"]
            if sequence != expected_sequence:
                return checked, ChainBreak(
                    expected_sequence, f"entry {expected_sequence} is missing"
                )
            if values["previous_hash"] != expected_previous:
                return checked, ChainBreak(sequence, "previous hash does not match")
            if entry_hash(dict(values)) != values["entry_hash"]:
                return checked, ChainBreak(sequence, "content does not match its hash")
            expected_previous = values["entry_hash"]
            expected_sequence += 1
            checked += 1
            last_sequence = sequence
    head = AuditChainHead.objects.filter(singleton=1).first()
    if head is not None and head.last_sequence != last_sequence:
        return checked, ChainBreak(
            last_sequence + 1, f"the chain ends at {last_sequence}, head says {head.last_sequence}"
        )
    return checked, None
