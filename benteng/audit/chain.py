"""How an audit entry is hashed; shared by the writer and the verifier."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

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


def entry_hash(values: dict[str, Any]) -> str:
    """SHA-256 over a canonical JSON of the entry's fields, including the previous hash."""
    canonical = {name: values[name] for name in HASHED_FIELDS}
    canonical["occurred_at"] = (
        values["occurred_at"].astimezone(UTC).isoformat(timespec="microseconds")
    )
    payload = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
