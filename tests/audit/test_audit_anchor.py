"""The trail anchored outside the database: a MAC keyed with BENTENG_AUDIT_KEY and signed
checkpoints of the head in a file, against the three rewrites of issue 11, item 11."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from benteng.audit.chain import GENESIS_HASH, entry_hash
from benteng.audit.checkpoints import checkpoint_if_due, checkpoint_write, checkpoints_read
from benteng.audit.models import AuditChainHead, AuditEntry
from benteng.audit.services import (
    Actor,
    AuditItem,
    audit_chain_verify,
    audit_record_many,
    audit_seal,
)

pytestmark = pytest.mark.django_db
TABLE = AuditEntry._meta.db_table


@pytest.fixture(autouse=True)
def checkpoint_file(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.BENTENG_AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    return settings.BENTENG_AUDIT_CHECKPOINT_FILE


def _write(count: int, label: str = "petugas") -> list[AuditEntry]:
    return audit_record_many(
        actor=Actor(user_id=None, label=label, role="petugas_imigrasi"),
        items=[
            AuditItem(action="read", object_type="accounts.user", object_ids=[n], purpose="uji")
            for n in range(count)
        ],
    )


def _rehash_from(sequence: int) -> None:
    """What somebody with database access but no key can do: recompute every later hash."""
    previous = (
        AuditEntry.objects.get(sequence=sequence - 1).entry_hash if sequence > 1 else GENESIS_HASH
    )
    for values in AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence").values():
        values["previous_hash"] = previous
        previous = entry_hash(values)
        AuditEntry.objects.filter(pk=values["id"]).update(
            previous_hash=values["previous_hash"], entry_hash=previous
        )
    AuditChainHead.objects.update(last_sequence=values["sequence"], last_hash=previous)


def test_an_intact_chain_verifies_against_its_checkpoints():
    # given
    _write(3)
    checkpoint_write()
    _write(2)
    # when
    checked, chain_break = audit_chain_verify()
    # then
    assert (checked, chain_break) == (5, None)
    assert [checkpoint.sequence for checkpoint in checkpoints_read()] == [3]


def test_deleting_the_last_rows_and_moving_the_head_is_caught_by_the_checkpoint():
    # given: five entries, checkpointed
    _write(5)
    checkpoint_write()
    # when: the last two rows are deleted and the head moved back to the third
    AuditEntry.objects.filter(sequence__gt=3).delete()
    third = AuditEntry.objects.get(sequence=3)
    AuditChainHead.objects.update(last_sequence=3, last_hash=third.entry_hash)
    # then
    with pytest.raises(CommandError, match="chain ends at 3, a signed checkpoint saw it at 5"):
        call_command("audit_verify")


def test_changing_an_entry_and_rehashing_the_rest_is_caught_by_the_key():
    # given
    _write(5)
    # when: entry 2 is changed and every later hash recomputed, head included
    AuditEntry.objects.filter(sequence=2).update(purpose="disembunyikan")
    _rehash_from(2)
    # then: hashes and previous hashes agree, but nobody without the key can sign them
    with pytest.raises(CommandError, match="entry 2: the entry is not signed with the audit key"):
        call_command("audit_verify")


def test_a_rehash_with_signatures_copied_is_caught_by_the_checkpoint(checkpoint_file):
    # given: a checkpoint at entry 4; the signatures are in the rows for anybody to copy
    _write(4)
    checkpoint_write()
    macs = dict(AuditEntry.objects.values_list("sequence", "mac"))
    # when: entry 2 changed, the rest rehashed, but the MACs cannot be remade (copied instead)
    AuditEntry.objects.filter(sequence=2).update(purpose="disembunyikan")
    _rehash_from(2)
    for sequence, mac in macs.items():
        AuditEntry.objects.filter(sequence=sequence).update(mac=mac)
    # then
    _checked, chain_break = audit_chain_verify()
    assert chain_break is not None
    assert chain_break.sequence == 2


def test_a_row_inserted_unsealed_is_refused_by_the_sealer_and_reported(settings):
    # given: entries sealed after their commit, as on PostgreSQL
    settings.AUDIT_SEAL_DELAY = 0.1
    genuine = _write(1, label="asli")
    # when: somebody inserts a row with sequence NULL, as the writer would (but with no key)
    forged = AuditEntry(
        occurred_at=genuine[0].occurred_at,
        actor_label="palsu",
        action="read",
        object_type="accounts.user",
        object_ids=["99"],
        mac=genuine[0].mac,  # a genuine entry's signature, copied
    )
    forged.save()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE sequence IS NULL")  # noqa: S608
        assert cursor.fetchone()[0] == 2
    sealed = audit_seal()
    # then: the genuine entry is chained, the forged row is not
    assert sealed == 1
    forged.refresh_from_db()
    assert forged.sequence is None
    assert forged.previous_hash == "refused"
    _checked, chain_break = audit_chain_verify()
    assert chain_break is not None
    assert "1 entries were refused by the sealer" in chain_break.reason
    # and the refused row is not taken again at the next seal
    _write(1, label="asli")
    assert audit_seal() == 1


def test_an_edited_checkpoint_file_is_reported(checkpoint_file):
    # given
    _write(2)
    checkpoint_write()
    # when: the file is edited to a shorter chain
    data = json.loads(checkpoint_file.read_text())
    data["sequence"] = 1
    checkpoint_file.write_text(json.dumps(data) + "\n")
    # then
    _checked, chain_break = audit_chain_verify()
    assert chain_break is not None
    assert chain_break.reason == "checkpoint line 1 is not signed with the audit key"


def test_checkpoints_are_written_after_seals_at_most_once_per_interval(settings, checkpoint_file):
    # given
    from benteng.audit.checkpoints import _Schedule

    settings.BENTENG_AUDIT_CHECKPOINT_SECONDS = 3600
    _Schedule.last = 0.0
    _write(2)
    # when: two seals commit in a row
    checkpoint_if_due()
    _write(1)
    checkpoint_if_due()
    # then: one checkpoint, of the head at the first
    assert [(c.sequence, len(c.hash)) for c in checkpoints_read()] == [(2, 64)]
    _Schedule.last = 0.0


def test_checkpoint_commands_write_and_export(checkpoint_file, tmp_path, capsys):
    # given
    _write(3)
    # when
    call_command("audit_checkpoint")
    exported = tmp_path / "untuk-polda.jsonl"
    call_command("audit_checkpoint_export", output=str(exported))
    # then
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    assert [(line["sequence"], sorted(line)) for line in lines] == [
        (3, ["at", "hash", "mac", "sequence"])
    ]
    assert "3" in capsys.readouterr().out


def test_a_seal_that_commits_writes_a_checkpoint_when_one_is_due(
    settings, django_capture_on_commit_callbacks
):
    # given: checkpoints every hour, none written by this process yet
    from benteng.audit.checkpoints import _Schedule

    settings.BENTENG_AUDIT_CHECKPOINT_SECONDS = 3600
    _Schedule.last = 0.0
    # when: entries are sealed and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        _write(2)
    # then
    assert [checkpoint.sequence for checkpoint in checkpoints_read()] == [2]
    _Schedule.last = 0.0
