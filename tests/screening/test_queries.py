"""Each plain-SQL statement of the screening hot path returns what the ORM would, for several
readers: the watchlist entries through ``watchlist_entries_hit_visible_to(viewer)`` (the hit
rule), the earlier events and the group count through the plain ORM (they are read across
offices by design and leave only as projections or a count)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from benteng.screening import queries
from benteng.screening.cleaning import ApplicationInput, DepartureInput
from benteng.screening.models import (
    ApplicationDecision,
    ApplicationStatus,
    DepartureCheck,
    PassportApplication,
)
from benteng.screening.services import application_screen, departure_screen
from benteng.watchlists.models import WatchlistEntry
from benteng.watchlists.selectors import (
    watchlist_entries_for_hits,
    watchlist_entries_hit_visible_to,
)
from benteng.watchlists.services import watchlist_entry_remove
from tests.screening.test_services_support import applicant, police_entry, viewer_of

pytestmark = pytest.mark.django_db

READERS = ["petugas_imigrasi", "petugas_tpi", "penyidik", "analis_polri", "pic_desa", "admin"]
PHONES = ["6281311112222", "6281311113333", "6281311114444", "6281311115555"]


@pytest.fixture
def entries(personas):  # type: ignore[no-untyped-def]
    """Police entries: shared, owner-only, removed, expired, and an immigration one."""
    analyst = personas.analis_polri
    shared = police_entry(analyst, full_name="Haji Mamat Suryadi", phone="0813-1111-2222")
    owner_only = police_entry(
        analyst, full_name="Asep Saepudin", phone="0813-1111-3333", sharing_level="pemilik"
    )
    removed = police_entry(analyst, full_name="Ujang Sutisna", phone="0813-1111-4444")
    watchlist_entry_remove(viewer=viewer_of(analyst), entry=removed, reason="salah")
    expired = police_entry(analyst, full_name="Dadang Hermawan", phone="0813-1111-5555")
    WatchlistEntry.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    immigration = police_entry(
        personas.analis_imigrasi,
        code="imigrasi-deportasi",
        full_name="Haji Mamat Suryadi",
        phone="0813-1111-2222",
    )
    return [shared, owner_only, removed, expired, immigration]


def _police_hits_visible_to(viewer):  # type: ignore[no-untyped-def]
    return watchlist_entries_hit_visible_to(viewer).filter(watchlist__owner_agency__kind="polri")


@pytest.mark.parametrize("reader", READERS)
def test_police_entries_by_phone_are_the_orm_s(personas, entries, reader) -> None:  # type: ignore[no-untyped-def]
    viewer = viewer_of(getattr(personas, reader))
    today = timezone.localdate()
    # when
    found = queries.police_entries_by_phone(viewer, PHONES, today=today)
    # then
    expected = (
        _police_hits_visible_to(viewer)
        .in_force(on=today)
        .filter(phone__in=PHONES)
        .values_list("pk", "phone", "subject_type")
    )
    assert sorted(found) == sorted(expected)
    assert found, "every reader is told of the shared entry"


@pytest.mark.parametrize("reader", READERS)
def test_police_entry_names_are_the_orm_s(personas, entries, reader) -> None:  # type: ignore[no-untyped-def]
    viewer = viewer_of(getattr(personas, reader))
    ids = [entry.pk for entry in entries]
    # when
    found = queries.police_entry_names(viewer, ids)
    # then
    expected = _police_hits_visible_to(viewer).filter(pk__in=ids).values_list("pk", "full_name")
    assert found == dict(expected)


@pytest.mark.parametrize("reader", READERS)
def test_a_reader_who_may_see_none_of_the_entries_gets_nothing(personas, entries, reader) -> None:  # type: ignore[no-untyped-def]
    viewer = viewer_of(getattr(personas, reader))
    owner_only = entries[1]
    ids = [owner_only.pk]
    expected = _police_hits_visible_to(viewer).filter(pk__in=ids).values_list("pk", "full_name")
    assert queries.police_entry_names(viewer, ids) == dict(expected)
    assert (not expected) == (viewer.agency_kind != "polri")


def test_entries_for_hits_are_the_orm_s_not_removed(entries) -> None:  # type: ignore[no-untyped-def]
    # Not filtered by reader: each reader's hits are projected afterwards (outcome.hits_for).
    found = watchlist_entries_for_hits(entry_ids=[entry.pk for entry in entries])
    expected = WatchlistEntry.objects.filter(
        pk__in=[entry.pk for entry in entries], removed_at__isnull=True
    ).select_related("watchlist__owner_agency", "owner_office")
    assert sorted(found) == sorted(entry.pk for entry in expected)
    for entry in expected:
        loaded = found[entry.pk]
        assert (loaded.full_name, loaded.nik, loaded.expires_on) == (
            entry.full_name,
            entry.nik,
            entry.expires_on,
        )
        assert loaded.watchlist.owner_agency.kind == entry.watchlist.owner_agency.kind
        assert loaded.owner_office.name == entry.owner_office.name


@pytest.fixture
def records(personas, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Applications at two Kanims (one decided) naming sponsors, and a departure check."""
    with django_capture_on_commit_callbacks(execute=True):
        first = application_screen(
            viewer=viewer_of(personas.petugas_imigrasi),
            data=ApplicationInput.from_raw(
                applicant(sponsor_name="Haji Mamat", sponsor_phone="0813-1111-2222")
            ),
        )
        second = application_screen(
            viewer=viewer_of(personas.petugas_imigrasi_other),
            data=ApplicationInput.from_raw(
                applicant(
                    nik="3603071208950003",
                    full_name="Nur Aisyah",
                    birth_date="12-08-1995",
                    sponsor_name="H. Mamat",
                    sponsor_phone="0813-1111-2222",
                )
            ),
        )
        check = departure_screen(
            viewer=viewer_of(personas.petugas_tpi),
            data=DepartureInput.from_raw({"passport_no": "C7654321", "full_name": "Nur Aisyah"}),
        )
    assert first.application and second.application and check.departure_check
    ApplicationDecision.objects.create(
        application=first.application,
        outcome="tunda",
        reason="dokumen_kurang",
        decided_by=personas.petugas_imigrasi,
    )
    return first.application, second.application, check.departure_check


