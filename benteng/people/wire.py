"""How the screening index service and its clients talk: ``multiprocessing.connection``
over the unix socket, authenticated with a key in a file next to the socket.

Each request is one pickled tuple, ``(operation, *arguments)``; each answer one pickled pair,
``(True, result)`` or ``(False, error message)``:

- ``("search", part, record, top, threshold, reader_agency)`` -> matches
- ``("search_person", record, watchlist_top, events_top, threshold, reader_agency)``
  -> ``(matches, matches)``
- ``("upsert", record, owner_only_agency)`` -> ``None``; ``("remove", key)`` -> ``None``
- ``("status",)`` -> a dict of figures

Records and matches travel as tuples of plain values (:func:`record_to_wire`,
:func:`matches_to_wire`): pickling the dataclasses themselves (their slots, the ``Level``
enum of every feature) cost about 0.7 ms more per search of 30 candidates.

Pickle runs code of the sender's choosing on the receiving side, so only a peer that proved
it holds the key gets that far: ``Listener``/``Client`` exchange an HMAC challenge with the
key before the first message. The socket (0o660) and the key file (0o640, written by the
service at each start) live in the service user's runtime directory
(``/run/benteng``, systemd's ``RuntimeDirectory``), readable only by that user and its group
— the web workers. Standard library, not a hand-made framing: per ``search_person``, both
sides together, it costs 0.085 ms of CPU where the length-prefixed JSON it replaced cost
0.15 ms (one candidate found), and 0.76 ms instead of 1.2-1.5 ms (30 candidates), measured
with ``bench/bench_index_wire.py`` on the same machine in the same session.
"""

from __future__ import annotations

import os
import pickle
import secrets
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from benteng.core.compare import Comparison, FeatureResult, Level
from benteng.core.records import IdentityRecord
from benteng.people.sources import (
    ScreeningIndexError,
    ScreeningIndexUnavailable,
    SourceMatch,
    SourceRef,
)

AUTHKEY_BYTES = 32


def send(connection: Connection, message: Any) -> None:
    """``connection.send`` with the plain pickler (``Connection.send``'s pickler copies the
    reducer table on every message)."""
    connection.send_bytes(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))


def receive(connection: Connection) -> Any:
    """The next message: only an authenticated peer can have sent it (see above)."""
    return pickle.loads(connection.recv_bytes())  # noqa: S301 - authenticated peer


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


def record_to_wire(record: IdentityRecord) -> tuple[Any, ...]:
    return (
        record.id,
        record.name,
        record.birth_date,
        record.sex,
        record.nik,
        record.birth_place,
        record.passport_no,
        record.address,
        record.phone,
        record.region_code,
    )


def record_from_wire(values: Any) -> IdentityRecord:
    if not isinstance(values, tuple) or len(values) != 10:
        raise ScreeningIndexError("A record must be a tuple of 10 fields.")
    if not isinstance(values[0], str) or not isinstance(values[1], str):
        raise ScreeningIndexError("A record needs a text id and name.")
    return IdentityRecord(*values)


def matches_to_wire(matches: list[SourceMatch]) -> list[tuple[Any, ...]]:
    return [
        (
            match.ref.source,
            match.ref.pk,
            match.score,
            match.comparison.match_weight,
            tuple(
                (result.feature, result.level.value, result.weight, result.similarity)
                for result in match.comparison.features
            ),
        )
        for match in matches
    ]


# Level by its value: a dict lookup instead of the enum's call, for every feature of every
# match of every search.
_LEVELS: dict[Any, Level] = {level.value: level for level in Level}


def matches_from_wire(values: list[tuple[Any, ...]]) -> list[SourceMatch]:
    return [
        SourceMatch(
            SourceRef(source, pk),
            score,
            Comparison(
                score=score,
                match_weight=match_weight,
                features=tuple(
                    FeatureResult(feature, _LEVELS[level], weight, similarity)
                    for feature, level, weight, similarity in features
                ),
            ),
        )
        for source, pk, score, match_weight, features in values
    ]
