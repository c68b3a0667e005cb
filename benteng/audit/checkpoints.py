"""Signed checkpoints of the audit chain head, kept in a file outside the database.

A checkpoint is one JSON line: the head's sequence and hash, when it was taken, and a MAC
with the audit key over the three. The file is only appended to (make it append-only on the
server: ``chattr +a``), and ``manage.py audit_checkpoint_export`` hands it to the other agency,
so that deleting the last entries, or rewriting the chain, is seen against a checkpoint that
whoever writes the database cannot change (docs/audit-trail.md).
"""

from __future__ import annotations

import fcntl
import hmac
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from benteng.audit.chain import keyed_digest
from benteng.audit.models import AuditChainHead


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    hash: str
    taken_at: str
    mac: str

    def line(self) -> str:
        return json.dumps(
            {"sequence": self.sequence, "hash": self.hash, "at": self.taken_at, "mac": self.mac},
            separators=(",", ":"),
        )


class CheckpointError(Exception):
    """A checkpoint line that is not what Benteng wrote (edited, or signed with another key)."""


def checkpoint_file() -> Path:
    return Path(settings.BENTENG_AUDIT_CHECKPOINT_FILE)


def _mac(sequence: int, hash_value: str, taken_at: str) -> str:
    return keyed_digest(f"checkpoint:{sequence}:{hash_value}:{taken_at}".encode("ascii"))


def checkpoint_write() -> Checkpoint:
    """Append a checkpoint of the chain head as committed now."""
    head = AuditChainHead.objects.filter(singleton=1).first()
    sequence, hash_value = (head.last_sequence, head.last_hash) if head else (0, "0" * 64)
    taken_at = datetime.now(UTC).isoformat(timespec="seconds")
    checkpoint = Checkpoint(sequence, hash_value, taken_at, _mac(sequence, hash_value, taken_at))
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(descriptor, "a", encoding="utf-8") as file:
        fcntl.flock(file, fcntl.LOCK_EX)  # one line at a time from every process
        file.write(checkpoint.line() + "\n")
    return checkpoint


def checkpoints_read() -> list[Checkpoint]:
    """Every checkpoint in the file, each one's MAC checked; none when there is no file yet."""
    path = checkpoint_file()
    if not path.exists():
        return []
    checkpoints = []
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not text.strip():
            continue
        try:
            data = json.loads(text)
            checkpoint = Checkpoint(
                int(data["sequence"]), str(data["hash"]), str(data["at"]), str(data["mac"])
            )
        except (ValueError, KeyError, TypeError) as error:
            raise CheckpointError(f"checkpoint line {number} cannot be read") from error
        expected = _mac(checkpoint.sequence, checkpoint.hash, checkpoint.taken_at)
        if not hmac.compare_digest(checkpoint.mac, expected):
            raise CheckpointError(f"checkpoint line {number} is not signed with the audit key")
        checkpoints.append(checkpoint)
    return checkpoints


class _Schedule:
    """When this process last wrote a checkpoint (monotonic seconds; 0: not yet)."""

    last = 0.0


def checkpoint_if_due() -> None:
    """After a seal commits: a checkpoint when ``BENTENG_AUDIT_CHECKPOINT_SECONDS`` passed
    since this process wrote its last (never, when the setting is 0)."""
    interval = float(settings.BENTENG_AUDIT_CHECKPOINT_SECONDS)
    if interval <= 0:
        return
    now = time.monotonic()
    if _Schedule.last and now - _Schedule.last < interval:
        return
    _Schedule.last = now
    checkpoint_write()