def test_event_applications_are_the_orm_s(records) -> None:  # type: ignore[no-untyped-def]
    ids = [record.pk for record in records[:2]]
    # when
    found = {pair[0].pk: pair for pair in queries.event_applications(ids)}
    # then
    expected = PassportApplication.objects.filter(pk__in=ids).select_related("office")
    assert sorted(found) == sorted(ids)
    for application in expected:
        loaded, latest = found[application.pk]
        assert (loaded.office_id, loaded.office.code, loaded.office.name) == (
            application.office_id,
            application.office.code,
            application.office.name,
        )
        assert (loaded.submitted_at, loaded.status, loaded.postponed_until) == (
            application.submitted_at,
            application.status,
            application.postponed_until,
        )
        decision = application.decisions.order_by("-decided_at", "-pk").first()
        if decision is None:
            assert latest is None
        else:
            assert latest is not None
            assert (latest.outcome, latest.reason) == (decision.outcome, decision.reason)
    assert queries.event_applications([]) == []


def test_event_checks_are_the_orm_s(records) -> None:  # type: ignore[no-untyped-def]
    check = records[2]
    [loaded] = queries.event_checks([check.pk, check.pk + 1000])
    expected = DepartureCheck.objects.select_related("office").get(pk=check.pk)
    assert (loaded.pk, loaded.office.code, loaded.checked_at, loaded.outcome) == (
        expected.pk,
        expected.office.code,
        expected.checked_at,
        expected.outcome,
    )


@pytest.mark.parametrize(
    ("sponsor_key", "sponsor_phone", "other_than_nik"),
    [
        ("named", "", ""),
        ("", "6281311112222", ""),
        ("named", "6281311112222", "3603075408960007"),
        ("tidak ada", "6280000000000", ""),
        ("", "", ""),
    ],
    ids=["by-name", "by-phone", "other-nik", "none", "nothing-named"],
)
def test_the_group_count_is_the_orm_s(records, sponsor_key, sponsor_phone, other_than_nik) -> None:  # type: ignore[no-untyped-def]
    since = timezone.now() - datetime.timedelta(days=14)
    first = records[0]
    if sponsor_key == "named":
        sponsor_key = first.sponsor_key  # the key as the service wrote it
    # when
    count = queries.same_sponsor_count(
        sponsor_key=sponsor_key,
        sponsor_phone=sponsor_phone,
        since=since,
        other_than_nik=other_than_nik,
    )
    # then
    named = Q(pk__in=[])
    if sponsor_key:
        named |= Q(sponsor_key=sponsor_key)
    if sponsor_phone:
        named |= Q(sponsor_phone=sponsor_phone)
    expected = PassportApplication.objects.filter(named, submitted_at__gte=since).exclude(
        status=ApplicationStatus.VOID
    )
    if other_than_nik:
        expected = expected.exclude(nik=other_than_nik)
    assert count == expected.count()
