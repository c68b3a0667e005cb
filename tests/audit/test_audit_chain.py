from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from benteng.access import Viewer
from benteng.audit.models import AuditEntry
from benteng.audit.services import (
    Actor,
    AuditItem,
    audit_chain_verify,
    audit_record,
    audit_record_many,
    audit_record_read,
    audit_record_write,
)

pytestmark = pytest.mark.django_db


def _append(count: int) -> list[AuditEntry]:
    return [
        audit_record(
            actor=Actor(user_id=None, label=f"petugas{i}", role="petugas_imigrasi"),
            action="read",
            object_type="accounts.user",
            object_ids=[i],
            purpose="wawancara",
            detail={"n": i},
        )
        for i in range(count)
    ]


def test_each_entry_carries_the_hash_of_the_one_before():
    entries = _append(3)
    assert [e.sequence for e in entries] == [1, 2, 3]
    assert entries[0].previous_hash == "0" * 64
    assert entries[1].previous_hash == entries[0].entry_hash
    assert entries[2].previous_hash == entries[1].entry_hash
    assert audit_chain_verify() == (3, None)


def test_several_entries_under_one_lock_chain_like_entries_written_one_by_one(
    django_assert_num_queries,
):
    # given: one entry already in the trail
    first = _append(1)[0]
    actor = Actor(user_id=None, label="sistem-kanim", role="petugas_imigrasi", client="sk")
    items = [
        AuditItem(action="create", object_type="screening.passportapplication", object_ids=[7]),
        AuditItem(action="read", object_type="watchlists.watchlistentry", object_ids=[1, 2]),
        AuditItem(action="read", object_type="screening.departurecheck", detail={"as": "x"}),
    ]
    # when: lock the head, insert the rows, move the head
    with django_assert_num_queries(3):
        entries = audit_record_many(actor=actor, items=items)
    # then
    assert [entry.sequence for entry in entries] == [2, 3, 4]
    assert entries[0].previous_hash == first.entry_hash
    assert entries[2].previous_hash == entries[1].entry_hash
    stored = list(AuditEntry.objects.order_by("sequence").values_list("action", "object_ids"))
    assert stored[1:] == [("create", ["7"]), ("read", ["1", "2"]), ("read", [])]
    assert audit_chain_verify() == (4, None)
    assert audit_record_many(actor=actor, items=[]) == []
    assert _append(1)[0].previous_hash == entries[2].entry_hash


def test_verify_command_reports_an_intact_chain(capsys):
    _append(5)
    call_command("audit_verify")
    assert "5 entries verified" in capsys.readouterr().out


def test_a_row_edited_directly_in_the_database_is_caught_at_that_entry():
    # given
    _append(5)
    table = AuditEntry._meta.db_table
    # when: somebody edits entry 3 behind the application's back
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET purpose = %s WHERE sequence = %s",  # noqa: S608
            ["disembunyikan", 3],
        )
    # then
    with pytest.raises(CommandError, match="broken at entry 3: content does not match"):
        call_command("audit_verify")


def test_a_deleted_row_is_caught():
    _append(4)
    AuditEntry.objects.filter(sequence=2).delete()
    checked, chain_break = audit_chain_verify()
    assert checked == 1
    assert chain_break is not None
    assert chain_break.sequence == 2


def test_a_rehashed_forgery_is_caught_by_its_missing_signature():
    # given: the forger edits entry 2 and recomputes its own hash
    from benteng.audit.chain import entry_hash

    _append(3)
    values = AuditEntry.objects.filter(sequence=2).values().get()
    values["purpose"] = "palsu"
    forged_hash = entry_hash(values)
    AuditEntry.objects.filter(sequence=2).update(purpose="palsu", entry_hash=forged_hash)
    # when
    _checked, chain_break = audit_chain_verify()
    # then: the forger could not sign the new hash with the audit key
    assert chain_break is not None
    assert (chain_break.sequence, chain_break.reason) == (
        2,
        "the entry is not signed with the audit key",
    )


def test_truncating_the_tail_is_caught_by_the_chain_head():
    _append(3)
    AuditEntry.objects.filter(sequence=3).delete()
    _checked, chain_break = audit_chain_verify()
    assert chain_break is not None
    assert chain_break.sequence == 3


def test_reads_and_writes_name_the_reader_office_and_fields_but_not_values(personas):
    viewer = Viewer.for_user(personas.petugas_imigrasi, purpose="wawancara pemohon")
    read = audit_record_read(viewer=viewer, objects=[personas.pimpasa])
    write = audit_record_write(
        viewer=viewer, action="update", obj=personas.pimpasa, changed_fields=["phone"]
    )
    assert read is not None
    assert read.actor_label == "imigrasi"
    assert read.actor_office == "Kantor Imigrasi Kelas I Khusus Non TPI Tangerang"
    assert read.purpose == "wawancara pemohon"
    assert write.detail == {"fields": ["phone"]}
    assert "081200000000" not in str(write.detail)


def test_nobody_can_change_the_trail_through_the_admin(personas):
    from tests.conftest import verified_client

    entry = _append(1)[0]
    client = verified_client(personas.admin)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code in (200, 403)
    response = client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"purpose": "diubah"})
    assert response.status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/").status_code == 403
    entry.refresh_from_db()
    assert entry.purpose == "wawancara"


@pytest.mark.parametrize(
    "address",
    ["2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "fe80::1%eth0", "::ffff:10.0.0.1"],
)
def test_unusual_ip_addresses_do_not_break_the_chain(address):
    audit_record(actor=Actor(user_id=None, label="x"), action="login_failed", ip_address=address)
    assert audit_chain_verify() == (1, None)
