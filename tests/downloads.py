"""What every download of a kept file must answer (``benteng/downloads.py``)."""

from __future__ import annotations

from typing import Any


def assert_private_file(
    response: Any, *, disposition: str, filename: str, content_type: str
) -> None:
    """The file as ``disposition`` (attachment or inline) named ``filename``, its checked type
    never sniffed, sandboxed, and kept by no cache."""
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'{disposition}; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
