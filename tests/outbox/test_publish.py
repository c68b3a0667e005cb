"""The outbox: an event exists exactly when its change does, and carries no personal data."""

from __future__ import annotations

import pytest
from django.db import transaction

from benteng.outbox.models import OutboxEvent
from benteng.outbox.services import (
    EventDataInvalid,
    OutboxOutsideTransaction,
    UnknownEventKind,
    publish,
)
from benteng.watchlists.events import ENTRY_CHANGED, ENTRY_CREATED
from benteng.watchlists.models import WatchlistEntry
from benteng.watchlists.services import watchlist_entry_remove
from tests.watchlists.conftest import make_entry, viewer_of

pytestmark = pytest.mark.django_db


def test_a_write_publishes_its_event_with_ids_and_states_only(personas, police_list):
    # when
    entry = make_entry(personas.penyidik, police_list)
    # then
    event = OutboxEvent.objects.get()
    assert (event.kind, event.object_type, event.object_id) == (
        ENTRY_CREATED,
        "watchlists.watchlistentry",
        str(entry.pk),
    )
    assert event.data == {
        "watchlist_id": police_list.pk,
        "change": "created",
        "state": "in_force",
    }
    assert event.fanned_out_at is None
    # and nothing of the person is in the row
    row = str(event.data) + event.object_id
    for value in (entry.full_name, entry.nik, entry.passport_no, entry.phone):
        assert value not in row


def test_the_event_is_rolled_back_with_the_change(personas, police_list):
    # given
    class Broken(Exception):
        pass

    # when: the change's transaction fails after the event was published
    with pytest.raises(Broken), transaction.atomic():
        make_entry(personas.penyidik, police_list)
        assert OutboxEvent.objects.count() == 1
        raise Broken
    # then: neither the entry nor its event is kept
    assert WatchlistEntry.objects.count() == 0
    assert OutboxEvent.objects.count() == 0


def test_each_change_publishes_one_more_event(personas, police_list):
    entry = make_entry(personas.penyidik, police_list)
    watchlist_entry_remove(viewer=viewer_of(personas.penyidik), entry=entry, reason="keliru")
    kinds = list(OutboxEvent.objects.order_by("id").values_list("kind", "data__change"))
    assert kinds == [(ENTRY_CREATED, "created"), (ENTRY_CHANGED, "removed")]


def test_publish_outside_a_transaction_is_refused(personas, police_list):
    # pytest-django wraps the test in a transaction: leave it to see autocommit
    connection = transaction.get_connection()
    atomic_before = connection.in_atomic_block
    connection.in_atomic_block = False
    try:
        with pytest.raises(OutboxOutsideTransaction):
            publish(ENTRY_CREATED, obj_type=WatchlistEntry, obj_id=1)
    finally:
        connection.in_atomic_block = atomic_before
    assert OutboxEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "data", "error"),
    [
        ("referral.unheard_of", {}, UnknownEventKind),
        (ENTRY_CREATED, {"note": "x" * 101}, EventDataInvalid),
        (ENTRY_CREATED, {"person": {"name": "Siti"}}, EventDataInvalid),
        (ENTRY_CREATED, {f"k{n}": "y" * 90 for n in range(30)}, EventDataInvalid),
    ],
    ids=["unknown-kind", "long-text", "nested-object", "too-large"],
)
def test_publish_refuses_what_is_not_a_small_event(kind, data, error):
    with pytest.raises(error), transaction.atomic():
        publish(kind, obj_type="watchlists.watchlistentry", obj_id=1, data=data)
    assert OutboxEvent.objects.count() == 0
