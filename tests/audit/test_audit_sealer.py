"""Sealing off the request path: writers insert unsealed entries, the sealer chains them.

The rest of the suite runs with ``AUDIT_SEAL_DELAY=0`` (sealed in the writing transaction);
these tests set a delay, as production on PostgreSQL does (docs/audit-trail.md).
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from benteng.audit.chain import WRITTEN_FIELDS, writer_mac
from benteng.audit.models import AuditChainHead, AuditEntry
from benteng.audit.sealer import (
    NO_DELAY_INTERVAL,
    SealerRun,
    seal_interval,
    seal_until_stopped,
)
from benteng.audit.services import (
    UNSEALED_GRACE,
    Actor,
    AuditItem,
    SealReport,
    audit_chain_verify,
    audit_record,
    audit_record_many,
    audit_seal,
    audit_seal_pending,
)

DELAY = 0.1
ROOT = Path(__file__).resolve().parents[2]
TABLE = AuditEntry._meta.db_table


@pytest.fixture
def delayed(settings):  # type: ignore[no-untyped-def]
    settings.AUDIT_SEAL_DELAY = DELAY
    return settings


@pytest.fixture
def running_sealer():  # type: ignore[no-untyped-def]
    """The sealer's loop on a thread of this process (the sealer process runs the same loop:
    tested as a process below); stopped afterwards, so its connection does not outlive the
    test (the test database is emptied, then dropped)."""
    started: list[tuple[threading.Thread, threading.Event]] = []
    runs: list[SealerRun] = []

    def start(
        interval: float = DELAY, seal: Callable[[], SealReport] = audit_seal_pending
    ) -> threading.Event:
        stop = threading.Event()
        thread = threading.Thread(
            target=lambda: runs.append(
                seal_until_stopped(stop, interval=lambda: interval, seal=seal)
            )
        )
        thread.start()
        started.append((thread, stop))
        return stop

    yield start, runs
    for thread, stop in started:
        stop.set()
        thread.join(10)


def _write(label: str, count: int = 1) -> list[AuditEntry]:
    return audit_record_many(
        actor=Actor(user_id=None, label=label, role="petugas_imigrasi"),
        items=[
            AuditItem(action="read", object_type="accounts.user", object_ids=[n], purpose="uji")
            for n in range(count)
        ],
    )


def _written_ago(entries: Any, age: timedelta) -> None:
    """As if the writer had written these unsealed entries ``age`` ago (and signed them so)."""

    for entry in entries:
        entry.occurred_at = timezone.now() - age
        entry.mac = writer_mac({name: getattr(entry, name) for name in WRITTEN_FIELDS})
        entry.save(update_fields=["occurred_at", "mac"])


def _wait_until_sealed(ids: list[int], *, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if not _read(lambda: _unsealed(ids)):
            return time.monotonic() - started
        time.sleep(0.01)
    pytest.fail(f"not sealed within {seconds} s")


def _unsealed(ids: list[int]) -> bool:
    return AuditEntry.objects.filter(pk__in=ids, sequence__isnull=True).exists()


def _read(query: Callable[[], Any]) -> Any:
    """A read while the sealer's loop (on a thread here) may be writing. SQLite's in-memory
    test database is shared between connections with table locks, so a read can fail with
    "database table is locked" (a file database in WAL mode, as outside the tests, never
    blocks readers)."""
    for _attempt in range(100):
        try:
            return query()
        except OperationalError as error:
            if "locked" not in str(error):
                raise
            time.sleep(0.01)
    return query()


# --- the writer and the sealer -----------------------------------------------------------


@pytest.mark.django_db
def test_with_a_delay_the_writer_inserts_unsealed_entries_in_one_statement(
    delayed, django_assert_num_queries
):
    # when
    with django_assert_num_queries(1):
        written = _write("petugas", 3)
    # then: no sequence, no hashes, the head untouched
    assert [entry.sequence for entry in written] == [None, None, None]
    stored = list(
        AuditEntry.objects.order_by("id").values_list("sequence", "previous_hash", "entry_hash")
    )
    assert stored == [(None, "", None)] * 3
    assert [entry.pk for entry in written] == sorted(entry.pk for entry in written)
    assert not AuditChainHead.objects.filter(last_sequence__gt=0).exists()


@pytest.mark.django_db
def test_audit_seal_chains_the_waiting_entries_in_id_order(delayed):
    # given
    written = _write("a", 2) + _write("b", 3)
    # when
    sealed = audit_seal()
    # then
    assert sealed == 5
    stored = list(AuditEntry.objects.order_by("id"))
    assert [entry.pk for entry in stored] == [entry.pk for entry in written]
    assert [entry.sequence for entry in stored] == [1, 2, 3, 4, 5]
    assert stored[0].previous_hash == "0" * 64
    assert all(
        later.previous_hash == earlier.entry_hash for earlier, later in itertools.pairwise(stored)
    )
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (5, stored[-1].entry_hash)
    assert audit_chain_verify() == (5, None)
    assert audit_seal() == 0


@pytest.mark.django_db
def test_a_seal_writes_its_batch_back_in_one_update(delayed, django_assert_max_num_queries):
    # given
    assert audit_seal() == 0  # the chain head exists
    _write("a", 40)
    # when
    with django_assert_max_num_queries(6) as captured:
        assert audit_seal() == 40
    # then: (a savepoint here,) lock the head, read the batch, one UPDATE of the entries, move
    # the head
    updates = [query["sql"] for query in captured.captured_queries if TABLE in query["sql"]]
    assert len([sql for sql in updates if "UPDATE" in sql]) == 1
    assert audit_chain_verify() == (40, None)


@pytest.mark.django_db
def test_the_limit_leaves_the_rest_for_the_next_seal(delayed):
    _write("a", 5)
    assert audit_seal(limit=3) == 3
    assert AuditEntry.objects.filter(sequence__isnull=True).count() == 2
    assert audit_chain_verify() == (3, None)
    assert audit_seal(limit=3) == 2
    assert audit_chain_verify() == (5, None)


@pytest.mark.django_db
def test_entries_chained_through_the_sealer_and_by_writers_without_delay_form_one_chain(
    settings,
):
    # given: a process with a delay left entries waiting
    settings.AUDIT_SEAL_DELAY = 0.2
    waiting = _write("tertunda", 2)
    # when: a writer without delay appends
    settings.AUDIT_SEAL_DELAY = 0
    (own,) = _write("langsung")
    # then: the waiting entries first, then its own, in one chain
    assert own.sequence == 3
    stored = dict(AuditEntry.objects.values_list("pk", "sequence"))
    assert [stored[entry.pk] for entry in waiting] == [1, 2]
    assert audit_chain_verify() == (3, None)


@pytest.mark.django_db
def test_tampering_with_a_sealed_entry_is_still_detected(delayed):
    # given
    written = _write("a", 4)
    audit_seal()
    target = AuditEntry.objects.get(pk=written[2].pk)
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET purpose = %s WHERE id = %s",  # noqa: S608
            ["disembunyikan", target.pk],
        )
    # then
    checked, chain_break = audit_chain_verify()
    assert checked == target.sequence - 1
    assert chain_break is not None
    assert (chain_break.sequence, chain_break.reason) == (
        target.sequence,
        "content does not match its hash",
    )


@pytest.mark.django_db
def test_an_entry_committed_after_a_later_one_was_sealed_joins_the_next_batch(delayed):
    # given: entries of two transactions; the first (lower id) commits late, so the sealer
    # has sealed the second before it sees the first. Simulated: its row is taken away and
    # put back, with its id, after the seal (the concurrent case runs on PostgreSQL below).
    (early,) = _write("lambat")
    (later,) = _write("cepat")
    row = AuditEntry.objects.filter(pk=early.pk).values().get()
    AuditEntry.objects.filter(pk=early.pk).delete()
    assert audit_seal() == 1
    AuditEntry.objects.create(**row)
    # when
    assert audit_seal() == 1
    # then: the chain's order is the order of sealing
    sealed = dict(AuditEntry.objects.values_list("pk", "sequence"))
    assert (sealed[later.pk], sealed[early.pk]) == (1, 2)
    assert audit_chain_verify() == (2, None)


# --- audit_verify, audit_seal and the grace period -----------------------------------------


@pytest.mark.django_db
def test_audit_verify_seals_the_waiting_entries_first_and_reports_them(delayed, capsys):
    # given: entries of a process that ended before sealing them, two minutes ago
    _write("a", 3)
    _written_ago(AuditEntry.objects.all(), timedelta(minutes=2))
    # when
    call_command("audit_verify")
    # then
    out = capsys.readouterr().out
    assert "Sealed 3 audit entries that were waiting; the oldest had waited 12" in out
    assert "Audit chain intact: 3 entries verified." in out
    assert not AuditEntry.objects.filter(sequence__isnull=True).exists()


@pytest.mark.django_db
def test_audit_seal_command_seals_what_waits(delayed, capsys):
    _write("a", 2)
    call_command("audit_seal")
    assert "Sealed 2 audit entries" in capsys.readouterr().out
    call_command("audit_seal")
    assert "No audit entries were waiting to be sealed." in capsys.readouterr().out
    assert audit_chain_verify() == (2, None)


@pytest.mark.django_db
def test_entries_left_unsealed_past_the_grace_period_are_a_problem(delayed):
    # given: one entry within the sealer's normal delay, one nobody sealed
    _write("a", 2)
    audit_seal()
    (fresh,) = _write("baru")
    assert audit_chain_verify() == (2, None)
    (stale,) = _write("lama")
    _written_ago(AuditEntry.objects.filter(pk=stale.pk), UNSEALED_GRACE + timedelta(seconds=5))
    # when
    checked, chain_break = audit_chain_verify()
    # then
    assert checked == 2
    assert chain_break is not None
    assert chain_break.sequence == 3
    assert chain_break.reason.startswith("1 entries are not sealed after 60 s")
    # and sealing them (audit_verify does) clears it
    assert audit_seal() == 2
    assert audit_chain_verify() == (4, None)
    assert fresh.pk != stale.pk


@pytest.mark.django_db
def test_the_admin_lists_entries_not_yet_sealed(delayed, personas):
    from tests.conftest import verified_client

    _write("belum-disegel")
    response = verified_client(personas.admin).get("/admin/audit/auditentry/")
    assert response.status_code == 200
    assert "belum-disegel" in response.content.decode()


# --- the sealer's loop -----------------------------------------------------------------------


@pytest.mark.django_db
def test_with_a_delay_the_writer_leaves_nothing_to_run_after_its_commit(
    delayed, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        entry = audit_record(actor=Actor(user_id=None, label="a"), action="login")
    # then: no thread woken, no callback: the sealer process takes the entry
    assert callbacks == []
    assert AuditEntry.objects.filter(pk=entry.pk, sequence__isnull=True).exists()
    assert audit_seal() == 1


def test_the_sealer_looks_every_delay_or_for_leftovers_without_one(settings):
    settings.AUDIT_SEAL_DELAY = 0.5
    assert seal_interval() == 0.5
    settings.AUDIT_SEAL_DELAY = 0
    assert seal_interval() == NO_DELAY_INTERVAL


@pytest.mark.django_db(transaction=True)
def test_the_sealer_seals_entries_written_while_it_runs(delayed, running_sealer):
    # given
    start, runs = running_sealer
    stop = start()
    # when
    with transaction.atomic():
        written = _write("a", 3)
    # then
    _wait_until_sealed([entry.pk for entry in written], seconds=50 * DELAY)
    stop.set()
    _wait_for(lambda: bool(runs))
    assert runs[0].sealed == 3
    assert runs[0].failures == 0
    assert audit_chain_verify() == (3, None)


@pytest.mark.django_db(transaction=True)
def test_a_stopped_sealer_seals_what_waits_once_more(delayed, running_sealer):
    # given: a sealer that looks only once a minute, past its first look
    (first,) = _write("pertama")
    start, runs = running_sealer
    stop = start(interval=60)
    _wait_until_sealed([first.pk], seconds=10)
    (last,) = _write("terakhir")
    # when
    stop.set()
    _wait_for(lambda: bool(runs))
    # then
    assert not _unsealed([last.pk])
    assert (runs[0].rounds, runs[0].sealed) == (2, 2)
    assert audit_chain_verify() == (2, None)


@pytest.mark.django_db(transaction=True)
def test_the_sealer_takes_the_writes_of_many_threads(delayed, running_sealer):
    # given: writers on their own connections, each committing its own entries
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite's in-memory test database is shared between threads with table locks, "
            "so concurrent writers fail with 'database table is locked'; on SQLite writers "
            "are serialised anyway and the default delay there is 0"
        )
    start, _runs = running_sealer
    start()
    ids: list[int] = []
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            for round_ in range(5):
                with transaction.atomic():
                    ids.extend(entry.pk for entry in _write(f"w{number}-{round_}", 2))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(6)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    _wait_until_sealed(ids, seconds=10)
    assert audit_chain_verify() == (60, None)
    assert sorted(AuditEntry.objects.values_list("sequence", flat=True)) == list(range(1, 61))


@pytest.mark.django_db(transaction=True)
def test_an_entry_committed_late_is_sealed_in_the_next_batch_on_postgresql(settings):
    settings.AUDIT_SEAL_DELAY = 60
    if connection.vendor == "sqlite":
        pytest.skip(
            "on SQLite a write transaction excludes every other writer until it commits, so "
            "a lower id can never commit after a higher one is sealed (simulated above)"
        )
    # given: a transaction that wrote its entry (lower id) and has not committed yet
    written: list[AuditEntry] = []
    inserted, release = threading.Event(), threading.Event()

    def slow_request() -> None:
        try:
            with transaction.atomic():
                written.extend(_write("lambat"))
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    slow = threading.Thread(target=slow_request)
    slow.start()
    assert inserted.wait(10)
    (later,) = _write("cepat")  # committed at once (autocommit)
    # when: the sealer runs before and after the slow transaction commits
    assert audit_seal() == 1
    release.set()
    slow.join()
    assert audit_seal() == 1
    # then
    (early,) = written
    assert early.pk < later.pk
    sealed = dict(AuditEntry.objects.values_list("pk", "sequence"))
    assert (sealed[later.pk], sealed[early.pk]) == (1, 2)
    assert audit_chain_verify() == (2, None)


@pytest.mark.django_db(transaction=True)
def test_a_failing_seal_loses_no_write_and_is_tried_again(delayed, caplog):
    # given: the database refuses the first seal. The sealer's loop runs on this thread, its
    # second seal ending it: no other connection reads while it seals (on SQLite's shared
    # in-memory test database such a read could fail the seal with "database table is
    # locked" and count a second failure), so every round is the one this test drives.
    stop = threading.Event()
    # Per attempt: whether the write was there, unsealed, when the sealer tried.
    waiting_at_attempt: list[bool] = []

    def failing_once() -> SealReport:
        waiting_at_attempt.append(_unsealed([entry.pk]))
        if len(waiting_at_attempt) == 1:
            raise RuntimeError("database unavailable")
        stop.set()
        return audit_seal_pending()

    caplog.set_level(logging.ERROR, logger="benteng.audit.sealer")
    with transaction.atomic():
        (entry,) = _write("a")
    # when
    run = seal_until_stopped(stop, interval=lambda: DELAY, seal=failing_once)
    # then: the write is kept, unsealed, after the failed round; the failure is logged; the
    # next round seals it; the round after the stop finds nothing waiting
    assert waiting_at_attempt == [True, True]
    assert (run.rounds, run.failures, run.sealed) == (3, 1, 1)
    assert "sealing failed" in caplog.text
    assert not _unsealed([entry.pk])
    assert audit_chain_verify() == (1, None)


def _wait_for(condition: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not done within {seconds} s")
        time.sleep(0.01)


# --- the sealer process -------------------------------------------------------------------


def _start_sealer_process(delay: float) -> subprocess.Popen[str]:
    """``manage.py audit_seal --forever`` on the test database, as a deployment starts it."""
    database = connection.settings_dict
    url = (
        f"postgres://{quote(database['USER'] or '')}:{quote(database['PASSWORD'] or '')}"
        f"@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"
    )
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "sealer-process-test",
        # Production settings require the key: the one this test process keys entries with.
        "BENTENG_AUDIT_KEY": settings.BENTENG_AUDIT_KEY,
        "BENTENG_AUDIT_SEAL_DELAY": str(delay),
        "DEBUG": "",
    }
    process = subprocess.Popen(  # noqa: S603 - this interpreter and the project's manage.py
        [sys.executable, str(ROOT / "manage.py"), "audit_seal", "--forever"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    started = process.stdout.readline()
    assert started.startswith("Audit sealer started"), started + process.stderr.read()
    return process


def _stop(process: subprocess.Popen[str], signum: int) -> tuple[int, str, str]:
    process.send_signal(signum)
    out, err = process.communicate(timeout=30)
    return process.returncode, out, err


@pytest.fixture
def postgresql_only():  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip(
            "another process cannot open SQLite's in-memory test database; on SQLite the "
            "writers seal in their own transaction (delay 0) anyway"
        )


@pytest.mark.django_db(transaction=True)
def test_the_sealer_process_seals_entries_and_stops_on_sigterm(delayed, postgresql_only):
    # given
    process = _start_sealer_process(delay=DELAY)
    try:
        # when
        written = _write("a", 3) + _write("b", 2)
        # then
        _wait_until_sealed([entry.pk for entry in written], seconds=30)
    finally:
        code, out, err = _stop(process, signal.SIGTERM)
    assert code == 0, err
    assert "Audit sealer stopped: 5 entries sealed" in out
    assert "(0 failed)" in out
    assert audit_chain_verify() == (5, None)


@pytest.mark.django_db(transaction=True)
def test_the_sealer_process_seals_what_waits_when_interrupted(delayed, postgresql_only):
    # given: a process that looks only once a minute, past its first look
    (first,) = _write("pertama")
    process = _start_sealer_process(delay=60)
    try:
        _wait_until_sealed([first.pk], seconds=30)
        (last,) = _write("terakhir")
    finally:
        # when: Ctrl-C
        code, out, err = _stop(process, signal.SIGINT)
    # then: sealed on the way out
    assert code == 0, err
    assert "Audit sealer stopped: 2 entries sealed in 2 rounds (0 failed)." in out
    assert not _unsealed([last.pk])
    assert audit_chain_verify() == (2, None)
