"""The audit sealer: a process of its own that chains the entries writers left unsealed.

Writers insert their entries unsealed (``AUDIT_SEAL_DELAY`` above 0) and do nothing more. One
sealer process (``manage.py audit_seal --forever``, started next to the web and task workers)
looks every ``AUDIT_SEAL_DELAY`` seconds whether entries wait (one indexed query) and, when
they do, seals them all (``audit_seal_pending``). A failed round is logged and tried again at
the next one; the writes themselves are committed already and never depend on it. On SIGTERM
or SIGINT it seals what waits once more and ends. See ``docs/audit-trail.md``.

With a delay of 0 the writers seal in their own transaction; the process then only takes, every
``NO_DELAY_INTERVAL`` seconds, what a process configured with a delay left.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from benteng.audit.models import AuditEntry
from benteng.audit.services import SealReport, audit_seal_delay, audit_seal_pending

logger = logging.getLogger(__name__)

# With a delay of 0 (writers seal themselves) the sealer looks for leftovers this often.
NO_DELAY_INTERVAL = 5.0


def seal_interval() -> float:
    """Seconds between two looks for waiting entries."""
    return audit_seal_delay() or NO_DELAY_INTERVAL


def entries_waiting() -> bool:
    """Whether any entry waits to be sealed (the unique index on ``sequence`` serves it)."""
    return AuditEntry.objects.filter(sequence__isnull=True).exists()


@dataclass
class SealerRun:
    """What a sealer did since it started."""

    rounds: int = 0
    sealed: int = 0
    failures: int = 0


def seal_waiting(run: SealerRun, seal: Callable[[], SealReport] = audit_seal_pending) -> None:
    """One round: seal what waits, if anything does. Never raises: a failure is logged and
    counted, and the entries wait for the next round."""
    connection.close_if_unusable_or_obsolete()
    run.rounds += 1
    try:
        if entries_waiting():
            run.sealed += seal().sealed
    except Exception:
        run.failures += 1
        logger.exception("audit: sealing failed; the entries stay unsealed until the next round")
    finally:
        # Broken, or older than CONN_MAX_AGE: closed now rather than at the next round.
        connection.close_if_unusable_or_obsolete()


def seal_until_stopped(
    stop: threading.Event,
    *,
    interval: Callable[[], float] = seal_interval,
    seal: Callable[[], SealReport] = audit_seal_pending,
) -> SealerRun:
    """Seal what waits, then again every ``interval()`` seconds (read at every round, so a
    changed setting applies at once) until ``stop`` is set; then a last round, so what was
    written before the stop is sealed, and the connection is closed."""
    run = SealerRun()
    try:
        while not stop.is_set():
            seal_waiting(run, seal)
            stop.wait(interval())
        seal_waiting(run, seal)
    finally:
        connection.close()
    return run
