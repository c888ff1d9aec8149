"""What every record repository shares: add, get, save with the optimistic version check, the
same in bulk (``save_rows``), delete, and the pieces of list queries (keyset pagination, time and
owner filters, search). Repositories never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, bindparam, delete, func, insert, literal, null, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadline.domain.common import person_name
from leadline.domain.errors import ConflictError, StaleRecordError
from leadline.domain.history import NamedRecord
from leadline.domain.queries import Page, RecordQuery
from leadline.persistence.bulk_rows import Processed, insert_records, record_columns, update_versioned
from leadline.persistence.configuration.custom_values import custom_value_filters
from leadline.persistence.mapping import row_values, to_domain, to_domain_many
from leadline.persistence.scoring.score_order import OPPORTUNITIES

D = TypeVar("D")


def delete_referenced(session: Session, statement: Any) -> None:
    """Run a DELETE; if other rows still refer to the row, raise ``ConflictError`` (not a 500)."""
    try:
        with session.begin_nested():
            session.execute(statement)
    except IntegrityError:
        raise ConflictError("other records still refer to this one; remove or move them first") from None


@cache
def by_id(table: Any) -> Select[Any]:
    """One prepared statement per table: building a statement costs more than running it."""
    return select(table).where(table.c.id == bindparam("id"))


def paginate(query: Select[Any], row: Any, page: Page) -> Select[Any]:
    """Keyset pagination on (sort column, id), both in the page's direction."""
    column = getattr(row, page.sort)
    if page.after is not None:
        value, last_id = page.after
        if page.sort == "id":
            query = query.where(row.id < last_id if page.descending else row.id > last_id)
        else:
            key = tuple_(column, row.id)
            bound = tuple_(literal(value, column.type), literal(last_id, row.id.type))
            query = query.where(key < bound if page.descending else key > bound)
    if page.descending:
        return query.order_by(column.desc(), row.id.desc()).limit(page.limit)
    return query.order_by(column.asc(), row.id.asc()).limit(page.limit)


def time_filters(statement: Select[Any], row: Any, query: Any) -> Select[Any]:
    for name, column, upper in (("created_from", row.created_at, False), ("created_to", row.created_at, True),
                                ("updated_from", row.updated_at, False), ("updated_to", row.updated_at, True)):
        bound = getattr(query, name)
        if bound is not None:
            statement = statement.where(column < bound if upper else column >= bound)
    return statement


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


