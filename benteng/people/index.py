"""The screening index's public entry points: the process-wide backend and the hooks that
keep it up to date.

Who among watchlist entries and earlier events may be this person? :func:`screening_index`
answers with a :class:`~benteng.people.client.ScreeningIndexBackend`: a client of the shared
service when ``SCREENING_INDEX_SOCKET`` is set (production), else the in-process index.
Results name rows by :class:`~benteng.people.sources.SourceRef`.

Services call :func:`index_source_record` with a row of any registered source after writing
it; the change reaches the index when the transaction commits. Rows written without the hook
reach it within the refresh interval (:mod:`benteng.people.store`).
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from benteng.people.client import InProcessBackend, SocketBackend
from benteng.people.sources import EVERY_AGENCY, Audience, source_of

__all__ = ["index_source_record", "screening_index", "screening_index_reset", "source_audience"]

_backends: dict[str, InProcessBackend | SocketBackend] = {}
_backends_lock = threading.Lock()


def _socket_setting() -> str:
    return str(getattr(settings, "SCREENING_INDEX_SOCKET", "") or "")


def screening_index() -> InProcessBackend | SocketBackend:
    """The process-wide screening index: a client of the shared service when
    ``SCREENING_INDEX_SOCKET`` is set, else the in-process index."""
    key = _socket_setting()
    backend = _backends.get(key)
    if backend is None:
        with _backends_lock:
            backend = _backends.get(key)
            if backend is None:
                if key:
                    timeout = float(getattr(settings, "SCREENING_INDEX_TIMEOUT_SECONDS", 5.0))
                    backend = SocketBackend(key, timeout=timeout)
                else:
                    backend = InProcessBackend()
                _backends[key] = backend
    return backend


def screening_index_reset() -> None:
    """Forget the process-wide index (tests: the database was rolled back)."""
    with _backends_lock:
        for backend in _backends.values():
            if isinstance(backend, SocketBackend):
                backend.close()
        _backends.clear()


def source_audience(instance: models.Model) -> Audience | None:
    """Who may find ``instance`` in the index today (``None``: it is not indexed)."""
    return source_of(instance).instance_audience(instance, timezone.localdate())


def index_source_record(instance: models.Model) -> None:
    """Bring the index up to date with ``instance``, a row of a registered source, once the
    transaction commits: in the index (for whom its source says) or out of it."""
    source = source_of(instance)
    audience = source_audience(instance)
    record = source.record_of(instance) if audience is not None else None
    key = source.key(instance.pk)

    def apply() -> None:
        backend = screening_index()
        if record is None:
            backend.remove(key)
        else:
            backend.upsert(record, audience or EVERY_AGENCY)

    # robust: the database is the truth; if the service is down the change still reaches it
    # by the refresh, so a failure here is logged instead of failing the committed write.
    transaction.on_commit(apply, robust=True)
