"""Repositories for leads, accounts, contacts and opportunities. They never commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from functools import cache
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, Table, bindparam, delete, func, insert, literal, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from leadline.domain.accounts import Account, Contact
from leadline.domain.errors import ConflictError, StaleRecordError
from leadline.domain.ids import new_id, new_ids
from leadline.domain.leads import Lead, ProductInterest
from leadline.domain.opportunities import Opportunity
from leadline.domain.queries import LeadQuery, Page, RecordQuery
from leadline.persistence.mapping import column_values, insert_many, row_values, to_domain
from leadline.persistence.rows import (
    AccountRow,
    ContactRow,
    LeadProductInterestRow,
    LeadRow,
    LeadStatusChangeRow,
    OpportunityRow,
)

D = TypeVar("D")


def delete_referenced(session: Session, statement: Any) -> None:
    """Run a DELETE; if other rows still refer to the row, raise ``ConflictError`` (not a 500)."""
    try:
        with session.begin_nested():
            session.execute(statement)
    except IntegrityError:
        raise ConflictError("other records still refer to this one; remove or move them first") from None


@cache
def _by_id(table: Any) -> Select[Any]:
    """One prepared statement per table: building a statement costs more than running it."""
    return select(table).where(table.c.id == bindparam("id"))


_PRODUCTS_OF = (
    select(LeadProductInterestRow.__table__)
    .where(LeadProductInterestRow.lead_id.in_(bindparam("ids", expanding=True)))
    .order_by(LeadProductInterestRow.lead_id, LeadProductInterestRow.position)
)


def insert_rows(session: Session, table: Table, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows given as dicts with the same keys, with one executemany (``insert_many``)."""
    if rows:
        insert_many(session, table, {key: [row[key] for row in rows] for key in rows[0]})


def _update_many(session: Session, table: Table, ids: list[int], read_versions: list[int],
                 columns: dict[str, list[Any]]) -> int:
    """``UPDATE table SET <columns> WHERE id = ? AND version = ?`` for many rows with one
    executemany; returns the rows changed. As in ``insert_many``, each column's values go through
    that column type's own bind processor, so the driver gets what a Core update would send."""
    connection = session.connection()
    dialect = connection.dialect
    statement = (update(table).where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_read"))
                 .values({name: bindparam(f"v_{name}") for name in columns}))
    compiled = statement.compile(dialect=dialect)
    processed: dict[str, list[Any]] = {"b_id": ids, "b_read": read_versions}
    for name, values in columns.items():
        process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        processed[f"v_{name}"] = values if process is None else list(map(process, values))
    if dialect.positional:
        parameters: list[Any] = list(zip(*(processed[name] for name in compiled.positiontup or ()), strict=True))
    else:
        parameters = [dict(zip(processed, row, strict=True)) for row in zip(*processed.values(), strict=True)]
    return int(connection.exec_driver_sql(compiled.string, parameters).rowcount)


def _paginate(query: Select[Any], row: Any, page: Page) -> Select[Any]:
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


def _time_filters(statement: Select[Any], row: Any, query: Any) -> Select[Any]:
    for name, column, upper in (("created_from", row.created_at, False), ("created_to", row.created_at, True),
                                ("updated_from", row.updated_at, False), ("updated_to", row.updated_at, True)):
        bound = getattr(query, name)
        if bound is not None:
            statement = statement.where(column < bound if upper else column >= bound)
    return statement


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


class RecordRepository(Generic[D]):
    """Add, get, save with an optimistic version check, and bulk add: the same for every record."""

    row_class: Any
    domain_class: type[D]

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, record: D) -> None:
        """Insert now (a Core insert: no ORM unit-of-work bookkeeping for a row we never reload)."""
        self.session.execute(insert(self.row_class.__table__), [row_values(self.row_class, record)])

    def add_many(self, records: Iterable[D]) -> int:
        """Insert many records with one executemany (no ORM unit of work, no RETURNING)."""
        items = list(records)
        if items:
            insert_many(self.session, self.row_class.__table__, column_values(self.row_class, items))
        return len(items)

    def get(self, record_id: int) -> D | None:
        row = self.session.execute(_by_id(self.row_class.__table__), {"id": record_id}).first()
        return to_domain(self.domain_class, row) if row else None

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
        """``save`` for many records with one executemany, given each as it was read (``read``, in
        the same order, version included): a row still at the version read gets the columns in
        which the record differs from what was read (the others hold what was read) and that
        version plus one, as does the record; otherwise ``STALE_RECORD`` (rows already written
        stay in the transaction: run this in a savepoint to undo them)."""
        if not records:
            return
        after, before = column_values(self.row_class, records), column_values(self.row_class, read)
        if after["id"] != before["id"]:
            raise ValueError("save_many needs each record as it was read, in the same order")
        changed = {name: values for name, values in after.items()
                   if name not in ("id", "version") and values != before[name]}
        changed["version"] = [version + 1 for version in before["version"]]
        written = _update_many(self.session, self.row_class.__table__, after["id"], before["version"], changed)
        if written != len(records):
            raise StaleRecordError("a record was changed by someone else; reload and retry", field="version")
        for record, version in zip(records, changed["version"], strict=True):
            record.version = version  # type: ignore[attr-defined]

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(self.row_class)) or 0

    def delete(self, record_id: int) -> None:
        """Delete now; a record other records still point to is refused with ``CONFLICT``."""
        delete_referenced(self.session, delete(self.row_class.__table__).where(self.row_class.id == record_id))