class RecordRepository(Generic[D]):
    """Add, get, save with an optimistic version check, and bulk add: the same for every record."""

    row_class: Any
    domain_class: type[D]
    #: the columns a list's ``search`` looks in (accounts, contacts, opportunities)
    searched: tuple[str, ...] = ()
    #: the columns a record's name is made of: its ``name``, or a person's first and last names
    named_by: tuple[str, ...] = ("name",)

    def __init__(self, session: Session) -> None:
        self.session = session

    def matching(self, query: Any) -> Select[Any]:
        """The records a list of ``query`` holds, every column, unordered and unpaged (the lists
        page it; the export streams it: persistence/exports.py)."""
        row = self.row_class
        return record_filters(select(row.__table__), row, query, [getattr(row, name) for name in self.searched])

    def add(self, record: D) -> None:
        """Insert now (a Core insert: no ORM unit-of-work bookkeeping for a row we never reload)."""
        # on the session's connection: a Core insert gains nothing from the ORM's execute path
        self.session.connection().execute(insert(self.row_class.__table__), [row_values(self.row_class, record)])

    def add_many(self, records: Iterable[D], done: Processed | None = None) -> int:
        """Insert many records with one executemany (no ORM unit of work, no RETURNING); see
        ``bulk_rows`` for ``done``."""
        items = list(records)
        insert_records(self.session, self.row_class, items, done)
        return len(items)

    @classmethod
    def columns(cls) -> tuple[str, ...]:
        """The columns ``row_of`` reads: the record's fields that are columns, in field order."""
        return record_columns(cls.row_class, cls.domain_class)[0]

    @classmethod
    def row_of(cls, record: D) -> tuple[Any, ...]:
        """The record's column values, in the order of ``columns`` (a snapshot for ``save_rows``)."""
        return record_columns(cls.row_class, type(record))[1](record)  # type: ignore[no-any-return]

    def get(self, record_id: int) -> D | None:
        row = self.session.execute(by_id(self.row_class.__table__), {"id": record_id}).first()
        return to_domain(self.domain_class, row) if row else None

    def get_many(self, record_ids: Iterable[int]) -> dict[int, D]:
        """Record id -> record, for those of ``record_ids`` that exist, in one statement."""
        wanted = list(set(record_ids))
        if not wanted:
            return {}
        table = self.row_class.__table__
        rows = self.session.execute(select(table).where(table.c.id.in_(wanted)))
        return {record.id: record for record in to_domain_many(self.domain_class, rows)}  # type: ignore[attr-defined]

    def get_for_update(self, record_id: int) -> D | None:
        """Read and lock the row until commit (PostgreSQL); SQLite already serialises writers."""
        table = self.row_class.__table__
        row = self.session.execute(select(table).where(table.c.id == record_id).with_for_update()).first()
        return to_domain(self.domain_class, row) if row else None

    def save(self, record: D) -> None:
        """Write ``record`` back if nobody changed it since it was read; bumps its version."""
        values = row_values(self.row_class, record)
        expected = values.pop("version")
        values.pop("id")
        result = self.session.execute(
            update(self.row_class.__table__)
            .where(self.row_class.id == record.id, self.row_class.version == expected)  # type: ignore[attr-defined]
            .values(**values, version=expected + 1)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise StaleRecordError("the record was changed by someone else; reload and retry", field="version")
        record.version = expected + 1  # type: ignore[attr-defined]
        self.session.expire_all()

    def save_many(self, records: Sequence[D], read: Sequence[D]) -> None:
        """``save`` for many records, given each as it was read (``read``, in the same order): see
        ``save_rows``; each record's version moves on as ``save`` moves it."""
        versions = self.save_rows(list(map(self.row_of, records)), list(map(self.row_of, read)))
        for record, version in zip(records, versions, strict=True):
            record.version = version  # type: ignore[attr-defined]

    def save_rows(self, written: Sequence[tuple[Any, ...]], read: Sequence[tuple[Any, ...]],
                  done: Processed | None = None) -> list[int]:
        """``save`` for many records given as ``row_of`` snapshots, as to be written and as read
        (in the same order, version included), with one executemany. A row still at the version
        read gets the columns in which a record differs from what was read (the others hold what
        was read) and that version plus one; returns those versions. Otherwise ``STALE_RECORD``
        (rows already written stay in the transaction: run this in a savepoint to undo them)."""
        if not written:
            return []
        names = self.columns()
        after, before = list(zip(*written, strict=True)), list(zip(*read, strict=True))
        key, version = names.index("id"), names.index("version")
        if after[key] != before[key]:
            raise ValueError("save_rows needs each record as it was read, in the same order")
        changed = {name: after[i] for i, name in enumerate(names) if i not in (key, version) and after[i] != before[i]}
        changed["version"] = versions = [number + 1 for number in before[version]]
        count = update_versioned(self.session, self.row_class.__table__, after[key], before[version], changed, done)
        if count != len(written):
            raise StaleRecordError("a record was changed by someone else; reload and retry", field="version")
        return versions

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(self.row_class)) or 0

    def owners_of(self, record_ids: Iterable[int]) -> dict[int, int | None]:
        """Record id -> owner id, for those of ``record_ids`` that exist (access checks of records
        only referred to by id: activity links, lineage, history)."""
        wanted = list(set(record_ids))
        if not wanted:
            return {}
        table = self.row_class.__table__
        rows = self.session.execute(select(table.c.id, table.c.owner_id).where(table.c.id.in_(wanted)))
        return {record_id: owner_id for record_id, owner_id in rows}

    def names_of(self, record_ids: Iterable[int]) -> dict[int, NamedRecord]:
        """Record id -> its name, owner and survivor (if merged), for those of ``record_ids`` that
        exist, in one statement (a history naming the records it refers to)."""
        wanted = list(set(record_ids))
        if not wanted:
            return {}
        table = self.row_class.__table__
        merged = table.c.merged_into_id if "merged_into_id" in table.c else null()
        names = [table.c[name] for name in self.named_by]
        rows = self.session.execute(select(table.c.id, table.c.owner_id, merged, *names).where(table.c.id.in_(wanted)))
        return {row[0]: NamedRecord(row[0], str(row[3]) if len(names) == 1 else person_name(row[3], row[4]),
                                    row[1], row[2]) for row in rows}

    def delete(self, record_id: int) -> None:
        """Delete now; a record other records still point to is refused with ``CONFLICT``."""
        delete_referenced(self.session, delete(self.row_class.__table__).where(self.row_class.id == record_id))


def record_filters(statement: Select[Any], row: Any, query: RecordQuery, search_columns: list[Any]) -> Select[Any]:
    statement = time_filters(statement, row, query)
    if hasattr(row, "merged_into_id"):  # a merged record is a tombstone, never listed
        statement = statement.where(row.merged_into_id.is_(None))
    if query.visible_owner_ids is not None:
        statement = statement.where(row.owner_id.in_(list(query.visible_owner_ids)))
    if query.owner_ids:
        statement = statement.where(row.owner_id.in_(query.owner_ids))
    if query.account_id is not None and hasattr(row, "account_id"):
        statement = statement.where(row.account_id == query.account_id)
    if hasattr(row, "stage_id"):
        statement = _opportunity_filters(statement, row, query)
    if query.search:
        pattern = like_pattern(query.search)
        statement = statement.where(or_(*(func.lower(c).like(pattern, escape="\\") for c in search_columns)))
    return custom_value_filters(statement, row, query.custom)


def _opportunity_filters(statement: Select[Any], row: Any, query: RecordQuery) -> Select[Any]:
    """Stage, outcome, close date and amount (ranges include both ends)."""
    if query.stage_ids:
        statement = statement.where(row.stage_id.in_(query.stage_ids))
    if query.outcomes:
        statement = statement.where(row.outcome.in_(query.outcomes))
    for column, low, high in ((row.close_date, query.close_from, query.close_to),
                              (row.amount, query.amount_from, query.amount_to)):
        if low is not None:
            statement = statement.where(column >= low)
        if high is not None:
            statement = statement.where(column <= high)
    if query.min_score is not None or query.max_score is not None:
        statement = statement.where(OPPORTUNITIES.between(query.min_score, query.max_score))
    return statement

