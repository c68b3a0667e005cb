"""The process's sealer thread: it seals the audit entries a moment after their commit.

Writers insert their entries unsealed and wake the sealer after their commit
(``transaction.on_commit``). The sealer waits ``AUDIT_SEAL_DELAY`` seconds, so every entry
written meanwhile by any thread of the process is sealed in the same round, then calls
``audit_seal`` on its own database connection until nothing is left. A failed round is logged
and tried again at the next wake-up (or after ``RETRY_SECONDS``); the writes themselves are
committed already and never depend on it. A process that ends normally seals what it wrote
last on its way out. See ``docs/audit-trail.md``.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Callable

from django.db import connection

logger = logging.getLogger(__name__)

# A failed round is tried again this long after, even without a new write.
RETRY_SECONDS = 5.0
# The thread closes its database connection after this long without a write.
IDLE_SECONDS = 30.0


class Sealer:
    """One daemon thread per process, started on first use.

    ``seal_round`` seals what waits (on the calling thread's connection) and ``delay`` gives the
    seconds to wait first; both are read at every round, so a changed setting applies at once.
    A thread started before a fork does not exist in the child: ``wake`` notices the new
    process id and starts the child's own.
    """

    def __init__(self, seal_round: Callable[[], object], delay: Callable[[], float]) -> None:
        self._seal_round = seal_round
        self._delay = delay
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._wakeup = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        # Wake-ups so far, and the last one a successful round has covered.
        self._woken = 0
        self._covered = 0

    def after_fork_in_child(self) -> None:
        """Forget the parent's thread and locks (``os.register_at_fork``)."""
        self._reset()

    def wake(self) -> None:
        """Seal soon; start the thread if this process has none yet."""
        if self._pid != os.getpid():  # forked: the parent's thread is not in this process
            self._reset()
        with self._lock:
            self._woken += 1
            if self._thread is None or not self._thread.is_alive():
                self._stopping.clear()
                self._thread = threading.Thread(
                    target=self._run, name="benteng-audit-sealer", daemon=True
                )
                self._thread.start()
        self._wakeup.set()

    def seal_at_exit(self) -> None:
        """A process ending normally (a management command, a task worker or web worker shut
        down) seals what it wrote since the last round instead of leaving it to the next seal
        of another process (``atexit``; the daemon thread does not outlive the interpreter)."""
        if self._pid != os.getpid() or self._stopping.is_set() or self._covered >= self._woken:
            return
        try:
            self._seal_round()
        except Exception:
            logger.exception("audit: sealing at exit failed; the next seal will take the entries")
        finally:
            connection.close()

    def stop(self, timeout: float = 10.0) -> None:
        """End the thread after its current round, sealing nothing more (for tests)."""
        with self._lock:
            thread = self._thread
            self._thread = None
        if thread is None or self._pid != os.getpid():
            return
        self._stopping.set()
        self._wakeup.set()
        thread.join(timeout)

    @property
    def running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive() and self._pid == os.getpid()

    def _run(self) -> None:
        failed = False
        try:
            while not self._stopping.is_set():
                woken = self._wakeup.wait(RETRY_SECONDS if failed else IDLE_SECONDS)
                if self._stopping.is_set():
                    break
                if not woken and not failed:
                    connection.close()  # idle: give the connection back
                    continue
                delay = self._delay()
                # Coalesce: everything committed meanwhile is sealed in this round.
                if delay > 0 and self._stopping.wait(delay):
                    break
                self._wakeup.clear()
                generation = self._woken
                failed = not self._round()
                if not failed:
                    self._covered = max(self._covered, generation)
        finally:
            connection.close()

    def _round(self) -> bool:
        """One seal; False when it failed (logged, the entries wait for the next round)."""
        connection.close_if_unusable_or_obsolete()
        try:
            self._seal_round()
        except Exception:
            logger.exception(
                "audit: sealing failed; the entries stay unsealed until the next round"
            )
            return False
        finally:
            # Broken, or older than CONN_MAX_AGE: closed now rather than at the next round.
            connection.close_if_unusable_or_obsolete()
        return True


def _seal_round() -> object:
    from benteng.audit.services import audit_seal_pending

    return audit_seal_pending()


def _delay() -> float:
    from benteng.audit.services import audit_seal_delay

    return audit_seal_delay()


sealer = Sealer(_seal_round, _delay)
os.register_at_fork(after_in_child=sealer.after_fork_in_child)
atexit.register(sealer.seal_at_exit)
