from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from benteng.audit.chain import (
    GENESIS_HASH,
    HASHED_FIELDS,
    WRITTEN_FIELDS,
    entry_hash,
    sealed_mac,
    sealed_mac_valid,
    writer_mac,
    writer_mac_valid,
)
from benteng.audit.checkpoints import CheckpointError, checkpoint_if_due, checkpoints_read
from benteng.audit.middleware import current_client_address
from benteng.audit.models import REFUSED_MARK, AuditAction, AuditChainHead, AuditEntry
from benteng.rows import insert, insert_together

logger = logging.getLogger(__name__)

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
    """The actor as the trail names it, from the viewer itself: ``Viewer.for_user`` and
    ``Viewer.for_client`` carry the names (this app is below accounts and the API, and never
    looks them up)."""
    office = viewer.office_name
    if viewer.user_id is not None:
        label = viewer.actor_label or f"user:{viewer.user_id}"
        return Actor(user_id=viewer.user_id, label=label, role=viewer.role, office=office)
    if viewer.client_id is not None:
        name = viewer.actor_label or f"client:{viewer.client_id}"
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
    """Append one entry to the trail; it joins the chain when sealed (``audit_record_many``).

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


def audit_record_many(
    *,
    actor: Actor,
    items: Sequence[AuditItem],
    written_with: Sequence[Sequence[models.Model]] = (),
) -> list[AuditEntry]:
    """Append several entries of one actor, in order (their ids grow in that order).

    ``written_with``: groups of new rows (each of one model, ids set where
    :func:`benteng.rows.insert_together` asks) written together with the entries, all or
    none: the record the entries speak of and what belongs to it.

    With ``AUDIT_SEAL_DELAY`` above zero this is one INSERT of the entries *unsealed* (no
    sequence, no hashes) and nothing else: no lock is shared with other requests. The sealer
    process chains them within ``AUDIT_SEAL_DELAY`` seconds of the caller's commit
    (``docs/audit-trail.md``); the entries returned then have no sequence yet.

    With a delay of zero the entries are sealed here, in the caller's transaction, under the
    lock of the chain head: three plain statements (lock and read the head, insert the sealed
    entries, move the head), plus two when entries of another process wait to be sealed
    (they are sealed first). The entries returned carry their sequence and hashes.

    Inside a caller's transaction no savepoint is made: if the entries cannot be written, the
    caller's write must not be kept either.
    """
    if not items:
        insert_together(*written_with)
        return []
    entries = _unsealed_entries(actor, items)
    if audit_seal_delay() > 0:
        for entry in entries:
            entry.mac = writer_mac(_written_values(entry))
        insert_together(*written_with, entries)
        return entries
    with transaction.atomic(savepoint=False):
        for group in written_with:
            insert(*group)
        sequence, previous_hash, pending = _locked_head(pending=True)
        if pending:
            sequence, previous_hash, _oldest = _seal_locked(sequence, previous_hash, limit=None)
        for entry in entries:
            sequence += 1
            values = {name: getattr(entry, name) for name in HASHED_FIELDS}
            values.update(sequence=sequence, previous_hash=previous_hash)
            entry.sequence = sequence
            entry.previous_hash = previous_hash
            entry.entry_hash = previous_hash = entry_hash(values)
            entry.mac = sealed_mac(previous_hash)
        insert(*entries)
        _move_head(sequence, previous_hash)
    _checkpoint_after_commit()
    return entries


def _written_values(entry: AuditEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in WRITTEN_FIELDS}


def _unsealed_entries(actor: Actor, items: Sequence[AuditItem]) -> list[AuditEntry]:
    return [
        AuditEntry(
            sequence=None,
            occurred_at=timezone.now(),
            actor_id=actor.user_id,
            actor_label=actor.label[:200],
            actor_role=actor.role,
            actor_office=actor.office[:200],
            client_label=actor.client[:200],
            action=AuditAction(item.action).value,
            object_type=item.object_type,
            object_ids=[str(object_id) for object_id in item.object_ids],
            purpose=item.purpose[:300],
            recipient=item.recipient[:200],
            legal_basis=item.legal_basis[:300],
            detail=item.detail or {},
            ip_address=normalized_ip_address(item.ip_address or current_client_address()),
            previous_hash="",
            entry_hash=None,
        )
        for item in items
    ]


def audit_seal_delay() -> float:
    """Seconds from a commit to the sealing of its entries; 0 seals inside the transaction."""
    return max(float(settings.AUDIT_SEAL_DELAY), 0.0)


# The most entries one ``audit_seal`` takes, and the rows of one UPDATE statement.
SEAL_LIMIT = 5000
SEAL_ROWS_PER_STATEMENT = 1000
# An entry left unsealed this long means no sealer ran: ``audit_chain_verify`` reports it.
UNSEALED_GRACE = timedelta(seconds=60)


def audit_seal(*, limit: int = SEAL_LIMIT) -> int:
    """Seal the oldest unsealed entries (by id, at most ``limit``) into the chain; return how
    many were sealed.

    In its own transaction: lock the chain head (one sealer at a time, and no writer sealing
    with a delay of zero meanwhile), give each entry the next sequence, the previous entry's
    hash and its own hash, write them back in one UPDATE per ``SEAL_ROWS_PER_STATEMENT``
    entries, move the head. An entry whose transaction committed after a later one was sealed
    is simply sealed now: the chain's order is the order of sealing.
    """
    sealed, _oldest = _seal(limit=limit)
    return sealed


@dataclass(frozen=True)
class SealReport:
    sealed: int
    # How long the oldest entry sealed had waited since it was written (None if none).
    oldest_wait: timedelta | None


def audit_seal_pending() -> SealReport:
    """Seal every entry waiting now (batch after batch), for ``manage.py audit_seal`` and
    ``audit_verify``: entries of a process that ended between its commit and its seal."""
    total = 0
    oldest: datetime | None = None
    while True:
        sealed, batch_oldest = _seal(limit=SEAL_LIMIT)
        total += sealed
        if batch_oldest is not None and (oldest is None or batch_oldest < oldest):
            oldest = batch_oldest
        if sealed < SEAL_LIMIT:
            break
    return SealReport(sealed=total, oldest_wait=timezone.now() - oldest if oldest else None)


def _seal(*, limit: int) -> tuple[int, datetime | None]:
    with transaction.atomic():
        sequence, previous_hash, _pending = _locked_head()
        first = sequence
        sequence, previous_hash, oldest = _seal_locked(sequence, previous_hash, limit=limit)
        if sequence != first:
            _move_head(sequence, previous_hash)
            _checkpoint_after_commit()
    return sequence - first, oldest


def _seal_locked(
    sequence: int, previous_hash: str, *, limit: int | None
) -> tuple[int, str, datetime | None]:
    """Chain the unsealed entries after (sequence, previous_hash), the head being locked by
    the caller; return the new head and the oldest time written among them. The head row
    itself is left for the caller to move."""
    pending = AuditEntry.objects.filter(sequence__isnull=True, previous_hash="").order_by("id")
    rows = list(pending.values() if limit is None else pending.values()[:limit])
    seals: list[tuple[int, int, str, str, str]] = []
    refused: list[int] = []
    for row in rows:
        if not writer_mac_valid(dict(row)):
            # Not inserted by the writer (no signature made with the key): never chained.
            refused.append(row["id"])
            continue
        sequence += 1
        values: dict[str, Any] = {**row, "sequence": sequence, "previous_hash": previous_hash}
        previous_hash = entry_hash(values)
        seals.append(
            (row["id"], sequence, values["previous_hash"], previous_hash, sealed_mac(previous_hash))
        )
    if refused:
        logger.error("audit seal: refused %d entries without the writer's signature", len(refused))
        AuditEntry.objects.filter(id__in=refused).update(previous_hash=REFUSED_MARK)
    for start in range(0, len(seals), SEAL_ROWS_PER_STATEMENT):
        _write_seals(seals[start : start + SEAL_ROWS_PER_STATEMENT])
    oldest = min((row["occurred_at"] for row in rows), default=None)
    return sequence, previous_hash, oldest


def _write_seals(seals: Sequence[tuple[int, int, str, str, str]]) -> None:
    """One UPDATE for all: on PostgreSQL from five arrays (one short statement whatever the
    number of entries), elsewhere from a VALUES list (its columns are column1, column2, ...)."""
    if connection.vendor == "postgresql":
        source = (
            "unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[]) "
            "AS v(column1, column2, column3, column4, column5)"
        )
        params: list[Any] = [list(column) for column in zip(*seals, strict=True)]
    else:
        source = f"(VALUES {', '.join(['(%s, %s, %s, %s, %s)'] * len(seals))}) AS v"
        params = [value for seal in seals for value in seal]
    sql = (
        f"UPDATE {_ENTRY_TABLE} SET sequence = v.column2, previous_hash = v.column3, "  # noqa: S608 - model names
        f"entry_hash = v.column4, mac = v.column5 FROM {source} "
        f"WHERE {_ENTRY_TABLE}.id = v.column1 AND {_ENTRY_TABLE}.sequence IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.rowcount != len(seals):
            # Someone sealed them meanwhile, which the head's lock rules out: keep nothing.
            raise RuntimeError(
                f"audit seal: {cursor.rowcount} of {len(seals)} entries were still unsealed"
            )


def _move_head(sequence: int, last_hash: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_HEAD_TABLE} SET last_sequence = %s, last_hash = %s WHERE singleton = 1",  # noqa: S608 - model names
            [sequence, last_hash],
        )


_HEAD_TABLE = AuditChainHead._meta.db_table
_ENTRY_TABLE = AuditEntry._meta.db_table


def _locked_head(*, pending: bool = False) -> tuple[int, str, bool]:
    """The head's last sequence and hash, its row locked until the transaction ends (on
    SQLite the write transaction itself excludes other writers); with ``pending``, whether
    unsealed entries wait, in the same statement."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    unsealed = f"SELECT 1 FROM {_ENTRY_TABLE} WHERE sequence IS NULL AND previous_hash = ''"  # noqa: S608 - model names
    waiting = f"EXISTS ({unsealed})" if pending else "FALSE"
    sql = f"SELECT last_sequence, last_hash, {waiting} FROM {_HEAD_TABLE} WHERE singleton = 1{lock}"  # noqa: S608 - model names
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
        if row is None:  # the very first entry of an installation
            AuditChainHead.objects.get_or_create(singleton=1)
            cursor.execute(sql)
            row = cursor.fetchone()
    return int(row[0]), row[1] or GENESIS_HASH, bool(row[2])


