"""The furthest funnel step each lead's status history reached (``leads.status_reach``), kept with
the history: whoever records status changes refreshes the leads they changed, recomputed from the
whole history (so the column is right whatever order the changes came in). The funnel report
reads the column instead of aggregating two history rows a lead (ADR 0039)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from leadline.domain.configuration.statuses import StatusKind
from leadline.persistence.configuration.rows import LeadStatusRow
from leadline.persistence.leads.rows import LeadRow, LeadStatusChangeRow

#: Leads refreshed per statement (bound parameters stay well under SQLite's limit).
BLOCK = 500


def status_step() -> Any:
    """A status's funnel step: 2 qualified (a qualified or converted status), 0 open, 1 any other."""
    kind = LeadStatusRow.kind
    return case((kind.in_([StatusKind.QUALIFIED, StatusKind.CONVERTED]), 2), (kind == StatusKind.OPEN, 0), else_=1)


def reach_from_history(lead_id: Any) -> Any:
    """The furthest step of ``lead_id``'s status history (0 without any), as a scalar subquery."""
    c = LeadStatusChangeRow
    return (select(func.coalesce(func.max(status_step()), 0)).select_from(c)
            .join(LeadStatusRow, LeadStatusRow.id == c.to_status_id).where(c.lead_id == lead_id).scalar_subquery())


def refresh_status_reach(session: Session, lead_ids: Iterable[int]) -> None:
    """Recompute ``status_reach`` of ``lead_ids`` from their history, in the caller's transaction
    (the row's version is not touched: this is derived data, not an edit)."""
    ids = sorted(set(lead_ids))
    leads = LeadRow.__table__
    for start in range(0, len(ids), BLOCK):
        session.connection().execute(update(leads).where(leads.c.id.in_(ids[start:start + BLOCK]))
                                     .values(status_reach=reach_from_history(leads.c.id)))


def refresh_first_status_reach(session: Session, first_changes: Iterable[tuple[int, int]]) -> None:
    """``refresh_status_reach`` of leads added in this transaction with their first status entry,
    (lead id, status id) each, and no other history: a lead entering an open status keeps the
    column's default (0, what its history gives), so only the others are written (an import
    of new leads rewrites no row)."""
    opened = set(session.scalars(select(LeadStatusRow.id).where(LeadStatusRow.kind == StatusKind.OPEN)))
    refresh_status_reach(session, (lead_id for lead_id, status_id in first_changes if status_id not in opened))
