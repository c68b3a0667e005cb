"""How an audit entry is hashed and keyed; shared by the writer, the sealer and the verifier.

The hash chain shows that rows were changed, unless whoever changed them recomputed every
later hash, which anybody with write access to the database can. So each entry also carries
a MAC with a key that is not in the database (``BENTENG_AUDIT_KEY``; docs/audit-trail.md,
"Anchored outside the database"):

- the writer signs each entry it inserts unsealed (``writer_mac``): the sealer seals only
  entries so signed, and a row inserted by other means is refused;
- the sealer signs each entry's hash as it seals it (``sealed_mac``): nobody without the key
  can rehash the chain after changing an entry;
- checkpoints of the chain head, signed with the same key, are written to a file outside the
  database (``benteng/audit/checkpoints.py``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC
from typing import Any

from django.conf import settings

GENESIS_HASH = "0" * 64

HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "actor_role",
    "actor_office",
    "client_label",
    "action",
    "object_type",
    "object_ids",
    "purpose",
    "recipient",
    "legal_basis",
    "detail",
    "ip_address",
    "previous_hash",
)
# What the writer knows of an entry before the sealer chains it.
WRITTEN_FIELDS = tuple(name for name in HASHED_FIELDS if name not in ("sequence", "previous_hash"))
# The MAC's prefix says what it covers: every written field, or (once sealed) the entry's hash.
WRITER_MAC = "w1:"
SEALED_MAC = "s1:"


def _canonical(values: dict[str, Any], names: tuple[str, ...]) -> bytes:
    canonical = {name: values[name] for name in names}
    canonical["occurred_at"] = (
        values["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
    )
    return json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str).encode()


def entry_hash(values: dict[str, Any]) -> str:
    """SHA-256 over a canonical JSON of the entry's fields, including the previous hash."""
    return hashlib.sha256(_canonical(values, HASHED_FIELDS)).hexdigest()


def audit_key() -> bytes:
    """The MAC key (settings ``BENTENG_AUDIT_KEY`` or ``_FILE``; never in the database)."""
    return str(settings.BENTENG_AUDIT_KEY).encode("utf-8")


def keyed_digest(message: bytes) -> str:
    return hmac.new(audit_key(), message, hashlib.sha256).hexdigest()


def writer_mac(values: dict[str, Any]) -> str:
    """The writer's signature of an unsealed entry: every field it wrote."""
    return WRITER_MAC + keyed_digest(b"written:" + _canonical(values, WRITTEN_FIELDS))


def writer_mac_valid(values: dict[str, Any]) -> bool:
    """Whether an unsealed row carries the writer's signature of its own content."""
    mac = values.get("mac") or ""
    if not mac.startswith(WRITER_MAC):
        return False
    return hmac.compare_digest(mac, writer_mac(values))


def sealed_mac(hash_value: str) -> str:
    """The sealer's signature of a sealed entry's hash (which covers the chain before it)."""
    return SEALED_MAC + keyed_digest(b"sealed:" + hash_value.encode("ascii"))


def sealed_mac_valid(hash_value: str, mac: str) -> bool:
    return hmac.compare_digest(mac or "", sealed_mac(hash_value))
