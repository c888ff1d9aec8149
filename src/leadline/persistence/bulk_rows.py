"""Rows in bulk, a column at a time: INSERT and UPDATE with one executemany, and SELECT.

Writes: each statement is compiled once per dialect, table and column list, and each column's
values go through that column type's own bind processor (``UtcDateTime``, ``ExactDecimal``,
``EnumText``), so the driver receives exactly the parameters a Core
``session.execute(insert(table), rows)`` would send. Reads (``select_rows``): each column's raw
values go through the result processor a Core result would apply. Two things make both cheaper
than Core on large batches (bench/RESULTS.md, issue 4): values are processed a column at a time,
with C-level getters, and a processor runs once per distinct value: for writes sharing a
``Processed``, once per batch (every row of one conversion carries the same timestamp).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from functools import cache
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import Select, Table, bindparam, insert, type_coerce, update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import NULLTYPE

from leadline.persistence.types import ExactDecimal, UtcDateTime

Processor = Callable[[Any], Any]
Processed = dict[Any, dict[Any, Any]]  # per kind of processor: value -> what the driver gets
_SHARED = (UtcDateTime, ExactDecimal)  # types whose processing depends on the dialect alone


@cache
def record_columns(row_class: Any, domain_class: type) -> tuple[tuple[str, ...], Callable[[Any], Any]]:
    """The fields of ``domain_class`` that are columns of ``row_class`` (in field order), and one
    C-level getter of them all as a tuple."""
    columns = set(row_class.__table__.c.keys())
    names = tuple(f.name for f in fields(domain_class) if f.name in columns)
    return names, attrgetter(*names)


@dataclass(frozen=True)
class _Statement:
    """A compiled statement and, per parameter in the driver's order, where its values come from."""

    sql: str
    names: tuple[str, ...]  # the parameters, in the order the driver takes them (positional dialects)
    processors: tuple[tuple[Processor, Any] | None, ...]  # each parameter's processor and its kind
    positional: bool


_PLANS: weakref.WeakKeyDictionary[Dialect, dict[Any, _Statement | None]] = weakref.WeakKeyDictionary()


def _plan(dialect: Dialect, key: Any, statement: Callable[[], Any], table: Table, parameters: Mapping[str, str],
          column_keys: list[str] | None = None) -> _Statement | None:
    """The statement for ``key`` on ``dialect``, compiled the first time (``statement()``), whose
    ``parameters`` each carry values of a column (parameter name -> column name); None if the
    compiled statement binds other parameters than those."""
    plans = _PLANS.setdefault(dialect, {})
    if key not in plans:
        compiled = statement().compile(dialect=dialect, column_keys=column_keys)
        if set(compiled.binds) != set(parameters):
            plans[key] = None
        else:
            names = tuple(compiled.positiontup or ()) if dialect.positional else tuple(parameters)
            plans[key] = _Statement(compiled.string, names, tuple(_processor(dialect, table.c[parameters[name]])
                                                                  for name in names), dialect.positional)
    return plans[key]


def _processor(dialect: Dialect, column: Any) -> tuple[Processor, Any] | None:
    """A column's bind processor, and what identifies its kind: a value processed for one column
    serves all columns of its kind, which is the column's type for types without parameters
    (a timestamp is a timestamp and an amount an amount in every table), else the column."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    return process, type(column.type) if isinstance(column.type, _SHARED) else column


def _processed(processor: tuple[Processor, Any] | None, values: Sequence[Any], done: Processed) -> Sequence[Any]:
    """``values`` through the processor, which runs once per distinct value (``done`` remembers)."""
    if processor is None:
        return values
    process, kind = processor
    known = done.setdefault(kind, {})
    try:
        for value in set(values).difference(known):
            known[value] = process(value)
    except TypeError:  # an unhashable value: process each
        return list(map(process, values))
    return list(map(known.__getitem__, values))


def _driver_values(plan: _Statement, columns: Mapping[str, Sequence[Any]], done: Processed | None) -> list[Any]:
    """Each parameter's values (in ``plan.names`` order) as the driver receives them."""
    memo: Processed = {} if done is None else done
    return [_processed(processor, columns[name], memo) for name, processor in zip(plan.names, plan.processors,
                                                                                  strict=True)]


