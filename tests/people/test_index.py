"""The Django-side screening index: what it holds, how changes reach it, and that the
in-process backend and the shared service answer alike."""

from __future__ import annotations

import datetime
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benteng.accounts.models import Agency, AgencyKind, Office
from benteng.core.records import IdentityRecord
from benteng.core.synthetic import generate_identities
from benteng.people import sources as sources_module
from benteng.people.client import InProcessBackend, SocketBackend
from benteng.people.index import index_source_record, screening_index, screening_index_reset
from benteng.people.service import ScreeningIndexServer, store_for_service
from benteng.people.sources import (
    EVENTS,
    IDENTITY_COLUMNS,
    WATCHLIST,
    ScreeningIndexError,
    ScreeningIndexUnavailable,
    SourceRef,
    source_of,
)
from benteng.people.store import IndexStore, StoreSettings
from benteng.people.wire import matches_from_wire, record_to_wire
from benteng.screening.identity_sources import APPLICATIONS
from benteng.screening.models import DepartureCheck, PassportApplication
from benteng.watchlists.identity_sources import WATCHLIST_ENTRIES
from benteng.watchlists.models import (
    SharingLevel,
    SubjectType,
    Watchlist,
    WatchlistEntry,
    WatchlistKind,
)

_references = count(1)