def _checkpoint_after_commit() -> None:
    """A checkpoint may be due once this seal commits (nothing to do when they are off)."""
    if float(settings.BENTENG_AUDIT_CHECKPOINT_SECONDS) > 0:
        transaction.on_commit(_checkpoint_if_due)


def _checkpoint_if_due() -> None:
    """After a seal's commit: a checkpoint of the head now and then. Never raises: the seal
    is kept whatever happens to the file (``audit_verify`` reads it)."""
    try:
        checkpoint_if_due()
    except Exception:
        logger.exception("audit: the checkpoint could not be written")


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


# How much of each search term the trail keeps.
SEARCH_TERM_LENGTH = 200


def audit_record_list(
    *,
    viewer: Viewer,
    model: type[models.Model],
    objects: Iterable[models.Model],
    search: Mapping[str, Any] | None = None,
    purpose: str = "",
) -> AuditEntry | None:
    """Record that a viewer was shown a list (one entry naming every row shown). A search or
    filter is recorded with its terms even when it found nothing: a name searched for is
    personal data too, read only by those who may read the trail."""
    objects = list(objects)
    terms = {
        name: str(value)[:SEARCH_TERM_LENGTH]
        for name, value in (search or {}).items()
        if value not in (None, "")
    }
    if not objects and not terms:
        return None
    return audit_record(
        actor=actor_for_viewer(viewer),
        action=AuditAction.LIST,
        object_type=object_type_of(model),
        object_ids=[obj.pk for obj in objects],
        purpose=purpose or viewer.purpose,
        detail={"search": terms} if terms else None,
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
    """Walk the sealed entries in sequence order; return how many were checked and the first
    break. Each entry must carry the sealer's MAC of its hash (made with the audit key, which
    is not in the database), and the chain must pass through every signed checkpoint in the
    checkpoint file and reach the latest. Rows the sealer refused, and entries left unsealed
    longer than ``UNSEALED_GRACE``, are breaks too (no sealer ran: they are not yet
    tamper-evident); younger ones are the sealer's normal delay.

    The walk goes on while the head moves (a sealer at work meanwhile), so a seal during the
    walk is not taken for a truncated chain.
    """
    try:
        checkpoints = {checkpoint.sequence: checkpoint.hash for checkpoint in checkpoints_read()}
    except CheckpointError as error:
        return 0, ChainBreak(0, str(error))
    expected_previous = GENESIS_HASH
    checked = 0
    last_sequence = 0
    while True:
        walked = 0
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
                if sequence != last_sequence + 1:
                    return checked, ChainBreak(
                        last_sequence + 1, f"entry {last_sequence + 1} is missing"
                    )
                chain_break = _entry_break(dict(values), expected_previous, checkpoints)
                if chain_break is not None:
                    return checked, chain_break
                expected_previous = values["entry_hash"] or ""
                checked += 1
                walked += 1
                last_sequence = sequence
        head = AuditChainHead.objects.filter(singleton=1).first()
        head_sequence = head.last_sequence if head is not None else 0
        if head_sequence <= last_sequence or not walked:
            break
    if head is not None and head_sequence != last_sequence:
        return checked, ChainBreak(
            last_sequence + 1, f"the chain ends at {last_sequence}, head says {head_sequence}"
        )
    anchored = max(checkpoints, default=0)
    if anchored > last_sequence:
        return checked, ChainBreak(
            last_sequence + 1,
            f"the chain ends at {last_sequence}, a signed checkpoint saw it at {anchored}",
        )
    return checked, _unsealed_break(last_sequence)


def _entry_break(
    values: dict[str, Any], expected_previous: str, checkpoints: dict[int, str]
) -> ChainBreak | None:
    sequence = values["sequence"]
    if values["previous_hash"] != expected_previous:
        return ChainBreak(sequence, "previous hash does not match")
    if entry_hash(dict(values)) != values["entry_hash"]:
        return ChainBreak(sequence, "content does not match its hash")
    if not sealed_mac_valid(values["entry_hash"], values["mac"]):
        return ChainBreak(sequence, "the entry is not signed with the audit key")
    anchored = checkpoints.get(sequence)
    if anchored is not None and anchored != values["entry_hash"]:
        return ChainBreak(sequence, "the entry does not match the signed checkpoint")
    return None


def _unsealed_break(last_sequence: int) -> ChainBreak | None:
    refused = AuditEntry.objects.filter(sequence__isnull=True, previous_hash=REFUSED_MARK)
    refused_count = refused.count()
    if refused_count:
        return ChainBreak(
            last_sequence + 1,
            f"{refused_count} entries were refused by the sealer: they were not written by "
            "Benteng's audit writer (no signature made with the audit key)",
        )
    stale = AuditEntry.objects.filter(
        sequence__isnull=True, occurred_at__lt=timezone.now() - UNSEALED_GRACE
    ).aggregate(count=Count("id"), oldest=Min("occurred_at"))
    if stale["count"]:
        waited = (timezone.now() - stale["oldest"]).total_seconds()
        return ChainBreak(
            last_sequence + 1,
            f"{stale['count']} entries are not sealed after "
            f"{UNSEALED_GRACE.total_seconds():.0f} s (the oldest has waited {waited:.0f} s)",
        )
    return None