def _execute(session: Session, plan: _Statement, columns: Mapping[str, Sequence[Any]], done: Processed | None) -> Any:
    values = _driver_values(plan, columns, done)
    if plan.positional:
        parameters: list[Any] = list(zip(*values, strict=True))
    else:
        parameters = [dict(zip(plan.names, row, strict=True)) for row in zip(*values, strict=True)]
    return session.connection().exec_driver_sql(plan.sql, parameters)


def insert_columns(session: Session, table: Table, columns: Mapping[str, Sequence[Any]],
                   done: Processed | None = None) -> None:
    """``INSERT INTO table (columns) VALUES ...`` with one executemany, given the values column by
    column (equal lengths). Statements of one batch may share ``done`` (those of a bulk load,
    ``BULK_LOAD``, share one by default: ``BULK_PROCESSED``). A table with Python-side defaults
    for columns not given takes the Core path, which applies them."""
    names = tuple(columns)
    if not names or not len(columns[names[0]]):
        return
    if done is None and session.info.get(BULK_LOAD):
        done = session.info.setdefault(BULK_PROCESSED, {})
    plan = None
    if not any(c.default is not None for c in table.c if c.key not in names):
        plan = _plan(session.get_bind().dialect, ("insert", table, names), lambda: insert(table), table,
                     {name: name for name in names}, list(names))
    if plan is None:
        session.execute(insert(table), [dict(zip(names, row, strict=True))
                                        for row in zip(*columns.values(), strict=True)])
    elif copies(session, len(columns[names[0]])):
        _copy(session, table, plan, columns, done)
    else:
        _execute(session, plan, columns, done)


#: ``Session.info`` key: the unit of work loads in bulk (``SqlUnitOfWork.bulk_load``)
BULK_LOAD = "leadline_bulk_load"
#: ``Session.info`` key: the values a bulk load's inserts processed (``Processed``), shared by all
#: of them: a timestamp written in three tables (an imported lead's ``created_at``, its status
#: entry's ``changed_at``, its audit event's ``at``) goes through its bind processor once
BULK_PROCESSED = "leadline_bulk_processed"
#: rows from which ``insert_columns`` of a bulk load writes with COPY on PostgreSQL (psycopg 3)
COPY_FROM_ROWS = 50


def copies(session: Session, rows: int) -> bool:
    """Whether ``insert_columns`` writes ``rows`` rows with COPY: in a bulk load on PostgreSQL
    through psycopg 3, from ``COPY_FROM_ROWS`` rows."""
    if rows < COPY_FROM_ROWS or not session.info.get(BULK_LOAD):
        return False
    dialect = session.get_bind().dialect
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


def _copy(session: Session, table: Table, plan: _Statement, columns: Mapping[str, Sequence[Any]],
          done: Processed | None) -> None:
    """The rows with one ``COPY table (columns) FROM STDIN`` in the session's transaction: the
    same values as the INSERT's parameters (each column's bind processor), written as text rows
    the server parses as it would the parameters. A broken constraint raises SQLAlchemy's
    ``IntegrityError``, as the INSERT would."""
    import psycopg

    values = _driver_values(plan, columns, done)
    quote = session.get_bind().dialect.identifier_preparer
    names = ", ".join(quote.format_column(table.c[name]) for name in plan.names)
    sql = f"COPY {quote.format_table(table)} ({names}) FROM STDIN"
    cursor = session.connection().connection.cursor()
    try:
        with cursor.copy(sql) as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)
    except psycopg.Error as error:
        raise DBAPIError.instance(sql, None, error, psycopg.Error) from None
    finally:
        cursor.close()