@pytest.fixture(autouse=True)
def fresh_index() -> Iterator[None]:
    screening_index_reset()
    yield
    screening_index_reset()


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    # Unix socket paths are limited to ~100 bytes: pytest's tmp_path can be longer.
    directory = Path(tempfile.mkdtemp(prefix="bix", dir="/tmp"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def watchlist(reference_data) -> Watchlist:  # type: ignore[no-untyped-def]
    office = Office.objects.get(code="polda-banten")
    return Watchlist.objects.create(
        code="perekrut-polda",
        name="Terduga perekrut",
        kind=WatchlistKind.PEREKRUT,
        owner_agency=Agency.objects.get(kind=AgencyKind.POLRI),
        owner_office=office,
    )


def _identity(record: IdentityRecord) -> dict[str, object]:
    return {
        "full_name": record.name,
        "birth_date": record.birth_date,
        "sex": record.sex or "",
        "nik": record.nik or "",
        "birth_place": record.birth_place or "",
        "passport_no": record.passport_no or "",
        "address": record.address or "",
        "phone": record.phone or "",
    }


def make_entry(watchlist: Watchlist, record: IdentityRecord, **fields: object) -> WatchlistEntry:
    """An entry written through the ORM only: no hook is called."""
    values: dict[str, object] = {
        "watchlist": watchlist,
        "owner_office": watchlist.owner_office,
        "category": "perekrut",
        "legal_basis": "UU 21/2007",
        "instruction": "Tunda dan hubungi piket Ditreskrimum.",
        **_identity(record),
    }
    values.update(fields)
    return WatchlistEntry.objects.create(**values)


def make_application(record: IdentityRecord) -> PassportApplication:
    return PassportApplication.objects.create(
        reference=f"APP-{next(_references)}",
        office=Office.objects.get(code="kanim-tangerang"),
        purpose="wisata",
        destination_country="MY",
        **_identity(record),
    )


def make_check(record: IdentityRecord) -> DepartureCheck:
    return DepartureCheck.objects.create(
        reference=f"DEP-{next(_references)}",
        office=Office.objects.get(code="tpi-bandara-soekarno-hatta"),
        **_identity(record),
    )


def person(name: str, **fields: object) -> IdentityRecord:
    values: dict[str, object] = {
        "id": "query",
        "name": name,
        "birth_date": datetime.date(1990, 4, 12),
        "sex": "P",
    }
    values.update(fields)
    return IdentityRecord(**values)  # type: ignore[arg-type]


def found_ids(candidates: list) -> set[SourceRef]:  # type: ignore[type-arg]
    return {candidate.ref for candidate in candidates}


def ref(instance: models.Model) -> SourceRef:
    return source_of(instance).ref(instance.pk)


def key(instance: models.Model) -> str:
    """The row's key inside the index (the store's own business)."""
    return source_of(instance).key(instance.pk)


def eventually(check: Callable[[], bool], *, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def _read_uncommitted() -> None:
    """Tests share one in-memory SQLite database between threads (shared cache), where a
    reader's table lock makes a concurrent writer fail at once instead of waiting; reading
    without those locks keeps the sync thread out of the test's way."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


class Service:
    """The index service in a thread of the test process, on a temporary socket."""

    def __init__(self, socket_path: str, store: IndexStore) -> None:
        self.server = ScreeningIndexServer(socket_path, store)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.server.start_sync(prepare=_read_uncommitted)

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=5)


@pytest.fixture
def start_backend(socket_dir, settings):  # type: ignore[no-untyped-def]
    """``start_backend(kind, refresh_seconds, reconcile_seconds)`` -> the backend, built now."""
    services: list[Service] = []

    def start(kind: str, *, refresh: float = 3600.0, reconcile: float = 3600.0):  # type: ignore[no-untyped-def]
        settings.SCREENING_INDEX_REFRESH_MS = int(refresh * 1000)
        settings.SCREENING_INDEX_RECONCILE_SECONDS = reconcile
        if kind == "in_process":
            settings.SCREENING_INDEX_SOCKET = ""
            backend = screening_index()
            assert isinstance(backend, InProcessBackend)
            backend.store()
            return backend
        path = str(socket_dir / "index.sock")
        store = IndexStore.from_database(
            store_settings=StoreSettings(refresh_seconds=refresh, reconcile_seconds=reconcile)
        )
        services.append(Service(path, store))
        settings.SCREENING_INDEX_SOCKET = path
        backend = screening_index()
        assert isinstance(backend, SocketBackend)
        return backend

    yield start
    for service in services:
        service.stop()


BACKENDS = pytest.mark.parametrize("kind", ["in_process", "service"])


# -- What the index holds ----------------------------------------------------------------------


def test_record_from_row_is_the_models_identity_record(watchlist) -> None:  # type: ignore[no-untyped-def]
    # given
    entry = make_entry(
        watchlist,
        person("Siti Nurhayati", nik="3603074512900001", phone="6281234567890"),
        birth_place="Tangerang",
    )
    # when
    row = WatchlistEntry.objects.filter(pk=entry.pk).values_list(*IDENTITY_COLUMNS).get()
    # then
    assert WATCHLIST_ENTRIES.record_from_row(row) == entry.identity_record(record_id=key(entry))


def test_watchlist_part_holds_persons_in_force(watchlist) -> None:  # type: ignore[no-untyped-def]
    # given
    today = timezone.localdate()
    in_force = make_entry(watchlist, person("Siti Nurhayati"))
    until_today = make_entry(watchlist, person("Wartini Suryani"), expires_on=today)
    expired = make_entry(
        watchlist, person("Euis Komariah"), expires_on=today - datetime.timedelta(days=1)
    )
    removed = make_entry(watchlist, person("Lilis Handayani"), removed_at=timezone.now())
    company = make_entry(watchlist, person("Yuyun Lestari"), subject_type=SubjectType.COMPANY)
    owner_only = make_entry(
        watchlist, person("Neneng Maryani"), sharing_level=SharingLevel.OWNER_ONLY
    )
    # when
    store = IndexStore.from_database()
    # then
    indexed = set(store.parts[WATCHLIST].entry_ids())
    assert indexed == {key(in_force), key(until_today), key(owner_only)}
    assert store.owner_only == {key(owner_only): AgencyKind.POLRI}
    for excluded in (expired, removed, company, owner_only):
        hits = store.search(WATCHLIST, person(excluded.full_name), top=5, threshold=None)
        assert ref(excluded) not in found_ids(hits)


# -- Entries shared with the owner agency only -------------------------------------------------


@BACKENDS
@pytest.mark.django_db(transaction=True)
def test_owner_only_entries_are_found_by_the_owner_agency_alone(
    kind, watchlist, start_backend
) -> None:  # type: ignore[no-untyped-def]
    # given a police entry shared with the police only, indexed by its hook, and one that was
    # in the index when it was built
    backend = start_backend(kind)
    siti = person("Siti Nurhayati", nik="3603075204900003")
    hooked = make_entry(watchlist, siti, sharing_level=SharingLevel.OWNER_ONLY)
    index_source_record(hooked)
    # when a police reader and an immigration reader search for her
    police = backend.search_watchlist(siti, threshold=0.5, reader_agency=AgencyKind.POLRI)
    immigration = backend.search_watchlist(siti, threshold=0.5, reader_agency=AgencyKind.IMIGRASI)
    nobody = backend.search_watchlist(siti, threshold=0.5)
    hits, _events = backend.search_person(
        siti,
        reader_agency=AgencyKind.IMIGRASI,
        watchlist_top=10,
        events_top=20,
        threshold=0.5,
    )
    # then only the police find it
    assert found_ids(police) == {ref(hooked)}
    assert immigration == nobody == hits == []

    # when the police share it as a hit
    hooked.sharing_level = SharingLevel.HIT
    hooked.save()
    index_source_record(hooked)
    # then every agency finds it
    assert found_ids(
        backend.search_watchlist(siti, threshold=0.5, reader_agency=AgencyKind.IMIGRASI)
    ) == {ref(hooked)}


def test_owner_only_entries_of_other_agencies_never_crowd_out_a_shared_one(watchlist) -> None:  # type: ignore[no-untyped-def]
    # given eleven police entries shared with the police only, each a closer match to the
    # query than the one entry shared as a hit
    query = person("Siti Nurhayati", nik="3603075204900003", passport_no="C1234567")
    near = [
        make_entry(
            watchlist,
            person("Siti Nurhayati", nik="3603075204900003", passport_no=f"C12345{number:02d}"),
            sharing_level=SharingLevel.OWNER_ONLY,
        )
        for number in range(11)
    ]
    shared = make_entry(watchlist, person("Siti Nurhayati", birth_date=None))
    store = IndexStore.from_database()
    police = store.search(WATCHLIST, query, top=10, threshold=None, reader_agency=AgencyKind.POLRI)
    assert ref(shared) not in found_ids(police)  # the police's own entries fill their top 10
    assert found_ids(police) <= {ref(entry) for entry in near}
    # when an immigration reader asks for the top 10
    immigration = store.search(
        WATCHLIST, query, top=10, threshold=None, reader_agency=AgencyKind.IMIGRASI
    )
    # then the shared entry is there and none of the police's own
    assert found_ids(immigration) == {ref(shared)}


def test_events_part_holds_applications_and_departure_checks(reference_data) -> None:  # type: ignore[no-untyped-def]
    # given
    application = make_application(person("Nur Hayati", passport_no="C1234567"))
    check = make_check(person("Nurhayati", passport_no="C1234567"))
    # when
    store = IndexStore.from_database()
    hits = store.search(EVENTS, person("Nur Hayati", passport_no="C1234567"), top=5, threshold=0.5)
    # then
    assert store.sizes() == {WATCHLIST: 0, EVENTS: 2}
    assert found_ids(hits) == {ref(application), ref(check)}
    assert all(hit.score > 0.9 for hit in hits)


# -- Both backends alike -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_backends_give_the_same_results(watchlist, start_backend) -> None:  # type: ignore[no-untyped-def]
    # given 60 synthetic people on the watchlist, 30 earlier applications, 10 departure checks
    canonical, variants, truth = generate_identities(100, seed=11)
    entries = [make_entry(watchlist, record) for record in canonical[:60]]
    applications = [make_application(record) for record in canonical[60:90]]
    checks = [make_check(record) for record in canonical[90:]]
    queries = variants[:40]
    local = start_backend("in_process")
    remote = start_backend("service")
    # when
    local_answers = [
        (local.search_watchlist(query, top=5), local.search_events(query, top=5, threshold=0.3))
        for query in queries
    ]
    remote_answers = [
        (remote.search_watchlist(query, top=5), remote.search_events(query, top=5, threshold=0.3))
        for query in queries
    ]
    # then the same candidates, scores and explanations
    for (local_watch, local_events), (remote_watch, remote_events) in zip(
        local_answers, remote_answers, strict=True
    ):
        for mine, theirs in ((local_watch, remote_watch), (local_events, remote_events)):
            assert [c.ref for c in mine] == [c.ref for c in theirs]
            assert [c.score for c in mine] == pytest.approx([c.score for c in theirs])
            assert [c.comparison.reasons(language="en") for c in mine] == [
                c.comparison.reasons(language="en") for c in theirs
            ]
    # and the people who are there are found
    ids_by_canonical = {
        record.id: ref(item)
        for record, item in zip(canonical, [*entries, *applications, *checks], strict=True)
    }
    found = 0
    for query, (watch, events) in zip(queries, local_answers, strict=True):
        expected = ids_by_canonical[truth[query.id]]
        found += expected in found_ids(watch) | found_ids(events)
    assert found >= 0.8 * len(queries)


# -- Changes reach the index -------------------------------------------------------------------


@BACKENDS
@pytest.mark.django_db(transaction=True)
def test_hooks_apply_changes_at_once(kind, watchlist, start_backend) -> None:  # type: ignore[no-untyped-def]
    # given a backend that would not read the database's changes for an hour
    backend = start_backend(kind)
    query = person("Siti Nurhayati", nik="3603075204900003")
    assert backend.search_watchlist(query, threshold=0.5) == []
    # when an entry is created and its hook called
    entry = make_entry(watchlist, query)
    index_source_record(entry)
    # then it is found at once
    assert found_ids(backend.search_watchlist(query, threshold=0.5)) == {ref(entry)}

    # when its identity is corrected
    entry.full_name = "Wartini Suryani"
    entry.nik = "3603075506880004"
    entry.birth_date = datetime.date(1988, 6, 15)
    entry.updated_at = timezone.now()
    entry.save()
    index_source_record(entry)
    # then the new identity is found and the old one no longer
    corrected = person("Wartini Suryani", nik="3603075506880004", birth_date=entry.birth_date)
    assert found_ids(backend.search_watchlist(corrected, threshold=0.5)) == {ref(entry)}
    assert backend.search_watchlist(query, threshold=0.5) == []

    # when it expires
    entry.expires_on = timezone.localdate() - datetime.timedelta(days=1)
    entry.save()
    index_source_record(entry)
    # then it is no longer found
    assert backend.search_watchlist(corrected, threshold=0.5) == []

    # when another entry is removed
    other = make_entry(watchlist, person("Euis Komariah"))
    index_source_record(other)
    assert found_ids(backend.search_watchlist(person("Euis Komariah"), threshold=0.5)) == {
        ref(other)
    }
    other.removed_at = timezone.now()
    other.save()
    index_source_record(other)
    assert backend.search_watchlist(person("Euis Komariah"), threshold=0.5) == []

    # when an application and a departure check are recorded
    traveller = person("Nur Hayati", passport_no="C7654321")
    application = make_application(traveller)
    index_source_record(application)
    check = make_check(traveller)
    index_source_record(check)
    # then both are earlier events at once
    events = backend.search_events(traveller, threshold=0.5)
    assert found_ids(events) == {ref(application), ref(check)}


def test_hooks_wait_for_the_commit(watchlist, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    # given a built in-process index, inside a transaction (the test's)
    backend = screening_index()
    assert isinstance(backend, InProcessBackend)
    store = backend.store()
    query = person("Siti Nurhayati")
    # when the hook is called before the commit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry = make_entry(watchlist, query)
        index_source_record(entry)
    # then nothing is indexed until the callbacks run at commit
    assert key(entry) not in store.parts[WATCHLIST]
    for callback in callbacks:
        callback()
    assert key(entry) in store.parts[WATCHLIST]


@BACKENDS
@pytest.mark.django_db(transaction=True)
def test_changes_written_elsewhere_arrive_after_the_refresh_interval(
    kind, watchlist, start_backend
) -> None:  # type: ignore[no-untyped-def]
    # given a backend refreshing every 50 ms, reconciling every 200 ms; every write below goes
    # through the ORM only, as another process would, without calling a hook
    backend = start_backend(kind, refresh=0.05, reconcile=0.2)
    siti = person("Siti Nurhayati", nik="3603075204900003")

    def watch(query: IdentityRecord) -> set[str]:
        return found_ids(backend.search_watchlist(query, threshold=0.5))

    # created
    entry = make_entry(watchlist, siti)
    assert eventually(lambda: watch(siti) == {ref(entry)})
    # updated
    WatchlistEntry.objects.filter(pk=entry.pk).update(
        full_name="Siti Nurhayati Binti Karta", passport_no="B9876543", updated_at=timezone.now()
    )
    with_passport = person("Siti Nurhayati", passport_no="B9876543")
    assert eventually(
        lambda: any(
            hit.ref == ref(entry) and hit.score > 0.99
            for hit in backend.search_watchlist(with_passport, threshold=0.5)
        )
    )
    # expired
    WatchlistEntry.objects.filter(pk=entry.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1), updated_at=timezone.now()
    )
    assert eventually(lambda: watch(siti) == set())
    # removed
    euis = person("Euis Komariah")
    other = make_entry(watchlist, euis)
    assert eventually(lambda: watch(euis) == {ref(other)})
    WatchlistEntry.objects.filter(pk=other.pk).update(
        removed_at=timezone.now(), updated_at=timezone.now()
    )
    assert eventually(lambda: watch(euis) == set())
    # deleted outright (found by the reconciliation)
    lilis = person("Lilis Handayani")
    deleted = make_entry(watchlist, lilis)
    assert eventually(lambda: watch(lilis) == {ref(deleted)})
    WatchlistEntry.objects.filter(pk=deleted.pk).delete()
    assert eventually(lambda: watch(lilis) == set())
    # events
    traveller = person("Nur Hayati", passport_no="C7654321")
    application = make_application(traveller)
    check = make_check(traveller)
    assert eventually(
        lambda: (
            found_ids(backend.search_events(traveller, threshold=0.5))
            == {ref(application), ref(check)}
        )
    )


@pytest.mark.django_db(transaction=True)
def test_writes_committed_out_of_order_are_not_missed(watchlist, settings) -> None:  # type: ignore[no-untyped-def]
    # given an index that has read up to now
    settings.SCREENING_INDEX_REFRESH_MS = 0
    store = IndexStore.from_database()
    first = make_entry(watchlist, person("Siti Nurhayati"))
    second = make_entry(watchlist, person("Euis Komariah"))
    # when the later row is seen first (the earlier one's transaction still open)
    hidden = WatchlistEntry.objects.filter(pk=first.pk)
    row = hidden.values().get()
    hidden.delete()
    store.refresh(reconcile=False)
    assert key(second) in store.parts[WATCHLIST]
    assert store.states[WATCHLIST_ENTRIES.label].is_pending(first.pk)
    WatchlistEntry.objects.create(**row)
    store.refresh(reconcile=False)
    # then the earlier one is picked up by the retry of skipped ids
    assert key(first) in store.parts[WATCHLIST]
    assert not store.states[WATCHLIST_ENTRIES.label].is_pending(first.pk)


@pytest.mark.django_db(transaction=True)
def test_a_long_run_of_skipped_ids_is_one_gap_and_late_rows_in_it_are_found(
    watchlist, settings
) -> None:  # type: ignore[no-untyped-def]
    # given an index that has read up to now, and a row 3,000 ids further on (the ids in
    # between taken by transactions still open, rolled back, or another process)
    settings.SCREENING_INDEX_REFRESH_MS = 0
    store = IndexStore.from_database()
    first = make_entry(watchlist, person("Siti Nurhayati"))
    store.refresh(reconcile=False)
    far = make_entry(watchlist, person("Euis Komariah"), id=first.pk + 3000)
    store.refresh(reconcile=False)
    state = store.states[WATCHLIST_ENTRIES.label]
    assert key(far) in store.parts[WATCHLIST]
    assert state.pending[first.pk + 1][0] == first.pk + 2999
    # when a row inside the gap commits late
    late = make_entry(watchlist, person("Neneng Hasanah"), id=first.pk + 1500)
    store.refresh(reconcile=False)
    # then it is indexed and the gap splits around it
    assert key(late) in store.parts[WATCHLIST]
    assert not state.is_pending(late.pk)
    assert state.is_pending(first.pk + 1) and state.is_pending(first.pk + 2999)
    assert state.pending[first.pk + 1][0] == first.pk + 1499
    assert state.pending[first.pk + 1501][0] == first.pk + 2999


def test_entries_leave_the_index_when_they_expire_at_midnight(watchlist, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # given an entry in force until today
    today = timezone.localdate()
    entry = make_entry(watchlist, person("Siti Nurhayati"), expires_on=today)
    store = IndexStore.from_database()
    assert key(entry) in store.parts[WATCHLIST]
    # when the day passes, with no write at all
    monkeypatch.setattr(timezone, "localdate", lambda *args: today + datetime.timedelta(days=1))
    report = store.refresh()
    # then
    assert key(entry) not in store.parts[WATCHLIST]
    assert report.removed == 1


def test_snapshot_is_loaded_and_brought_up_to_date(watchlist, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # given a snapshot of the index
    kept = make_entry(watchlist, person("Siti Nurhayati"))
    dropped = make_entry(watchlist, person("Euis Komariah"))
    make_application(person("Nur Hayati"))
    IndexStore.from_database().save_snapshot(tmp_path)
    # when the database changes before the service starts again
    added = make_entry(watchlist, person("Lilis Handayani"))
    WatchlistEntry.objects.filter(pk=dropped.pk).update(
        removed_at=timezone.now(), updated_at=timezone.now()
    )
    store = store_for_service(snapshot_directory=tmp_path)
    # then it starts from the snapshot with the changes applied
    assert store.origin == "snapshot"
    assert set(store.parts[WATCHLIST].entry_ids()) == {key(kept), key(added)}
    assert store.sizes()[EVENTS] == 1
    # and a snapshot too old is ignored
    stale = store_for_service(snapshot_directory=tmp_path, snapshot_max_age=0)
    assert stale.origin == "database"


# -- The service and its failures --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_service_answers_many_clients_at_once(watchlist, start_backend) -> None:  # type: ignore[no-untyped-def]
    # given
    canonical, variants, _truth = generate_identities(30, seed=5)
    for record in canonical:
        make_entry(watchlist, record)
    backend = start_backend("service")
    expected = [found_ids(backend.search_watchlist(query, top=3)) for query in variants]
    answers: dict[int, list[set[str]]] = {}
    errors: list[BaseException] = []

    # when eight threads, each with its own connection, search at the same time
    def client(number: int) -> None:
        try:
            answers[number] = [
                found_ids(backend.search_watchlist(query, top=3)) for query in variants
            ]
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=client, args=(number,)) for number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # then
    assert errors == []
    assert all(answer == expected for answer in answers.values())
    status = backend.status()
    assert status["sizes"] == {WATCHLIST: 30, EVENTS: 0}
    assert status["memory"]["rss"] > 0


def test_a_service_that_is_down_gives_a_clear_error(socket_dir) -> None:
    # given no service at the path
    backend = SocketBackend(str(socket_dir / "missing.sock"))
    # when / then
    with pytest.raises(ScreeningIndexUnavailable) as error:
        backend.search_watchlist(person("Siti Nurhayati"))
    assert "is not answering" in str(error.value)
    assert "screening_index_serve --socket" in str(error.value)


@pytest.mark.django_db(transaction=True)
def test_client_reconnects_after_the_service_restarts(watchlist, socket_dir) -> None:  # type: ignore[no-untyped-def]
    # given a client that has talked to a service
    entry = make_entry(watchlist, person("Siti Nurhayati"))
    path = str(socket_dir / "index.sock")
    service = Service(path, IndexStore.from_database())
    backend = SocketBackend(path)
    assert found_ids(backend.search_watchlist(person("Siti Nurhayati"))) == {ref(entry)}
    # when the service stops
    service.stop()
    # then the next call says so
    with pytest.raises(ScreeningIndexUnavailable):
        backend.search_watchlist(person("Siti Nurhayati"))
    # and when it is back, the same client works again
    service = Service(path, IndexStore.from_database())
    try:
        assert found_ids(backend.search_watchlist(person("Siti Nurhayati"))) == {ref(entry)}
    finally:
        service.stop()


@pytest.mark.django_db(transaction=True)
def test_service_refuses_bad_requests_and_a_second_service(reference_data, socket_dir) -> None:  # type: ignore[no-untyped-def]
    # given
    path = str(socket_dir / "index.sock")
    service = Service(path, IndexStore.from_database())
    backend = SocketBackend(path)
    try:
        # when / then: a bad id, an unknown part, an unknown operation
        with pytest.raises(ScreeningIndexError, match="not the key of a registered"):
            backend.call("remove", "x12")
        with pytest.raises(ScreeningIndexError, match="Unknown index part"):
            backend.call("search", "people", record_to_wire(person("Siti")), 10, None, None)
        with pytest.raises(ScreeningIndexError, match="Unknown operation"):
            backend.call("drop_everything")
        with pytest.raises(ScreeningIndexError, match="record must be a tuple"):
            backend.call("upsert", {"id": "w1"}, None)
        with pytest.raises(ScreeningIndexError, match="malformed request"):
            backend.call("search_person", record_to_wire(person("Siti")))
        # the connection still works after refusals
        assert backend.status()["sizes"] == {WATCHLIST: 0, EVENTS: 0}
        # a second service on the same socket is refused
        with pytest.raises(ScreeningIndexError, match="already answering"):
            ScreeningIndexServer(path, IndexStore())
    finally:
        service.stop()
    assert not os.path.exists(path)


@pytest.mark.django_db(transaction=True)
def test_hook_failure_does_not_fail_the_committed_write(
    watchlist, socket_dir, settings, caplog
) -> None:  # type: ignore[no-untyped-def]
    # given the service configured but not running
    settings.SCREENING_INDEX_SOCKET = str(socket_dir / "down.sock")
    entry = make_entry(watchlist, person("Siti Nurhayati"))
    # when the hook runs after the commit
    with caplog.at_level(logging.ERROR):
        index_source_record(entry)
    # then the write stands and the failure is logged (the refresh brings it in later)
    assert WatchlistEntry.objects.filter(pk=entry.pk).exists()
    assert "is not answering" in caplog.text


def test_first_refresh_after_a_build_does_not_reapply_fresh_rows(watchlist) -> None:  # type: ignore[no-untyped-def]
    # given entries written a moment ago (a bulk import) and an index built right after
    for name in ("Siti Nurhayati", "Euis Komariah", "Lilis Handayani"):
        make_entry(watchlist, person(name), updated_at=timezone.now())
    store = IndexStore.from_database()
    # when it first reads the database's changes
    report = store.refresh(reconcile=True)
    # then nothing is applied twice, and the counts agree
    assert (report.upserted, report.removed) == (0, 0)
    assert store.sizes()[WATCHLIST] == 3


def test_events_a_hook_indexed_are_not_read_whole_again(watchlist, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # given an index that has read up to now, an application indexed by its hook (a screening
    # indexes its own record) and two written elsewhere; ids read one per query here
    monkeypatch.setattr(sources_module, "ID_BATCH", 1)
    settings.SCREENING_INDEX_REFRESH_MS = 0
    store = IndexStore.from_database()
    hooked = make_application(person("Siti Nurhayati", passport_no="C1111111"))
    store.upsert(APPLICATIONS.record_of(hooked))
    elsewhere = [
        make_application(person("Euis Komariah", passport_no="C2222222")),
        make_application(person("Lilis Handayani", passport_no="C3333333")),
    ]
    # when
    with CaptureQueriesContext(connection) as captured:
        report = store.refresh(reconcile=False)
    # then only the other two are read whole and applied; all three count as seen
    assert report.upserted == 2
    assert {key(item) for item in elsewhere} <= set(store.parts[EVENTS].entry_ids())
    # (rows read whole by id; the query for rows changed since, by their stamp, finds none)
    whole = [
        query["sql"]
        for query in captured.captured_queries
        if "screening_passportapplication" in query["sql"]
        and '"full_name"' in query["sql"]
        and '"id" IN (' in query["sql"]
    ]
    assert [f"IN ({item.pk})" in sql for item, sql in zip(elsewhere, whole, strict=True)] == [
        True,
        True,
    ]
    assert store.states[APPLICATIONS.label].max_pk == elsewhere[-1].pk


@pytest.mark.django_db(transaction=True)
def test_service_never_waits_for_a_busy_store(reference_data, socket_dir) -> None:  # type: ignore[no-untyped-def]
    # given a service whose store is busy (the sync thread compacting or saving a snapshot)
    path = str(socket_dir / "index.sock")
    store = IndexStore.from_database()
    service = Service(path, store)
    backend = SocketBackend(path, timeout=2)
    query = person("Siti Nurhayati", passport_no="C1234567")
    try:
        with HeldLock(store.write_lock):
            # when a change arrives, it is accepted at once and searches still answer
            backend.upsert(IdentityRecord(id="a7", name="Siti Nurhayati", passport_no="C1234567"))
            assert backend.search_events(query, threshold=0.5) == []
            assert backend.status()["deferred_changes"] == 1
        # then it is applied as soon as the store is free
        assert eventually(
            lambda: found_ids(backend.search_events(query, threshold=0.5)) == {APPLICATIONS.ref(7)}
        )
        assert backend.status()["deferred_changes"] == 0
    finally:
        service.stop()


class HeldLock:
    """Hold a lock from another thread (the store's lock is re-entrant for its owner)."""

    def __init__(self, lock) -> None:  # type: ignore[no-untyped-def]
        self.lock = lock
        self.taken = threading.Event()
        self.release = threading.Event()

    def _hold(self) -> None:
        with self.lock:
            self.taken.set()
            self.release.wait(10)

    def __enter__(self) -> None:
        threading.Thread(target=self._hold, daemon=True).start()
        self.taken.wait(5)

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()


def test_only_a_lasting_difference_makes_the_reconciliation_compare_ids(watchlist) -> None:  # type: ignore[no-untyped-def]
    # given an index of two entries
    kept = make_entry(watchlist, person("Siti Nurhayati"))
    gone = make_entry(watchlist, person("Euis Komariah"))
    store = IndexStore.from_database()
    # when an entry is deleted outright (no hook, no stamp): the first check only notes it
    WatchlistEntry.objects.filter(pk=gone.pk).delete()
    first = store.refresh(reconcile=False)
    store._reconcile(timezone.localdate(), first, force=False)
    assert key(gone) in store.parts[WATCHLIST]
    # writes in flight change the difference: still no comparison of the ids
    extra = make_entry(watchlist, person("Lilis Handayani"))
    store._reconcile(timezone.localdate(), first, force=False)
    assert key(gone) in store.parts[WATCHLIST]
    store.refresh(reconcile=False)  # the new row arrives; the deleted one is still missed
    # then the same difference twice in a row is compared, and the deleted entry leaves
    report = store.refresh(reconcile=False)
    store._reconcile(timezone.localdate(), report, force=False)
    store._reconcile(timezone.localdate(), report, force=False)
    assert key(gone) not in store.parts[WATCHLIST]
    assert {key(kept), key(extra)} <= set(store.parts[WATCHLIST].entry_ids())


def test_settling_memory_freezes_what_survived_and_collects_the_rest() -> None:
    import gc
    import weakref

    from benteng.people.service import settle_memory

    class Node:
        partner: object = None

    kept = [Node() for _ in range(100)]
    garbage = Node()
    garbage.partner = Node()
    garbage.partner.partner = garbage  # a cycle only the collector can free
    gone = weakref.ref(garbage)
    del garbage
    frozen_before = gc.get_freeze_count()
    try:
        settle_memory()
        assert gone() is None  # collected, not frozen
        assert gc.get_freeze_count() >= frozen_before + len(kept)
        assert not any(item is kept[0] for item in gc.get_objects())  # frozen: never walked
    finally:
        gc.unfreeze()


def test_the_service_prepares_a_screened_record_once_for_both_searches(  # type: ignore[no-untyped-def]
    socket_dir, monkeypatch
) -> None:
    # given a service whose watchlist holds Siti, and a screening's record
    import benteng.core.index as core_index
    import benteng.people.store as store_module
    from benteng.core.compare import prepare_identity

    store = IndexStore()
    store.upsert(person("Siti Nurhayati", id="w1", passport_no="C1234567"))
    server = ScreeningIndexServer(str(socket_dir / "index.sock"), store)
    record = person("Siti Nur Hayati", id="new", passport_no="C1234567", phone="6281234567890")
    prepared: list[str] = []

    def counted(record: IdentityRecord) -> object:
        prepared.append(record.id)
        return prepare_identity(record)

    monkeypatch.setattr(core_index, "prepare_identity", counted)
    monkeypatch.setattr(store_module, "prepare_identity", counted)
    try:
        # when
        hits, _events = server.answer(("search_person", record_to_wire(record), 10, 20, 0.5, None))
    finally:
        server.stop()
    # then the record was prepared once for the two searches
    assert prepared == ["new"]
    assert [match.ref for match in matches_from_wire(hits)] == [WATCHLIST_ENTRIES.ref(1)]


def test_search_person_is_both_searches(watchlist) -> None:  # type: ignore[no-untyped-def]
    # given
    for name in ("Siti Nurhayati", "Siti Nur Hayati", "Euis Komariah"):
        make_entry(watchlist, person(name))
    store = IndexStore.from_database()
    store.upsert(person("Siti Nurhayati", id="a9"))
    query = person("Siti Nurhayati")
    # when
    hits, events = store.search_person(query, watchlist_top=10, events_top=20, threshold=0.5)
    # then
    assert hits == store.search(WATCHLIST, query, top=10, threshold=0.5)
    assert events == store.search(EVENTS, query, top=20, threshold=0.5)
    assert len(hits) == 2
    assert found_ids(events) == {APPLICATIONS.ref(9)}
