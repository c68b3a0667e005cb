"""Shared facilities: a booking that overlaps an active booking of the same facility is
refused, with a clear message; the facility's row is locked while the clash is looked for, so
two offices booking the same hour at the same moment cannot both win."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from benteng.accounts.models import Role
from benteng.audit.models import AuditEntry
from benteng.cooperation import services
from benteng.cooperation.errors import CooperationInvalid, CooperationRefused
from benteng.cooperation.models import BookingState, FacilityBooking
from tests.cooperation.factories import at, booking_make, facility_make, officer

pytestmark = pytest.mark.django_db


def test_an_overlapping_booking_is_refused_with_the_clashing_office_and_time(personas):
    # given: Polda has the room 08:00-10:00 tomorrow
    room = facility_make()
    booking_make(facility=room, start=8, end=10)
    kanim = officer("kanim-tangerang", "imigrasi.uji")
    # when: Kanim Tangerang asks for 09:00-11:00
    with pytest.raises(CooperationInvalid) as refused:
        services.booking_create(
            viewer=kanim, facility=room, starts_at=at(1, 9), ends_at=at(1, 11), purpose="Wawancara"
        )
    # then
    message = " ".join(refused.value.errors["starts_at"])
    assert "Bentrok dengan pemesanan Kepolisian Daerah Banten" in message
    assert "08:00" in message and "10:00" in message
    assert FacilityBooking.objects.filter(facility=room).count() == 1


@pytest.mark.parametrize(
    ("start", "end", "clash"),
    [(6, 8, False), (10, 12, False), (7, 9, True), (9, 10, True), (7, 11, True), (8, 10, True)],
    ids=["ends-at-its-start", "starts-at-its-end", "over-its-start", "inside", "around", "same"],
)
def test_only_a_real_overlap_is_a_clash(personas, start, end, clash):
    room = facility_make()
    booking_make(facility=room, start=8, end=10)
    kanim = officer("kanim-tangerang", "imigrasi.uji")
    booking = {"viewer": kanim, "facility": room, "purpose": "Wawancara"}
    if clash:
        with pytest.raises(CooperationInvalid):
            services.booking_create(**booking, starts_at=at(1, start), ends_at=at(1, end))
    else:
        services.booking_create(**booking, starts_at=at(1, start), ends_at=at(1, end))
        assert FacilityBooking.objects.filter(facility=room).count() == 2


def test_another_facility_or_day_is_no_clash(personas):
    room = facility_make()
    other_room = facility_make(name="Ruang Wawancara 2")
    booking_make(facility=room, start=8, end=10)
    # when
    booking_make(facility=other_room, start=8, end=10)
    booking_make(facility=room, days=2, start=8, end=10)
    # then
    assert FacilityBooking.objects.count() == 3


def test_a_cancelled_booking_frees_its_period(personas):
    room = facility_make()
    polda = officer("polda-banten", "penyidik.uji", Role.PENYIDIK)
    first = booking_make(facility=room, viewer=polda)
    # when
    services.booking_cancel(viewer=polda, booking=first)
    again = booking_make(facility=room, viewer=officer("kanim-tangerang", "imigrasi.uji"))
    # then
    first.refresh_from_db()
    assert first.state == BookingState.CANCELLED and first.cancelled_at is not None
    assert again.state == BookingState.ACTIVE
    actions = set(
        AuditEntry.objects.filter(object_type="cooperation.facilitybooking").values_list(
            "action", flat=True
        )
    )
    assert actions >= {"create", "update"}


def test_an_inactive_facility_takes_no_booking(personas):
    room = facility_make()
    services.facility_update(
        viewer=officer("kanwil-imigrasi-banten", "pimpinan.uji", Role.PIMPINAN),
        facility=room,
        kind=room.kind,
        name=room.name,
        capacity=room.capacity,
        location=room.location,
        is_active=False,
    )
    with pytest.raises(CooperationInvalid) as refused:
        booking_make(facility=room)
    assert "tidak aktif" in refused.value.errors[None][0]


@pytest.mark.parametrize(
    ("start", "end", "days", "field", "message"),
    [
        (10, 8, 1, "ends_at", "harus sesudah waktu mulai"),
        (8, 10, -2, "ends_at", "sudah lewat"),
    ],
    ids=["ends-before-start", "in-the-past"],
)
def test_a_period_that_makes_no_sense_is_refused(personas, start, end, days, field, message):
    room = facility_make()
    with pytest.raises(CooperationInvalid) as refused:
        booking_make(facility=room, days=days, start=start, end=end)
    assert message in " ".join(refused.value.errors[field])


def test_a_village_role_or_an_administrator_books_nothing(personas):
    room = facility_make()
    for user in (personas.pimpasa, personas.bhabinkamtibmas, personas.admin):
        with pytest.raises(CooperationRefused):
            booking_make(facility=room, viewer=user.as_viewer())


def test_the_booking_takes_the_facility_lock_before_it_looks_for_a_clash(personas):
    # given
    room = facility_make()
    # when
    with CaptureQueriesContext(connection) as queries:
        booking_make(facility=room)
    statements = [query["sql"] for query in queries.captured_queries]
    # then: PostgreSQL locks the facility's row; SQLite holds the database's write lock from
    # the transaction's first statement (IMMEDIATE), which serialises bookings the same way
    lock = next(i for i, sql in enumerate(statements) if 'FROM "cooperation_facility"' in sql)
    clash = next(
        i
        for i, sql in enumerate(statements)
        if 'FROM "cooperation_facilitybooking"' in sql and "SELECT" in sql
    )
    assert lock < clash
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in statements[lock]
    else:
        assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db(transaction=True)
def test_two_offices_booking_the_same_hour_at_once_get_one_booking(reference_data):
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once need PostgreSQL (the test SQLite is in memory)")
    # given
    room = facility_make()
    bookers = [
        officer("polda-banten", "penyidik.uji", Role.PENYIDIK),
        officer("kanim-tangerang", "imigrasi.uji"),
    ]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def book(viewer) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            services.booking_create(
                viewer=viewer, facility=room, starts_at=at(1, 8), ends_at=at(1, 10), purpose="x"
            )
            outcomes.append("booked")
        except CooperationInvalid:
            outcomes.append("refused")
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=book, args=(viewer,)) for viewer in bookers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # then
    assert sorted(outcomes) == ["booked", "refused"]
    assert FacilityBooking.objects.filter(facility=room, state=BookingState.ACTIVE).count() == 1
