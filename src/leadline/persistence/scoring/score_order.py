"""A record list in the order of its stored scores (issue 19, item 5): leads by ``lead_scores``,
opportunities by ``opportunity_scores`` (ADR 0046, ADR 0048), the same statements for both.

Keyset pages on (score, id) over the scored records, then the unscored records by id: unscored
records come last whichever the direction (SQLite and PostgreSQL disagree on where NULLs sort, so
neither is asked). A page costs at most two statements, each walking an index and stopping at the
page's end: the scored part reads the score table's ``(score, <record>_id)`` index and joins each
record by its key; the unscored part reads the records' key with an anti-join on the score
table's key. A cursor whose value is None is in the unscored part. A score range (``low``..
``high``) is put on the joined scores, and leaves the unscored part out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Select, Table, exists, literal, tuple_
from sqlalchemy.orm import Session

from leadline.domain.queries import Page
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.mapping import FetchedRows
from leadline.persistence.opportunities.rows import OpportunityRow
from leadline.persistence.scoring.opportunity_rows import OpportunityScoreRow
from leadline.persistence.scoring.rows import LeadScoreRow


@dataclass(frozen=True, slots=True)
class Scored:
    """A record table and the table of its stored scores (one row per scored record)."""

    record_id: Column[Any]
    scores: Table
    #: the score table's column holding the record's id (its primary key)
    key: Column[Any]

    def between(self, low: int | None, high: int | None) -> Any:
        """The record's stored score is within ``low``..``high`` (both ends included): a correlated
        EXISTS (a look-up by the score's key per record), so a list in another order walks its
        own index and stops at the page's end; ``IN (the ids of every such score)`` made SQLite
        gather and sort every match (1.7 s at 1,000,000 leads, bench/RESULTS.md issue 19)."""
        scored = exists().where(self.key == self.record_id)
        if low is not None:
            scored = scored.where(self.scores.c.score >= low)
        if high is not None:
            scored = scored.where(self.scores.c.score <= high)
        return scored


LEADS = Scored(LeadRow.__table__.c.id, LeadScoreRow.__table__, LeadScoreRow.__table__.c.lead_id)
OPPORTUNITIES = Scored(OpportunityRow.__table__.c.id, OpportunityScoreRow.__table__,
                       OpportunityScoreRow.__table__.c.opportunity_id)


def page_by_score(session: Session, statement: Select[Any], scored: Scored, page: Page,
                  low: int | None = None, high: int | None = None) -> FetchedRows:
    """The page of ``statement`` (the filtered records, without their score range) in score order,
    only scores within ``low``..``high`` when either is given."""
    score, key, record_id = scored.scores.c.score, scored.key, scored.record_id
    value, last_id = page.after if page.after is not None else (None, None)
    found = FetchedRows([], [])
    if page.after is None or value is not None:
        joined = statement.join(scored.scores, key == record_id)
        if low is not None:
            joined = joined.where(score >= low)
        if high is not None:
            joined = joined.where(score <= high)
        if page.after is not None:
            bound = tuple_(literal(value, score.type), literal(last_id, key.type))
            joined = joined.where(tuple_(score, key) < bound if page.descending else tuple_(score, key) > bound)
        order = (score.desc(), key.desc()) if page.descending else (score.asc(), key.asc())
        found = FetchedRows.of(session.execute(joined.order_by(*order).limit(page.limit)))
    missing = page.limit - len(found.all())
    if missing and low is None and high is None:
        unscored = statement.where(~exists().where(key == record_id))
        if last_id is not None and value is None:
            unscored = unscored.where(record_id < last_id if page.descending else record_id > last_id)
        order_id = record_id.desc() if page.descending else record_id.asc()
        found = found.then(session.execute(unscored.order_by(order_id).limit(missing)))
    return found
