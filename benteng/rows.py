"""Model instances from plain SQL, for the few queries on the screening hot path.

Every screening runs the same handful of reads; building each of them with the ORM costs more
CPU than the database spends answering it (about 0.5 ms against 0.1 ms). These reads are
written as SQL once and turned back into model instances here, with the same conversions
the ORM applies (JSON, aware datetimes on SQLite, ...), so the code above them does not know
the difference::

    client = Columns.of(ApiClient, "c")
    office = Columns.of(Office, "o")
    sql = f"SELECT {client.sql}, {office.sql} FROM ... WHERE c.token_hash = %s"
    for row in fetch(sql, [token_hash]):
        found = client.instance(row, 0)
        found.office = office.instance(row, client.width)

Use it only where a measurement shows the ORM's cost matters; everywhere else the ORM reads
better.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class Columns:
    """The concrete columns of a model under a table alias, and how to read them back."""

    model: type[models.Model]
    alias: str
    fields: tuple[Any, ...]  # model fields (typed loosely: django-stubs' unions)
    expressions: tuple[Any, ...]
    converters: tuple[tuple[Converter, ...], ...]
    sql: str

    @staticmethod
    def of(model: type[models.Model], alias: str, names: tuple[str, ...] = ()) -> Columns:
        """All concrete columns, or only the fields named (the others are deferred); either way
        in the model's order, which is the order of ``sql`` and of the values read."""
        return _columns(model, alias, names, connection.vendor)

    @property
    def width(self) -> int:
        return len(self.fields)

    def instance(self, row: Sequence[Any], start: int = 0) -> Any:
        """The model instance held in ``row[start : start + width]``."""
        values = list(row[start : start + self.width])
        for position, converters in enumerate(self.converters):
            for convert in converters:
                values[position] = convert(values[position], self.expressions[position], connection)
        return self.model.from_db(connection.alias, [f.attname for f in self.fields], values)


@cache
def _columns(model: type[models.Model], alias: str, names: tuple[str, ...], vendor: str) -> Columns:
    # In the model's own order, whatever the order of ``names``: Model.from_db fills the
    # fields in that order.
    wanted = {model._meta.get_field(name).name for name in names}
    fields: tuple[Any, ...] = tuple(
        field for field in model._meta.concrete_fields if not names or field.name in wanted
    )
    expressions = tuple(field.get_col(alias) for field in fields)
    converters = tuple(
        tuple(connection.ops.get_db_converters(expression))
        + tuple(expression.get_db_converters(connection))
        for expression in expressions
    )
    quote = connection.ops.quote_name
    sql = ", ".join(f"{alias}.{quote(field.column)}" for field in fields)
    return Columns(model, alias, fields, expressions, converters, sql)


def table(model: type[models.Model]) -> str:
    """The quoted table name of a model."""
    return connection.ops.quote_name(model._meta.db_table)


def cursor() -> Any:
    """A cursor for the hot path's statements.

    On PostgreSQL it binds the parameters on the server and prepares each statement the first
    time a connection runs it: PostgreSQL then parses and plans these few statements once per
    connection instead of on every screening, and psycopg sends the values as they are instead
    of quoting them into the SQL text. (Django's own cursors do neither, so that a
    transaction-mode connection pooler, which cannot keep prepared statements, works; put none
    in front of the web workers' connections, or one that keeps them, such as PgBouncer 1.21+
    with ``max_prepared_statements``.) Django's wrappers stay around it: query logging, the
    execute wrappers of the tests, errors as ``django.db`` exceptions.

    Elsewhere (SQLite) it is Django's ordinary cursor.
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    prepared = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        connection.validate_thread_sharing()
        return _LoggedAsWritten(prepared, connection)
    # Django's own wrapping of a new cursor (what connection.cursor() does to its own).
    return connection._prepare_cursor(prepared)  # type: ignore[attr-defined]


class _LoggedAsWritten(CursorDebugWrapper):
    """Django's query log (DEBUG, the tests' ``CaptureQueriesContext``) of a prepared
    statement: psycopg keeps no text of a prepared execution, where Django looks for it, so
    the statement is logged as written (placeholders, not values)."""

    def execute(self, sql: Any, params: Any = None) -> Any:
        with self.debug_sql(sql, params):
            return CursorWrapper.execute(self, sql, params)


_ServerBindingCursor: Any = ServerBindingCursor  # defined by Django only under psycopg 3


class _PreparingCursor(_ServerBindingCursor):  # type: ignore[misc]
    """psycopg's server-binding cursor (as Django makes it) that prepares what it executes."""

    def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
        options.setdefault("prepare", True)
        return super().execute(query, params, **options)


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with cursor() as reader:
        reader.execute(sql, params)
        return list(reader.fetchall())


@cache
def _written(
    model: type[models.Model], with_pk: bool, skip: tuple[str, ...], vendor: str
) -> tuple[Any, ...]:
    """The fields an insert writes, in the model's order."""
    return tuple(
        field
        for field in model._meta.concrete_fields
        if (with_pk or not field.primary_key)
        and field.name not in skip
        and field.attname not in skip
    )


