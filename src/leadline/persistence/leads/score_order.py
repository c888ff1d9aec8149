"""The leads list in the order of their stored scores (issue 19, item 5).

Keyset pages on (score, id) over the scored leads, then the unscored leads by id: unscored leads
come last whichever the direction (SQLite and PostgreSQL disagree on where NULLs sort, so neither
is asked). A page costs at most two statements, each walking an index and stopping at the page's
end: the scored part reads ``ix_lead_scores_score`` (score, lead_id) and joins each lead by its
key; the unscored part reads the leads' key with an anti-join on ``lead_scores``' key. A cursor
whose value is None is in the unscored part. A score range (``min_score``/``max_score``) is put
on the joined scores, and leaves the unscored part out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, exists, literal, tuple_
from sqlalchemy.orm import Session

from leadline.domain.queries import LeadQuery, Page
from leadline.persistence.leads.rows import LeadRow
from leadline.persistence.scoring.rows import LeadScoreRow


class FoundRows:
    """Rows of one or two statements, as ``to_domain_many`` reads a result."""

    def __init__(self, keys: list[str], rows: list[Any]) -> None:
        self._keys, self._rows = keys, rows

    def all(self) -> list[Any]:
        return self._rows

    def keys(self) -> list[str]:
        return self._keys


def page_by_score(session: Session, statement: Select[Any], query: LeadQuery, page: Page) -> FoundRows:
    """The page of ``statement`` (the filtered leads, without their score range) in score order."""
    score = LeadScoreRow.__table__
    value, last_id = page.after if page.after is not None else (None, None)
    keys: list[str] = []
    rows: list[Any] = []
    if page.after is None or value is not None:
        scored = statement.join(score, score.c.lead_id == LeadRow.id)
        if query.min_score is not None:
            scored = scored.where(score.c.score >= query.min_score)
        if query.max_score is not None:
            scored = scored.where(score.c.score <= query.max_score)
        key = tuple_(score.c.score, score.c.lead_id)
        if page.after is not None:
            bound = tuple_(literal(value, score.c.score.type), literal(last_id, score.c.lead_id.type))
            scored = scored.where(key < bound if page.descending else key > bound)
        order = (score.c.score.desc(), score.c.lead_id.desc()) if page.descending else (
            score.c.score.asc(), score.c.lead_id.asc())
        result = session.execute(scored.order_by(*order).limit(page.limit))
        keys, rows = list(result.keys()), result.all()
    missing = page.limit - len(rows)
    if missing and query.min_score is None and query.max_score is None:
        unscored = statement.where(~exists().where(score.c.lead_id == LeadRow.id))
        if last_id is not None and value is None:
            unscored = unscored.where(LeadRow.id < last_id if page.descending else LeadRow.id > last_id)
        order_id = LeadRow.id.desc() if page.descending else LeadRow.id.asc()
        result = session.execute(unscored.order_by(order_id).limit(missing))
        keys, rows = list(result.keys()), [*rows, *result.all()]
    return FoundRows(keys, rows)
