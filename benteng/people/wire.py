"""How the screening index service and its clients talk: ``multiprocessing.connection``
over the unix socket, authenticated with a key in a file next to the socket.

Each request is one pickled tuple, ``(operation, *arguments)``; each answer one pickled pair,
``(True, result)`` or ``(False, error message)``:

- ``("search", part, record, top, threshold, reader_agency)`` -> ``[SourceMatch, ...]``
- ``("search_person", record, watchlist_top, events_top, threshold, reader_agency)``
  -> ``([SourceMatch, ...], [SourceMatch, ...])``
- ``("upsert", record, owner_only_agency)`` -> ``None``; ``("remove", key)`` -> ``None``
- ``("status",)`` -> a dict of figures

Pickle runs code of the sender's choosing on the receiving side, so only a peer that proved
it holds the key gets that far: ``Listener``/``Client`` exchange an HMAC challenge with the
key before the first message. The socket (0o660) and the key file (0o640, written by the
service at each start) live in the service user's runtime directory
(``/run/benteng``, systemd's ``RuntimeDirectory``), readable only by that user and its group
— the web workers. Standard library, not a hand-made framing: it measured no slower per
search than the length-prefixed JSON it replaced (``bench/bench_index_wire.py``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from benteng.people.sources import ScreeningIndexUnavailable

AUTHKEY_BYTES = 32


def authkey_path(socket_path: str) -> Path:
    return Path(f"{socket_path}.key")


def authkey_for(socket_path: str) -> bytes:
    """The key of the service at ``socket_path`` (read at every connection: a restarted
    service writes a new one)."""
    try:
        return authkey_path(socket_path).read_bytes()
    except OSError as error:
        raise ScreeningIndexUnavailable(
            f"The screening index service at {socket_path} is not answering (no key next to "
            f"the socket: {error}). "
            f"Start it with `manage.py screening_index_serve --socket {socket_path}` "
            "(see docs/screening-index.md)."
        ) from error


def new_authkey(socket_path: str) -> bytes:
    """Write a fresh random key next to the socket (0o640: owner and group) and return it."""
    path = authkey_path(socket_path)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)
    key = secrets.token_bytes(AUTHKEY_BYTES)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        os.write(descriptor, key)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)
    return key
