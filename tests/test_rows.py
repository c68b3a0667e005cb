"""benteng.rows: model instances from plain SQL read the same as through the ORM."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benteng.audit.models import AuditEntry
from benteng.audit.services import Actor, audit_record
from benteng.rows import Columns, fetch, insert, insert_together, next_ids, placeholders, table
from benteng.watchlists.models import Watchlist

pytestmark = pytest.mark.django_db


def test_all_columns_give_the_instance_the_orm_gives() -> None:
    written = audit_record(
        actor=Actor(user_id=None, label="uji"),
        action="read",
        object_type="screening.passportapplication",
        object_ids=[1, 2],
        detail={"as": "hit", "screening": "PP-2026-000001"},
        ip_address="10.0.0.7",
    )
    stored = AuditEntry.objects.get(pk=written.pk)
    columns = Columns.of(AuditEntry, "a")
    (row,) = fetch(f"SELECT {columns.sql} FROM {table(AuditEntry)} a WHERE a.id = %s", [stored.pk])  # noqa: S608
    read = columns.instance(row)
    for field in AuditEntry._meta.concrete_fields:
        assert getattr(read, field.attname) == getattr(stored, field.attname), field.name
    assert read.occurred_at.tzinfo is not None  # aware on SQLite too
    assert read.detail == {"as": "hit", "screening": "PP-2026-000001"}  # JSON, not text
    assert read._state.adding is False


def test_named_columns_follow_the_model_order_whatever_the_order_asked(reference_data) -> None:  # type: ignore[no-untyped-def]
    lists = list(Watchlist.objects.order_by("pk")[:3])
    columns = Columns.of(Watchlist, "w", ("kind", "id", "name"))
    assert [field.name for field in columns.fields] == ["id", "name", "kind"]  # model order
    rows = fetch(
        f"SELECT {columns.sql} FROM {table(Watchlist)} w "  # noqa: S608
        f"WHERE w.id IN ({placeholders(len(lists))}) ORDER BY w.id",
        [item.pk for item in lists],
    )
    read = [columns.instance(row) for row in rows]
    assert [(item.pk, item.kind, item.name) for item in read] == [
        (item.pk, item.kind, item.name) for item in lists
    ]
    assert "code" in read[0].get_deferred_fields()


def test_insert_stores_what_the_orm_would_and_gives_the_id_back(reference_data) -> None:  # type: ignore[no-untyped-def]
    template = Watchlist.objects.order_by("pk").first()
    assert template is not None
    created = Watchlist(
        code="uji-insert",
        name="Daftar uji",
        kind=template.kind,
        owner_agency_id=template.owner_agency_id,
        owner_office_id=template.owner_office_id,
        is_automatic=True,
    )
    insert(created)
    assert created.pk is not None and created._state.adding is False
    stored = Watchlist.objects.get(pk=created.pk)
    for field in Watchlist._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(created, field.attname), field.name
    # an id given is kept
    given = Watchlist(
        pk=created.pk + 100,
        code="uji-insert-2",
        name="Daftar uji 2",
        kind=template.kind,
        owner_agency_id=template.owner_agency_id,
        owner_office_id=template.owner_office_id,
    )
    insert(given)
    assert given.pk == created.pk + 100
    assert Watchlist.objects.get(pk=created.pk + 100).code == "uji-insert-2"


def test_insert_of_no_rows_writes_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        insert()
        insert_together([], [])
    assert len(queries) == 0


def test_insert_of_several_rows_gives_each_its_own_id(reference_data) -> None:  # type: ignore[no-untyped-def]
    template = Watchlist.objects.order_by("pk").first()
    assert template is not None
    made = [
        Watchlist(
            code=f"uji-banyak-{number}",
            name=f"Daftar {number}",
            kind=template.kind,
            owner_agency_id=template.owner_agency_id,
            owner_office_id=template.owner_office_id,
        )
        for number in range(3)
    ]
    insert(*made)
    assert [Watchlist.objects.get(pk=item.pk).code for item in made] == [
        "uji-banyak-0",
        "uji-banyak-1",
        "uji-banyak-2",
    ]


def _lists(template: Watchlist, *codes: str) -> list[Watchlist]:
    return [
        Watchlist(
            code=code,
            name=f"Daftar {code}",
            kind=template.kind,
            owner_agency_id=template.owner_agency_id,
            owner_office_id=template.owner_office_id,
        )
        for code in codes
    ]


def _entry(label: str) -> AuditEntry:
    return AuditEntry(
        action="read",
        object_type="watchlists.watchlist",
        actor_label=label,
        occurred_at=timezone.now(),
    )


@pytest.mark.django_db(transaction=True)
def test_rows_written_together_are_one_statement_on_postgresql_and_all_or_none(
    reference_data,
) -> None:  # type: ignore[no-untyped-def]
    template = Watchlist.objects.order_by("pk").first()
    assert template is not None
    ids = next_ids(Watchlist)
    first = _lists(template, "uji-bersama-1")
    if ids is not None:  # PostgreSQL: the id is drawn before the insert, and kept
        first[0].pk = ids[0]
    entries = [_entry("uji-bersama"), _entry("uji-bersama")]
    # when
    with CaptureQueriesContext(connection) as written:
        insert_together(first, entries)
    # then
    assert Watchlist.objects.get(code="uji-bersama-1").pk == first[0].pk
    assert ids is None or first[0].pk == ids[0]
    assert [entry.pk for entry in entries] == sorted(entry.pk for entry in entries)
    assert AuditEntry.objects.filter(actor_label="uji-bersama").count() == 2
    if connection.vendor == "postgresql":
        assert len(written.captured_queries) == 1
        assert not connection.in_atomic_block
    # a refused row in the last group: nothing of the others is kept
    again = _lists(template, "uji-bersama-2")
    again_ids = next_ids(Watchlist)
    if again_ids is not None:
        again[0].pk = again_ids[0]
    duplicate = _entry("uji-gagal")
    duplicate.pk = entries[0].pk
    with pytest.raises(IntegrityError):
        insert_together(again, [duplicate])
    assert not Watchlist.objects.filter(code="uji-bersama-2").exists()
    assert not AuditEntry.objects.filter(actor_label="uji-gagal").exists()


def test_rows_in_a_with_must_carry_their_ids(reference_data) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes each group by itself")
    template = Watchlist.objects.order_by("pk").first()
    assert template is not None
    with pytest.raises(ValueError, match="next_ids"):
        insert_together(_lists(template, "uji-tanpa-id"), [_entry("uji")])


def test_the_hot_path_prepares_its_statements_and_plans_them_once(reference_data) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    # given: a statement of the hot path, with different values each time
    sql = "SELECT w.id FROM watchlists_watchlist w WHERE w.id = ANY(CAST(%s AS bigint[]))"
    for ids in ([1], [1, 2], [3, 4, 5]):
        fetch(sql, [ids])
    # then: prepared once on this connection (settings: prepare_threshold), planned once
    # and run with that generic plan (plan_cache_mode), never planned again for its values
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(generic_plans), sum(custom_plans) FROM pg_prepared_statements "
            "WHERE statement LIKE %s",
            ["SELECT w.id FROM watchlists_watchlist w WHERE w.id = ANY(%"],
        )
        assert cursor.fetchone() == (1, 3, 0)


def test_the_query_log_shows_a_prepared_statement_as_written(reference_data) -> None:  # type: ignore[no-untyped-def]
    sql = "SELECT w.id FROM watchlists_watchlist w WHERE w.id = %s"
    # when
    with CaptureQueriesContext(connection) as captured:
        fetch(sql, [1])
        fetch(sql, [2])
    # then (psycopg keeps no text of a prepared execution, where Django looks for it)
    assert [query["sql"] for query in captured.captured_queries][-1] in {
        sql,  # PostgreSQL: prepared, logged as written
        sql.replace("%s", "2"),  # SQLite: Django's own cursor
    }