def record_values(row_class: Any, records: Sequence[Any]) -> dict[str, list[Any]]:
    """The column values of domain records (of one class, at least one) as ``row_class`` stores
    them, column by column: each field of the records that is a column of ``row_class``."""
    names, _ = record_columns(row_class, type(records[0]))
    return {name: list(map(attrgetter(name), records)) for name in names}


def insert_records(session: Session, row_class: Any, records: Sequence[Any], done: Processed | None = None) -> None:
    """Insert domain records (of one class) as rows of ``row_class`` (``insert_columns``)."""
    if records:
        insert_columns(session, row_class.__table__, record_values(row_class, records), done)


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]],
                done: Processed | None = None) -> None:
    """Insert rows given as dicts with the same keys (``insert_columns``)."""
    if rows:
        insert_columns(session, table, {name: list(map(itemgetter(name), rows)) for name in rows[0]}, done)


def update_versioned(session: Session, table: Table, ids: Sequence[int], read_versions: Sequence[int],
                     columns: Mapping[str, Sequence[Any]], done: Processed | None = None) -> int:
    """``UPDATE table SET <columns> WHERE id = ? AND version = ?`` for many rows with one
    executemany: row ``i`` is ``ids[i]``, expected at ``read_versions[i]``, and gets value ``i``
    of each column. Returns the rows changed (fewer than given if some were not at that version)."""
    if not ids:
        return 0
    names = tuple(columns)
    parameters = {f"v_{name}": name for name in names} | {"b_id": "id", "b_read": "version"}
    plan = _plan(session.get_bind().dialect, ("update", table, names), lambda: (
        update(table).where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_read"))
        .values({name: bindparam(f"v_{name}") for name in names})), table, parameters)
    assert plan is not None, "an UPDATE of named parameters binds just those"
    given = {f"v_{name}": values for name, values in columns.items()} | {"b_id": ids, "b_read": read_versions}
    return int(_execute(session, plan, given, done).rowcount)


_UNTYPED: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def select_rows(session: Session, statement: Select[Any],
                parameters: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
    """The rows of ``statement`` (a select of table columns) as tuples, holding what a Core
    result would: the driver's values, each column's through its type's result processor, once
    per distinct value of the column. For reading many rows: no Row object and no processor call
    per value (reading the leads of a bulk conversion with their product lines: a third less).
    A statement built once and run with ``parameters`` is rewritten for this only once."""
    columns = list(statement.selected_columns)
    untyped = _UNTYPED.get(statement)
    if untyped is None:
        untyped = _UNTYPED[statement] = statement.with_only_columns(*(type_coerce(c, NULLTYPE) for c in columns))
    connection = session.connection()
    result = connection.execute(untyped, parameters)
    processors = result_processors(connection.dialect, columns, result.cursor.description)
    options = result.context.execution_options
    if options.get("stream_results") or options.get("yield_per") or options.get("max_row_buffer"):
        rows: list[Any] = [tuple(row) for row in result.all()]  # SQLAlchemy buffers rows ahead: read them through it
    else:
        try:
            rows = result.cursor.fetchall()  # the driver's tuples: no Row objects
        finally:
            result.close()
    if not rows:
        return []
    values = [_processed_results(process, column) for process, column in zip(processors, zip(*rows, strict=True),
                                                                             strict=True)]
    return list(zip(*values, strict=True))


def result_processors(dialect: Dialect, columns: Sequence[Any], description: Sequence[Any]) -> list[Processor | None]:
    """Each selected column's result processor (None where its type has none), for the values the
    driver returned under ``description``."""
    return [column.type.dialect_impl(dialect).result_processor(dialect, described[1])
            for column, described in zip(columns, description, strict=True)]


def _processed_results(process: Processor | None, values: tuple[Any, ...]) -> Sequence[Any]:
    if process is None:
        return values
    try:
        done = {value: process(value) for value in set(values)}
    except TypeError:  # an unhashable value: process each
        return list(map(process, values))
    return list(map(done.__getitem__, values))