def _values(obj: models.Model, fields: Sequence[Any], database: Any) -> list[Any]:
    """The database values of a new instance, as ``save(force_insert=True)`` writes them
    (``pre_save``: defaults, ``auto_now_add``)."""
    return [field.get_db_prep_save(field.pre_save(obj, True), database) for field in fields]


@cache
def _insert_sql(model: type[models.Model], with_pk: bool, rows: int, vendor: str) -> str:
    """``INSERT`` of ``rows`` rows of ``_written`` fields, returning their ids."""
    quote = connection.ops.quote_name
    written = _written(model, with_pk, (), vendor)
    columns = ", ".join(quote(str(field.column)) for field in written)
    row = f"({placeholders(len(written))})"
    return (
        f"INSERT INTO {table(model)} ({columns}) "  # noqa: S608 - model names
        f"VALUES {', '.join([row] * rows)} RETURNING {quote(str(model._meta.pk.column))}"
    )


def insert(*objs: models.Model) -> None:
    """Insert new instances of one model as ``save(force_insert=True)`` would, in one plain
    (multi-row) statement: each field's ``pre_save`` (``auto_now_add``, defaults) and
    database value; ids not set come back. No signals are sent: use it only for models
    without save signals or an overridden ``save``. No instances: nothing is written."""
    if not objs:
        return
    model = type(objs[0])
    # The connection itself, not the per-thread proxy, for the many field conversions.
    database = connections[DEFAULT_DB_ALIAS]
    with_ids = getattr(objs[0], model._meta.pk.attname) is not None
    written = _written(model, with_ids, (), database.vendor)
    params = [value for obj in objs for value in _values(obj, written, database)]
    with cursor() as writer:
        writer.execute(_insert_sql(model, with_ids, len(objs), database.vendor), params)
        ids = sorted(value for (value,) in writer.fetchall())
    # New ids grow in the order the rows were given.
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = database.alias


def next_ids(*models_: type[models.Model]) -> list[int] | None:
    """On PostgreSQL, the id of one new row of each model, drawn from its table's sequence in
    one query, for rows that :func:`insert_together` then writes with their ids set (a
    reference made from the id, a row naming another). Elsewhere ``None``: SQLite gives an id
    only by inserting."""
    if connection.vendor != "postgresql":
        return None
    sequences = ", ".join(["nextval(pg_get_serial_sequence(%s, %s))"] * len(models_))
    params = [value for model in models_ for value in (model._meta.db_table, model._meta.pk.column)]
    return list(fetch(f"SELECT {sequences}", params)[0])


def insert_together(*groups: Sequence[models.Model]) -> None:
    """Insert several groups of new instances (each group of one model, as :func:`insert`),
    all or none.

    On PostgreSQL in one statement, every group but the last a data-modifying ``WITH``: a
    statement is atomic by itself, so outside a transaction this costs one round trip where
    a transaction of N inserts costs N + 2 (``BEGIN``, ``COMMIT``); on the screening hot path
    that is about 0.5 ms of web CPU per request (``bench/README.md``). The ids of the groups
    in ``WITH`` are not read back: set them first (:func:`next_ids`); the last group's come
    back as with :func:`insert`. Elsewhere: one insert per group in one transaction.
    """
    groups = tuple(group for group in groups if group)
    if not groups:
        return
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "postgresql":
        with transaction.atomic(savepoint=False):
            for group in groups:
                insert(*group)
        return
    parts, params = [], []
    for number, group in enumerate(groups):
        model = type(group[0])
        with_ids = getattr(group[0], model._meta.pk.attname) is not None
        if number < len(groups) - 1 and not with_ids:
            raise ValueError(f"{model.__name__}: set the ids first (next_ids)")
        written = _written(model, with_ids, (), database.vendor)
        params += [value for obj in group for value in _values(obj, written, database)]
        parts.append(_insert_sql(model, with_ids, len(group), database.vendor))
    *written_first, last = parts
    names = [f"w{number} AS ({sql})" for number, sql in enumerate(written_first)]
    statement = f"WITH {', '.join(names)} {last}" if names else last
    with cursor() as writer:
        writer.execute(statement, params)
        last_ids = sorted(value for (value,) in writer.fetchall())
    for obj, pk in zip(groups[-1], last_ids, strict=True):
        obj.pk = pk
    for group in groups:
        for obj in group:
            obj._state.adding = False
            obj._state.db = database.alias


def one_of(expression: str, values: Sequence[Any], sql_type: str) -> tuple[str, list[Any]]:
    """``expression`` among ``values``, with its parameters. On PostgreSQL ``= ANY`` of one
    array parameter of ``sql_type``: the statement is the same whatever the number of values,
    so a connection prepares it once (with ``IN (%s, %s, ...)`` every count would be a
    statement of its own). Elsewhere ``IN (...)``."""
    if connection.vendor == "postgresql":
        return f"{expression} = ANY(CAST(%s AS {sql_type}[]))", [list(values)]
    return f"{expression} IN ({placeholders(len(values))})", list(values)


def placeholders(count: int) -> str:
    """``%s, %s, ...`` for an ``IN (...)`` of ``count`` values (at least one)."""
    return ", ".join(["%s"] * max(count, 1))
