"""Client-system tokens: how one is made and how it is kept (only its hash)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_MARKER = "bnt_"  # noqa: S105 — the public marker every token starts with


def api_token_generate() -> str:
    return TOKEN_MARKER + secrets.token_urlsafe(32)


def api_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
