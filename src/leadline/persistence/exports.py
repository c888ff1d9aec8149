"""The read made for export (docs/adr/0050-export-reads-one-streamed-statement.md): one statement
per export, streamed (a server-side cursor on PostgreSQL, SQLite's own stepping), its rows plain
tuples in the order asked for, a batch at a time.

Each row is the record's columns by name and then one value per custom field, each custom field a
``LEFT JOIN`` on the values' (field, record) key, so nothing is read per page or per record. The
filters are the list's own (the repositories' ``matching``), record-level security is the
statement's ``owner_id IN (...)`` as on the lists, tombstones are left out, the order is by id.

The statement runs on a connection of its own, checked out when the first batch is asked for and
given back when the last one has been read (or the consumer stops): it belongs to no unit of work,
so an export streamed to a slow client holds no unit of work open, only this one read-only
snapshot (on SQLite a deferred ``BEGIN``: writers carry on).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Engine, Numeric, Select, String, case, func, select, type_coerce
from sqlalchemy.orm import Session

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, RecordType
from leadline.domain.queries import LeadQuery, RecordQuery
from leadline.persistence.configuration.custom_values import VALUE_COLUMN
from leadline.persistence.configuration.rows import CustomFieldValueRow
from leadline.persistence.types import EnumText, ExactDecimal, UtcDateTime

#: rows fetched from the cursor at a time (and handed to the consumer as one batch)
BATCH = 2_000


def _row_class(kind: RecordType) -> Any:
    if kind is RecordType.LEAD:
        from leadline.persistence.leads.rows import LeadRow

        return LeadRow
    if kind is RecordType.OPPORTUNITY:
        from leadline.persistence.opportunities.rows import OpportunityRow

        return OpportunityRow
    from leadline.persistence.accounts.rows import AccountRow, ContactRow

    return AccountRow if kind is RecordType.ACCOUNT else ContactRow


class ExportReads:
    """Honours ``leadline.services.ports.exports.ExportReads``; made by the unit of work
    (``uow.exports``) on its session (to build the filters) and engine (to run them)."""

    def __init__(self, session: Session, engine: Engine) -> None:
        self.session = session
        self.engine = engine

    def column_types(self, kind: RecordType, columns: Sequence[str],
                     custom: Sequence[CustomFieldDefinition]) -> list[str]:
        """How each value of a row comes (``columns``, then ``custom``): see the port."""
        return [kind_ for _, kind_ in self._reads(kind, columns, custom)]

    def rows(self, kind: RecordType, query: LeadQuery | RecordQuery, columns: Sequence[str],
             custom: Sequence[CustomFieldDefinition], visible_owner_ids: Iterable[int] | None,
             batch: int = BATCH, *,
             readable_accounts: Iterable[int] | None = None) -> Iterator[Sequence[Sequence[Any]]]:
        """The records of ``kind`` matching ``query`` (and, when ``visible_owner_ids`` is not None,
        owned by one of them), oldest id first, in batches of tuples: ``columns`` then the value of
        each of ``custom`` (None where a record has none). The statement is built now, run when the
        first batch is asked for."""
        statement = self._statement(kind, query, columns, custom, visible_owner_ids, readable_accounts)
        return _streamed(self.engine, statement, batch)

    def _statement(self, kind: RecordType, query: LeadQuery | RecordQuery, columns: Sequence[str],
                   custom: Sequence[CustomFieldDefinition], visible_owner_ids: Iterable[int] | None,
                   readable_accounts: Iterable[int] | None = None) -> Select[Any]:
        row = _row_class(kind)
        if kind is RecordType.LEAD:
            from leadline.persistence.leads.repositories import LeadRepository

            assert isinstance(query, LeadQuery)
            statement = LeadRepository(self.session).matching(query)
            if visible_owner_ids is not None:
                statement = statement.where(row.owner_id.in_(list(visible_owner_ids)))
        else:
            assert isinstance(query, RecordQuery)
            visible = None if visible_owner_ids is None else tuple(visible_owner_ids)
            statement = _record_repository(kind, self.session).matching(replace(query, visible_owner_ids=visible))
        table = row.__table__
        aliases = [_custom_alias(index) for index in range(len(custom))]
        for joined, definition in zip(aliases, custom, strict=True):
            statement = statement.outerjoin(joined, (joined.c.record_id == table.c.id)
                                            & (joined.c.field_id == definition.id))
        accounts = None if readable_accounts is None else tuple(readable_accounts)
        selected = [expression for expression, _ in self._reads(kind, columns, custom, aliases, accounts)]
        return statement.with_only_columns(*selected).order_by(table.c.id)

    def _reads(self, kind: RecordType, columns: Sequence[str], custom: Sequence[CustomFieldDefinition],
               aliases: Sequence[Any] | None = None,
               readable_accounts: tuple[int, ...] | None = None) -> list[tuple[Any, str]]:
        """What to select for each value of a row, and how the value then comes (``_read``)."""
        table = _row_class(kind).__table__
        dialect = self.engine.dialect.name
        joined = aliases if aliases is not None else [_custom_alias(index) for index in range(len(custom))]
        read = [_read(_column(table, name, readable_accounts), dialect) for name in columns]
        return read + [_read(alias.c[VALUE_COLUMN[d.type.value]], dialect)
                       for alias, d in zip(joined, custom, strict=True)]


def _column(table: Any, name: str, readable_accounts: tuple[int, ...] | None = None) -> Any:
    """The column ``name`` of ``table``, or ``account.name``: the name of the record's account
    (a contact's, an opportunity's), read by its primary key in the same statement; None for an
    account whose owner is not one of ``readable_accounts`` (its name is not the reader's)."""
    if name != "account.name":
        return table.c[name]
    from leadline.persistence.accounts.rows import AccountRow

    accounts = AccountRow.__table__
    found = select(accounts.c.name).where(accounts.c.id == table.c.account_id)
    if readable_accounts is not None:
        found = found.where(accounts.c.owner_id.in_(readable_accounts))
    return found.scalar_subquery()


def _custom_alias(index: int) -> Any:
    return CustomFieldValueRow.__table__.alias(f"custom_{index}")


def _read(column: Any, dialect: str) -> tuple[Any, str]:
    """How the export reads ``column`` and what its values then are. Where the stored form is
    already what the export writes, the column type's conversion is skipped (it is most of a
    row's cost): an enum as its text; on SQLite a money amount as its integer of 10^-places
    (``scaled:4``), a UTC time as its stored text (``utc_text``), a date as ISO text (``iso_text``)."""
    column_type = column.type
    if isinstance(column_type, EnumText):
        return type_coerce(column, String), "text"
    if dialect == "postgresql":
        return _read_postgresql(column)
    if isinstance(column_type, ExactDecimal):
        if dialect == "sqlite":
            return type_coerce(column, BigInteger), f"scaled:{column_type.places}"
        return type_coerce(column, Numeric(column_type.precision, column_type.places, asdecimal=True)), "decimal"
    if dialect == "sqlite" and isinstance(column_type, UtcDateTime):
        return type_coerce(column, String), "utc_text"
    if dialect == "sqlite" and _is_date(column_type):
        return type_coerce(column, String), "iso_text"
    return column, _kind_of(column_type)


def _read_postgresql(column: Any) -> tuple[Any, str]:
    """On PostgreSQL the server writes amounts, times and dates as text in the form the export
    writes, so the client builds no ``Decimal``, ``datetime`` or ``date`` only to format it again:
    an amount without its trailing zeros (``trim_scale``, PostgreSQL 13+: ``1500.5000`` is
    ``1500.5``, ``100.0000`` is ``100``, as ``Decimal.normalize`` gives; ``number_text``), a time
    as ``datetime.isoformat`` writes it in UTC (the microseconds only when not zero; ``iso_time``),
    a date as ISO text (``iso_text``). ``to_char`` depends on neither the session's ``DateStyle``
    nor its ``TimeZone``."""
    column_type = column.type
    if isinstance(column_type, ExactDecimal):
        return type_coerce(func.trim_scale(column), String), "number_text"
    if isinstance(column_type, UtcDateTime):
        utc = func.timezone("UTC", column)
        on_the_second = func.date_trunc("second", column) == column
        iso = case((on_the_second, func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')),
                   else_=func.to_char(utc, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))
        return type_coerce(iso, String), "iso_time"
    if _is_date(column_type):
        return type_coerce(func.to_char(column, "YYYY-MM-DD"), String), "iso_text"
    return column, _kind_of(column_type)


def _is_date(column_type: Any) -> bool:
    return isinstance(column_type, Date) and not isinstance(column_type, DateTime)


def _record_repository(kind: RecordType, session: Session) -> Any:
    if kind is RecordType.OPPORTUNITY:
        from leadline.persistence.opportunities.repositories import OpportunityRepository

        return OpportunityRepository(session)
    from leadline.persistence.accounts.repositories import AccountRepository, ContactRepository

    return (AccountRepository if kind is RecordType.ACCOUNT else ContactRepository)(session)


def _streamed(engine: Engine, statement: Select[Any], batch: int) -> Iterator[Sequence[Sequence[Any]]]:
    with engine.connect().execution_options(leadline_read_only=True, stream_results=True,
                                            yield_per=batch) as connection:
        with connection.begin():
            yield from connection.execute(statement).partitions()


def _kind_of(column_type: Any) -> str:
    from sqlalchemy import Boolean, Enum, Integer

    checks = ((ExactDecimal, "decimal"), (UtcDateTime, "datetime"), (Boolean, "boolean"),
              (DateTime, "datetime"), (Date, "date"), (Integer, "integer"), (Numeric, "decimal"), (Enum, "text"),
              (String, "text"))
    return next((name for cls, name in checks if isinstance(column_type, cls)), "other")
