"""The lead repository: leads with their product interests and status changes. It never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, insert, select

from leadline.domain.ids import new_id, new_ids
from leadline.domain.leads.lead import Lead, ProductInterest
from leadline.domain.queries import LeadQuery, Page
from leadline.persistence.bulk_rows import Processed, insert_columns, insert_rows, record_values, select_rows
from leadline.persistence.configuration.custom_values import custom_value_filters
from leadline.persistence.leads.rows import LeadProductInterestRow, LeadRow, LeadStatusChangeRow
from leadline.persistence.leads.search import search_condition
from leadline.persistence.leads.status_reach import refresh_first_status_reach, refresh_status_reach
from leadline.persistence.mapping import record_builder, to_domain_many
from leadline.persistence.record_repository import (
    RecordRepository,
    paginate,
    time_filters,
)
from leadline.persistence.scoring.score_order import LEADS, page_by_score

_PRODUCT_FIELDS = tuple(f.name for f in fields(ProductInterest))


# built once: an insert given its values as parameters, not as ``.values()`` (which makes a bound
# parameter and a cache key per value, per call)
_INSERT_STATUS_CHANGE = insert(LeadStatusChangeRow.__table__)


def _products_of() -> Select[Any]:
    """The product lines of leads (``lead_ids``): the lead, then the fields of ``ProductInterest``."""
    row = LeadProductInterestRow
    return (select(row.lead_id, *(getattr(row, name) for name in _PRODUCT_FIELDS))
            .where(row.lead_id.in_(bindparam("lead_ids", expanding=True))).order_by(row.lead_id, row.position))


_PRODUCTS_OF = _products_of()


class LeadRepository(RecordRepository[Lead]):
    row_class = LeadRow
    domain_class = Lead
    named_by = ("first_name", "last_name")

    def add(self, record: Lead) -> None:
        super().add(record)
        self._insert_products(record.id, record.products)

    def add_many(self, records: Iterable[Lead], done: Processed | None = None) -> int:
        """``RecordRepository.add_many`` with the leads' ``status_reach`` given (0: no history yet;
        ``record_status_changes`` sets it), so the insert takes ``bulk_rows``' prebuilt statement
        instead of Core's per-row defaults (a third of an import block's write time)."""
        leads = list(records)
        count = len(leads)
        if leads:
            insert_columns(self.session, LeadRow.__table__,
                           {**record_values(LeadRow, leads), "status_reach": [0] * count}, done)
        owners = [(lead.id, position) for lead in leads for position in range(len(lead.products))]
        lines = [line for lead in leads for line in lead.products]
        if lines:
            insert_columns(self.session, LeadProductInterestRow.__table__, {
                "id": new_ids(len(lines)), "lead_id": [lead_id for lead_id, _ in owners],
                "position": [position for _, position in owners],
                **record_values(LeadProductInterestRow, lines),
            }, done)
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
        table, names = LeadRow.__table__, self.columns()
        rows = select_rows(self.session, select(*(table.c[name] for name in names))
                           .where(table.c.id.in_(list(record_ids))).order_by(table.c.id).with_for_update())
        make = record_builder(Lead, names)
        leads = {lead.id: lead for lead in map(make, rows)}
        products = self.products_of(list(leads)) if leads else {}
        for lead in leads.values():
            lead.products = products[lead.id]
        return leads

    def replace_products(self, lead_id: int, products: Sequence[ProductInterest]) -> None:
        self.session.execute(delete(LeadProductInterestRow).where(LeadProductInterestRow.lead_id == lead_id))
        self._insert_products(lead_id, products)

    def products_of(self, lead_ids: list[int]) -> dict[int, list[ProductInterest]]:
        result: dict[int, list[ProductInterest]] = {lid: [] for lid in lead_ids}
        if lead_ids:
            for lead_id, *values in select_rows(self.session, _PRODUCTS_OF, {"lead_ids": lead_ids}):
                result[lead_id].append(ProductInterest(*values))
        return result

    def list(self, query: LeadQuery, page: Page, *, visible_owner_ids: Iterable[int] | None = None) -> list[Lead]:
        """A page of leads matching ``query``; with ``visible_owner_ids``, only theirs (record security).
        Sorted by ``score``: the scored leads by their stored score, then the unscored
        (``scoring.score_order``)."""
        by_score = page.sort == "score"
        statement = self.matching(query, score_range=not by_score)
        if visible_owner_ids is not None:
            statement = statement.where(LeadRow.owner_id.in_(list(visible_owner_ids)))
        found = (page_by_score(self.session, statement, LEADS, page, query.min_score, query.max_score) if by_score
                 else self.session.execute(paginate(statement, LeadRow, page)))
        leads = to_domain_many(Lead, found)
        products = self.products_of([lead.id for lead in leads]) if leads else {}
        for lead in leads:
            lead.products = products[lead.id]
        return leads

    def count_matching(self, query: LeadQuery) -> int:
        statement = self.matching(query).with_only_columns(func.count()).order_by(None)
        return self.session.scalar(statement) or 0

    def record_status_change(
        self, lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None, at: datetime,
        *, reason_id: int | None = None, note: str | None = None,
    ) -> None:
        """One entry of the status history; ``reason_id`` for a disqualification, ``note`` for the
        written reason of an override."""
        self.session.connection().execute(_INSERT_STATUS_CHANGE, self.status_change_values(
            lead_id, from_status_id, to_status_id, actor_id, at, reason_id=reason_id, note=note))
        refresh_status_reach(self.session, [lead_id])

    @staticmethod
    def status_change_values(
        lead_id: int, from_status_id: int | None, to_status_id: int, actor_id: int | None, at: datetime,
        *, reason_id: int | None = None, note: str | None = None,
    ) -> dict[str, Any]:
        """The row ``record_status_change`` writes (with a new id), for ``record_status_changes``."""
        return {"id": new_id(), "lead_id": lead_id, "from_status_id": from_status_id, "to_status_id": to_status_id,
                "actor_id": actor_id, "changed_at": at, "reason_id": reason_id, "note": note}

    def record_status_changes(self, changes: list[dict[str, Any]], *, first: bool = False) -> None:
        """Bulk form of ``record_status_change`` for imports, generated data and bulk conversion
        (rows with the same keys, one executemany). ``first``: these are the first entries of
        leads added in this transaction, which have no other history (an import's block): only
        the leads whose first status is not an open one have their ``status_reach`` rewritten."""
        insert_rows(self.session, LeadStatusChangeRow.__table__, changes)
        if first:
            refresh_first_status_reach(self.session, ((c["lead_id"], c["to_status_id"]) for c in changes))
        else:
            refresh_status_reach(self.session, (change["lead_id"] for change in changes))

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

    def matching(self, query: LeadQuery, *, score_range: bool = True) -> Select[Any]:
        """The leads a list of ``query`` holds (not tombstones), every column, unordered and unpaged
        (the list pages it; the export streams it: persistence/exports.py). ``score_range`` False
        leaves the score floor and ceiling to the caller (the score-ordered page applies them)."""
        statement = select(LeadRow.__table__).where(LeadRow.merged_into_id.is_(None))  # tombstones are not listed
        if query.status_ids:
            statement = statement.where(LeadRow.status_id.in_(query.status_ids))
        if query.source_ids:
            statement = statement.where(LeadRow.source_id.in_(query.source_ids))
        if query.owner_ids:
            statement = statement.where(LeadRow.owner_id.in_(query.owner_ids))
        if query.campaign_ids:
            statement = statement.where(LeadRow.campaign_id.in_(query.campaign_ids))
        if query.ratings:
            statement = statement.where(LeadRow.rating.in_(query.ratings))
        if score_range and (query.min_score is not None or query.max_score is not None):
            statement = statement.where(LEADS.between(query.min_score, query.max_score))
        statement = time_filters(statement, LeadRow, query)
        if query.converted is not None:
            converted = LeadRow.converted_at.is_not(None)
            statement = statement.where(converted if query.converted else ~converted)
        if query.search:  # name, e-mail or company contains it, ignoring case (ADR 0044)
            statement = statement.where(search_condition(self.session, query.search))
        return custom_value_filters(statement, LeadRow, query.custom)

    def _insert_products(self, lead_id: int, products: Sequence[ProductInterest]) -> None:
        values = [self._product_values(lead_id, i, line) for i, line in enumerate(products)]
        if values:
            self.session.connection().execute(insert(LeadProductInterestRow.__table__), values)

    @staticmethod
    def _product_values(lead_id: int, position: int, line: ProductInterest) -> dict[str, Any]:
        return {
            "id": new_id(), "lead_id": lead_id, "position": position, "product_id": line.product_id,
            "product_name": line.product_name, "quantity": line.quantity,
            "estimated_unit_price": line.estimated_unit_price,
        }