class LeadRepository(RecordRepository[Lead]):
    row_class = LeadRow
    domain_class = Lead

    def add(self, record: Lead) -> None:
        super().add(record)
        self._insert_products(record.id, record.products)

    def add_many(self, records: Iterable[Lead]) -> int:
        leads = list(records)
        count = super().add_many(leads)
        owners = [(lead.id, position) for lead in leads for position in range(len(lead.products))]
        lines = [line for lead in leads for line in lead.products]
        if lines:
            insert_many(self.session, LeadProductInterestRow.__table__, {
                "id": new_ids(len(lines)), "lead_id": [lead_id for lead_id, _ in owners],
                "position": [position for _, position in owners],
                **column_values(LeadProductInterestRow, lines),
            })
        return count

    def get(self, record_id: int) -> Lead | None:
        lead = super().get(record_id)
        if lead is not None:
            lead.products = self.products_of([record_id])[record_id]
        return lead

    def get_for_update(self, record_id: int) -> Lead | None:
        lead = super().get_for_update(record_id)
        if lead is not None:
            lead.products = self.products_of([record_id])[record_id]
        return lead

    def get_many_for_update(self, record_ids: Sequence[int]) -> dict[int, Lead]:
        """``get_for_update`` of many leads in one query (locked in id order): those that exist, by id."""
        table = LeadRow.__table__
        rows = self.session.execute(select(table).where(table.c.id.in_(list(record_ids))).order_by(table.c.id)
                                    .with_for_update())
        leads = {lead.id: lead for lead in (to_domain(Lead, row) for row in rows)}
        products = self.products_of(list(leads)) if leads else {}
        for lead in leads.values():
            lead.products = products[lead.id]
        return leads

    def replace_products(self, lead_id: int, products: Sequence[ProductInterest]) -> None:
        self.session.execute(delete(LeadProductInterestRow).where(LeadProductInterestRow.lead_id == lead_id))
        self._insert_products(lead_id, products)

    def products_of(self, lead_ids: list[int]) -> dict[int, list[ProductInterest]]:
        result: dict[int, list[ProductInterest]] = {lid: [] for lid in lead_ids}
        for row in self.session.execute(_PRODUCTS_OF, {"ids": lead_ids}):
            result[row.lead_id].append(to_domain(ProductInterest, row))
        return result

    def list(self, query: LeadQuery, page: Page, *, visible_owner_ids: Iterable[int] | None = None) -> list[Lead]:
        """A page of leads matching ``query``; with ``visible_owner_ids``, only theirs (record security)."""
        statement = self._filtered(query)
        if visible_owner_ids is not None:
            statement = statement.where(LeadRow.owner_id.in_(list(visible_owner_ids)))
        statement = _paginate(statement, LeadRow, page)
        leads = [to_domain(Lead, r) for r in self.session.execute(statement)]
        products = self.products_of([lead.id for lead in leads]) if leads else {}
        for lead in leads:
            lead.products = products[lead.id]
        return leads

    def count_matching(self, query: LeadQuery) -> int:
        statement = self._filtered(query).with_only_columns(func.count()).order_by(None)
        return self.session.scalar(statement) or 0

    def record_status_change(
        self, lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None, at: datetime,
        *, reason_id: int | None = None, note: str | None = None,
    ) -> None:
        """One entry of the status history; ``reason_id`` for a disqualification, ``note`` for the
        written reason of an override."""
        self.session.execute(insert(LeadStatusChangeRow.__table__).values(self.status_change_values(
            lead_id, from_status_id, to_status_id, actor_id, at, reason_id=reason_id, note=note)))

    @staticmethod
    def status_change_values(
        lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None, at: datetime,
        *, reason_id: int | None = None, note: str | None = None,
    ) -> dict[str, Any]:
        """The row ``record_status_change`` writes (with a new id), for ``record_status_changes``."""
        return {"id": new_id(), "lead_id": lead_id, "from_status_id": from_status_id, "to_status_id": to_status_id,
                "actor_id": actor_id, "changed_at": at, "reason_id": reason_id, "note": note}

    def record_status_changes(self, changes: list[dict[str, Any]]) -> None:
        """Bulk form of ``record_status_change`` for imports, generated data and bulk conversion
        (rows with the same keys, one executemany)."""
        insert_rows(self.session, LeadStatusChangeRow.__table__, changes)

    def status_history(self, lead_id: int) -> list[tuple[int | None, int, int | None, datetime]]:
        """(from status, to status, actor, when) of every status change, oldest first."""
        query = (
            select(LeadStatusChangeRow.from_status_id, LeadStatusChangeRow.to_status_id,
                   LeadStatusChangeRow.actor_id, LeadStatusChangeRow.changed_at)
            .where(LeadStatusChangeRow.lead_id == lead_id)
            .order_by(LeadStatusChangeRow.changed_at, LeadStatusChangeRow.id)
        )
        return [tuple(row) for row in self.session.execute(query)]  # type: ignore[misc]

    def status_changes(self, lead_id: int) -> list[dict[str, Any]]:
        """Every status change with its reason and note, oldest first."""
        row = LeadStatusChangeRow
        query = (select(row.from_status_id, row.to_status_id, row.actor_id, row.changed_at, row.reason_id, row.note)
                 .where(row.lead_id == lead_id).order_by(row.changed_at, row.id))
        return [dict(r._mapping) for r in self.session.execute(query)]

    def _filtered(self, query: LeadQuery) -> Select[Any]:
        statement = select(LeadRow.__table__)
        if query.status_ids:
            statement = statement.where(LeadRow.status_id.in_(query.status_ids))
        if query.source_ids:
            statement = statement.where(LeadRow.source_id.in_(query.source_ids))
        if query.owner_ids:
            statement = statement.where(LeadRow.owner_id.in_(query.owner_ids))
        statement = _time_filters(statement, LeadRow, query)
        if query.converted is not None:
            converted = LeadRow.converted_at.is_not(None)
            statement = statement.where(converted if query.converted else ~converted)
        if query.search:
            pattern = _like(query.search)
            full_name = func.lower(func.coalesce(LeadRow.first_name, "") + " " + LeadRow.last_name)
            statement = statement.where(or_(
                full_name.like(pattern, escape="\\"),
                func.lower(LeadRow.email).like(pattern, escape="\\"),
                func.lower(LeadRow.company).like(pattern, escape="\\"),
            ))
        return statement

    def _insert_products(self, lead_id: int, products: Sequence[ProductInterest]) -> None:
        values = [self._product_values(lead_id, i, line) for i, line in enumerate(products)]
        if values:
            self.session.execute(insert(LeadProductInterestRow.__table__), values)

    @staticmethod
    def _product_values(lead_id: int, position: int, line: ProductInterest) -> dict[str, Any]:
        return {
            "id": new_id(), "lead_id": lead_id, "position": position, "product_id": line.product_id,
            "product_name": line.product_name, "quantity": line.quantity,
            "estimated_unit_price": line.estimated_unit_price,
        }


