"""The read made for export (docs/adr/0045-export-reads-one-streamed-statement.md): one statement
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

from sqlalchemy import Engine, Select, select
from sqlalchemy.orm import Session

from leadline.domain.configuration.custom_fields import CustomFieldDefinition, RecordType
from leadline.domain.queries import LeadQuery, RecordQuery
from leadline.persistence.configuration.custom_values import VALUE_COLUMN
from leadline.persistence.configuration.rows import CustomFieldValueRow

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

    def column_types(self, kind: RecordType, columns: Sequence[str]) -> list[str]:
        """The stored type of each of ``columns``, as the export formats it: ``text``, ``integer``,
        ``decimal``, ``date``, ``datetime``, ``boolean`` or ``enum``."""
        table = _row_class(kind).__table__
        return [_kind_of(table.c[name].type) for name in columns]

    def rows(self, kind: RecordType, query: LeadQuery | RecordQuery, columns: Sequence[str],
             custom: Sequence[CustomFieldDefinition], visible_owner_ids: Iterable[int] | None,
             batch: int = BATCH) -> Iterator[Sequence[Sequence[Any]]]:
        """The records of ``kind`` matching ``query`` (and, when ``visible_owner_ids`` is not None,
        owned by one of them), oldest id first, in batches of tuples: ``columns`` then the value of
        each of ``custom`` (None where a record has none). The statement is built now, run when the
        first batch is asked for."""
        statement = self._statement(kind, query, columns, custom, visible_owner_ids)
        return _streamed(self.engine, statement, batch)

    def _statement(self, kind: RecordType, query: LeadQuery | RecordQuery, columns: Sequence[str],
                   custom: Sequence[CustomFieldDefinition], visible_owner_ids: Iterable[int] | None) -> Select[Any]:
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
        values = CustomFieldValueRow.__table__
        selected = [table.c[name] for name in columns]
        for definition in custom:
            joined = values.alias(f"custom_{len(selected)}")
            statement = statement.outerjoin(joined, (joined.c.record_id == table.c.id)
                                            & (joined.c.field_id == definition.id))
            selected.append(joined.c[VALUE_COLUMN[definition.type.value]])
        return statement.with_only_columns(*selected).order_by(table.c.id)


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
            result = connection.execute(statement)
            for part in result.partitions():
                yield part


def _kind_of(column_type: Any) -> str:
    from sqlalchemy import Boolean, Date, DateTime, Enum, Integer, Numeric, String

    from leadline.persistence.types import EnumText, ExactDecimal, UtcDateTime

    checks = ((EnumText, "enum"), (ExactDecimal, "decimal"), (UtcDateTime, "datetime"), (Boolean, "boolean"),
              (DateTime, "datetime"), (Date, "date"), (Integer, "integer"), (Numeric, "decimal"), (Enum, "enum"),
              (String, "text"))
    return next((name for cls, name in checks if isinstance(column_type, cls)), "other")
