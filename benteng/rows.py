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

from django.db import connection, models

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


def fetch(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def insert(*objs: models.Model) -> None:
    """Insert new instances of one model as ``save(force_insert=True)`` would, in one plain
    (multi-row) statement: each field's ``pre_save`` (``auto_now_add``, defaults) and
    database value; ids not set come back. No signals are sent: use it only for models
    without save signals or an overridden ``save``."""
    meta = objs[0]._meta
    with_ids = getattr(objs[0], meta.pk.attname) is not None
    fields: list[Any] = [
        field for field in meta.concrete_fields if with_ids or not field.primary_key
    ]
    quote = connection.ops.quote_name
    params = [
        field.get_db_prep_save(field.pre_save(obj, True), connection)
        for obj in objs
        for field in fields
    ]
    columns = ", ".join(quote(field.column) for field in fields)
    row = f"({placeholders(len(fields))})"
    sql = (
        f"INSERT INTO {table(type(objs[0]))} ({columns}) "  # noqa: S608 - model names
        f"VALUES {', '.join([row] * len(objs))} RETURNING {quote(str(meta.pk.column))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = sorted(value for (value,) in cursor.fetchall())
    # New ids grow in the order the rows were given.
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias


def placeholders(count: int) -> str:
    """``%s, %s, ...`` for an ``IN (...)`` of ``count`` values (at least one)."""
    return ", ".join(["%s"] * max(count, 1))