def _record_filters(statement: Select[Any], row: Any, query: RecordQuery, search_columns: list[Any]) -> Select[Any]:
    statement = _time_filters(statement, row, query)
    if query.visible_owner_ids is not None:
        statement = statement.where(row.owner_id.in_(list(query.visible_owner_ids)))
    if query.owner_ids:
        statement = statement.where(row.owner_id.in_(query.owner_ids))
    if query.account_id is not None and hasattr(row, "account_id"):
        statement = statement.where(row.account_id == query.account_id)
    if query.stage_ids and hasattr(row, "stage_id"):
        statement = statement.where(row.stage_id.in_(query.stage_ids))
    if query.search:
        pattern = _like(query.search)
        statement = statement.where(or_(*(func.lower(c).like(pattern, escape="\\") for c in search_columns)))
    return statement


class AccountRepository(RecordRepository[Account]):
    row_class = AccountRow
    domain_class = Account

    def list(self, query: RecordQuery, page: Page) -> list[Account]:
        columns = [AccountRow.name, AccountRow.domain]
        statement = _record_filters(select(AccountRow.__table__), AccountRow, query, columns)
        rows = self.session.execute(_paginate(statement, AccountRow, page))
        return [to_domain(Account, r) for r in rows]

    def parent_of(self, account_id: int) -> int | None:
        return self.session.scalar(select(AccountRow.parent_id).where(AccountRow.id == account_id))


class ContactRepository(RecordRepository[Contact]):
    row_class = ContactRow
    domain_class = Contact

    def list(self, query: RecordQuery, page: Page) -> list[Contact]:
        columns = [ContactRow.last_name, ContactRow.first_name, ContactRow.email]
        statement = _record_filters(select(ContactRow.__table__), ContactRow, query, columns)
        rows = self.session.execute(_paginate(statement, ContactRow, page))
        return [to_domain(Contact, r) for r in rows]


class OpportunityRepository(RecordRepository[Opportunity]):
    row_class = OpportunityRow
    domain_class = Opportunity

    def list(self, query: RecordQuery, page: Page) -> list[Opportunity]:
        statement = _record_filters(select(OpportunityRow.__table__), OpportunityRow, query, [OpportunityRow.name])
        return [
            to_domain(Opportunity, r)
            for r in self.session.execute(_paginate(statement, OpportunityRow, page))
        ]
