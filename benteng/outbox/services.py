"""Publishing an event into the outbox (see the package docstring for the contract)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from benteng.outbox.models import OutboxEvent
from benteng.outbox.registry import is_event_kind, object_type_label

# The payload is a handful of ids, states and timestamps.
MAX_DATA_BYTES = 2000
MAX_TEXT_LENGTH = 100


class OutboxOutsideTransaction(RuntimeError):
    """``publish`` was called outside the transaction of the change it reports."""


class UnknownEventKind(ValueError):
    """Nobody registered this event kind (``register_event_kind``)."""


class EventDataInvalid(ValueError):
    """The payload is not a small mapping of ids, states and timestamps."""


def _plain(value: Any, where: str) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        if len(value) > MAX_TEXT_LENGTH:
            raise EventDataInvalid(f"{where}: text longer than {MAX_TEXT_LENGTH} characters")
        return value
    if isinstance(value, list | tuple):
        return [_plain(item, where) for item in value]
    raise EventDataInvalid(f"{where}: {type(value).__name__} is not an id, state or timestamp")


def publish(
    kind: str,
    *,
    obj_type: type[models.Model] | str,
    obj_id: Any,
    data: Mapping[str, Any] | None = None,
    occurred_at: datetime.datetime | None = None,
) -> OutboxEvent:
    """Write an event about one object in the caller's transaction (kept or rolled back with
    the change). ``data``: ids, states, timestamps only — never personal data."""
    if not transaction.get_connection().in_atomic_block:
        raise OutboxOutsideTransaction(
            "publish() must run inside the transaction.atomic() block of the change it reports."
        )
    if not is_event_kind(kind):
        raise UnknownEventKind(kind)
    payload = {str(key): _plain(value, str(key)) for key, value in (data or {}).items()}
    if len(json.dumps(payload)) > MAX_DATA_BYTES:
        raise EventDataInvalid(f"event data over {MAX_DATA_BYTES} bytes")
    return OutboxEvent.objects.create(
        kind=kind,
        object_type=object_type_label(obj_type),
        object_id=str(obj_id),
        data=payload,
        occurred_at=occurred_at or timezone.now(),
    )
