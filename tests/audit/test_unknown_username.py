"""A name that is no account, typed at sign-in, leaves no derivative anywhere (issue 11, item
13): often it is a password typed into the wrong box. Whatever is stored for one unknown name
must be exactly what is stored for any other, so nothing stored (a hash, a prefix, a length,
an encoding...) can depend on it."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client

from benteng.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

# Filled by the database or the clock, the same whatever was typed.
_VARYING = {"id", "sequence", "occurred_at", "previous_hash", "entry_hash", "mac"}
_VARYING |= {"attempt_time", "expiration", "attempt", "session_key", "expire_date"}
_STORES: list[type[models.Model]] = [
    AuditEntry,
    AccessAttempt,
    AccessFailureLog,
    AccessLog,
    Session,
]


def _stored() -> list[dict[str, Any]]:
    """Every row that a sign-in may have written, without the ids and times."""
    rows = []
    for model in _STORES:
        for row in model.objects.order_by("pk").values():  # type: ignore[attr-defined]
            rows.append(
                {"model": model._meta.label, **{k: v for k, v in row.items() if k not in _VARYING}}
            )
    return rows


def _derivatives(typed: str) -> list[str]:
    raw = typed.encode()
    derived = [typed, typed.lower(), typed[:4], typed[-4:], base64.b64encode(raw).decode()[:8]]
    for name in ("md5", "sha1", "sha256", "sha512"):
        digest = hashlib.new(name, raw).hexdigest()
        derived += [digest[:8], digest[-8:]]
    return derived


def _sign_in_fails_with(typed: str, caplog: pytest.LogCaptureFixture) -> list[dict[str, Any]]:
    for model in _STORES:
        model.objects.all().delete()  # type: ignore[attr-defined]
    caplog.clear()
    Client(REMOTE_ADDR="10.1.1.1").post("/masuk/", {"username": typed, "password": "salah"})
    stored = _stored()
    text = repr(stored) + caplog.text
    for derived in _derivatives(typed):
        assert derived not in text, derived
    return stored


def test_two_different_unknown_names_leave_exactly_the_same_trace(caplog, reference_data):
    # given: two passwords typed into the username box, of different lengths
    caplog.set_level("DEBUG")
    # when
    first = _sign_in_fails_with("Rahasia-Sekali-123", caplog)
    second = _sign_in_fails_with("kucing", caplog)
    # then: a failed sign-in is recorded, and nothing about it depends on what was typed
    assert [row["model"] for row in first if row["model"] == "audit.AuditEntry"]
    assert first == second
