"""Stages, velocity and the pipeline as of a past date, computed in the database from the
opportunities and their recorded history (every change of stage, amount, close date, probability,
outcome or owner is a row of ``opportunity_stage_changes`` with the figures and owner after it).

A pipeline as of a date groups and filters by the owner then (the state's ``owner_id``);
record-level security stays the owner now: a report holds what the viewer may read today."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, and_, case, false, func, not_, or_, select, true, type_coerce
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session, aliased

from leadline.domain.opportunities.opportunity import Outcome
from leadline.domain.reports import ReportScope
from leadline.persistence.opportunities.rows import OpportunityRow, OpportunityStageChangeRow, OpportunityStageRow
from leadline.persistence.reports.scope import (
    days_between,
    dialect_of,
    group_keys,
    keyed,
    rate_on,
    rate_periods,
    scope_conditions,
)
from leadline.persistence.types import ExactDecimal

Opp = OpportunityRow
History = OpportunityStageChangeRow


def _sum(column: Any) -> Any:
    return type_coerce(func.coalesce(func.sum(column), 0), ExactDecimal)


def _state_at(moment: datetime, name: str, dialect: str) -> Any:
    """Each opportunity's figures and owner at ``moment``: its latest history row before it. PostgreSQL
    keeps each opportunity's first row of a backward read of ``ix_opportunity_stage_changes_state``
    (``DISTINCT ON``: a third of the CPU of numbering the rows, bench/RESULTS.md, issue 19);
    SQLite numbers them."""
    h = History
    figures = (h.opportunity_id, h.to_stage_id.label("stage_id"), h.amount, h.currency, h.close_date, h.owner_id)
    latest_first = (h.opportunity_id.desc(), h.changed_at.desc(), h.id.desc())
    if dialect == "postgresql":
        return (select(*figures).where(h.changed_at < moment).ext(distinct_on(h.opportunity_id))
                .order_by(*latest_first).subquery(name))
    latest = func.row_number().over(partition_by=h.opportunity_id, order_by=latest_first[1:])
    ranked = select(*figures, latest.label("n")).where(h.changed_at < moment).subquery(f"{name}_ranked")
    return (select(ranked.c.opportunity_id, ranked.c.stage_id, ranked.c.amount, ranked.c.currency,
                   ranked.c.close_date, ranked.c.owner_id).where(ranked.c.n == 1).subquery(name))


class DealQueries:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = dialect_of(session)

    def _entries(self, scope: ReportScope) -> Any:
        """Each entry of an opportunity into a stage (a history row whose stage changed), with
        when it left it (None while it stays)."""
        h = History
        left = func.lead(h.changed_at).over(partition_by=h.opportunity_id, order_by=(h.changed_at, h.id))
        return (select(h.opportunity_id, h.to_stage_id.label("stage_id"), h.changed_at, left.label("left_at"))
                .join(Opp, Opp.id == h.opportunity_id)
                .where(or_(h.from_stage_id.is_(None), h.from_stage_id != h.to_stage_id),
                       *scope_conditions(Opp, scope, self.dialect)).subquery("entries"))

    def stage_reach(self, scope: ReportScope) -> list[tuple[int, int | None, bool, int]]:
        """(process, order of the furthest open stage entered (None: none), won, opportunities)."""
        entries, stage = self._entries(scope), OpportunityStageRow
        furthest = func.max(case((stage.is_closed.is_(False), stage.order), else_=None)).label("furthest")
        won = func.max(case((and_(stage.is_closed.is_(True), stage.is_won.is_(True)), 1), else_=0)).label("won")
        per_opportunity = (select(func.max(stage.process_id).label("process_id"), furthest, won)
                           .select_from(entries).join(stage, stage.id == entries.c.stage_id)
                           .group_by(entries.c.opportunity_id).subquery("reach"))
        r = per_opportunity
        query = select(r.c.process_id, r.c.furthest, r.c.won, func.count()).group_by(r.c.process_id, r.c.furthest,
                                                                                     r.c.won)
        return [(p, f, bool(w), n) for p, f, w, n in self.session.execute(query)]

    def stage_stays(self, scope: ReportScope) -> list[tuple[int, int, int]]:
        """(stage, whole days spent in it, stays) of every stay that ended (the stage was left)."""
        entries = self._entries(scope)
        days = days_between(entries.c.changed_at, entries.c.left_at, self.dialect).label("days")
        query = (select(entries.c.stage_id, days, func.count()).where(entries.c.left_at.is_not(None))
                 .group_by(entries.c.stage_id, days))
        return [tuple(row) for row in self.session.execute(query)]  # type: ignore[misc]

    def closed(self, scope: ReportScope, by: str | None, start: datetime,
               end: datetime) -> list[tuple[Any, str, str, Any, int, Any, int]]:
        """Opportunities closed in ``[start, end)``: (key, outcome, currency, valid-from of the rate
        on the close date (None: no rate), count, amount, days from created to closed) per group."""
        periods, keys = rate_periods(), group_keys(Opp, by, self.dialect)
        days = func.sum(days_between(Opp.created_at, Opp.closed_at, self.dialect))
        query = (select(*keys, Opp.outcome, Opp.currency, periods.c.rate_from, func.count(), _sum(Opp.amount),
                        type_coerce(func.coalesce(days, 0), Integer))
                 .select_from(Opp).outerjoin(periods, rate_on(periods, Opp.currency, Opp.close_date))
                 .where(Opp.outcome.in_([Outcome.WON, Outcome.LOST]), Opp.closed_at >= start, Opp.closed_at < end,
                        *scope_conditions(Opp, scope, self.dialect))
                 .group_by(*keys, Opp.outcome, Opp.currency, periods.c.rate_from))
        return [(key, Outcome(o).value, *rest) for key, o, *rest in keyed(self.session.execute(query), keys)]

    def _open_just_before(self, scope: ReportScope, moment: datetime) -> tuple[Any, Any]:
        """The one rebuild of the pipeline just before ``moment`` from the history, shared by the
        pipeline as of a date, its open list and velocity's open count: each opportunity's state
        then, and a statement (to give its columns) over those in scope whose stage then was open
        (a moment after now: those open now), filtered by the owner then."""
        state, stage = _state_at(moment, "state", self.dialect), OpportunityStageRow
        return state, (select(state.c.opportunity_id).select_from(state)
                       .join(Opp, Opp.id == state.c.opportunity_id).join(stage, stage.id == state.c.stage_id)
                       .where(stage.is_closed.is_(False),
                              *scope_conditions(Opp, scope, self.dialect, owner=state.c.owner_id)))

    def open_counts_at(self, scope: ReportScope, by: str | None, moment: datetime) -> list[tuple[Any, int]]:
        """(key, opportunities open just before ``moment``) per group, as ``open_at`` counts them."""
        state, open_ones = self._open_just_before(scope, moment)
        keys = group_keys(Opp, by, self.dialect, owner=state.c.owner_id)
        query = open_ones.with_only_columns(*keys, func.count()).group_by(*keys)
        return keyed(self.session.execute(query), keys)  # type: ignore[return-value]

    def open_at(self, scope: ReportScope, by: str | None, moment: datetime) -> list[tuple[Any, ...]]:
        """The pipeline just before ``moment``, rebuilt from the history: (key, stage, currency,
        valid-from of the rate on the close date then, count, amount) per group (by the owner
        then) of open ones."""
        state, open_ones = self._open_just_before(scope, moment)
        periods, keys = rate_periods(), group_keys(Opp, by, self.dialect, owner=state.c.owner_id)
        group = (*keys, state.c.stage_id, state.c.currency, periods.c.rate_from)
        query = (open_ones.with_only_columns(*group, func.count(), _sum(state.c.amount))
                 .outerjoin(periods, rate_on(periods, state.c.currency, state.c.close_date)).group_by(*group))
        return keyed(self.session.execute(query), keys)

    def open_list_at(self, scope: ReportScope, moment: datetime, limit: int) -> list[tuple[Any, ...]]:
        """The largest open opportunities just before ``moment``: (id, name, owner then, stage,
        amount, currency, close date), largest first."""
        state, open_ones = self._open_just_before(scope, moment)
        query = (open_ones.with_only_columns(Opp.id, Opp.name, state.c.owner_id, state.c.stage_id, state.c.amount,
                                             state.c.currency, state.c.close_date)
                 .order_by(state.c.amount.desc().nulls_last(), Opp.id).limit(limit))
        return [tuple(row) for row in self.session.execute(query)]

    def changes(self, scope: ReportScope, start: datetime, end: datetime) -> list[tuple[Any, ...]]:
        """How the pipeline changed from just before ``start`` to just before ``end``: (new, moved,
        pushed, won, lost, handed in, handed out, currency, valid-from of the rate, count, amount at
        the end) per group. New: not there at the start; moved: open at both, another stage;
        pushed: open at both, a later close date; won/lost: open (or new) at the start, closed so
        at the end. With an owner or team filter those five count the opportunities owned so at
        the end, and a deal open at the start and handed between owners is *handed in* (owned
        outside the filter at the start, inside at the end) or *handed out* (the converse), so
        open at the start + new + handed in - handed out - won - lost = open at the end."""
        before, after = _state_at(start, "before", self.dialect), _state_at(end, "after", self.dialect)
        periods = rate_periods()
        s1, s2 = aliased(OpportunityStageRow), aliased(OpportunityStageRow)
        owners = [keys for name, keys in scope.filters if name == "owner"]
        unowned = replace(scope, filters=tuple((name, keys) for name, keys in scope.filters if name != "owner"))
        ends = and_(after.c.owner_id.is_not(None), *(after.c.owner_id.in_(sorted(keys)) for keys in owners))
        starts = and_(before.c.owner_id.is_not(None), *(before.c.owner_id.in_(sorted(keys)) for keys in owners))
        new = before.c.opportunity_id.is_(None)
        was_open = or_(new, s1.is_closed.is_(False))
        open_at_start = and_(before.c.opportunity_id.is_not(None), s1.is_closed.is_(False))
        both_open = and_(open_at_start, s2.is_closed.is_(False))
        kept = ends if owners else true()
        flags = [type_coerce(case((condition, 1), else_=0), Integer).label(name) for name, condition in (
            ("new", and_(kept, new)), ("moved", and_(kept, both_open, before.c.stage_id != after.c.stage_id)),
            ("pushed", and_(kept, both_open, after.c.close_date > before.c.close_date)),
            ("won", and_(kept, was_open, s2.is_closed.is_(True), s2.is_won.is_(True))),
            ("lost", and_(kept, was_open, s2.is_closed.is_(True), s2.is_won.is_(False))),
            ("handed_in", and_(ends, not_(starts), open_at_start) if owners else false()),
            ("handed_out", and_(starts, not_(ends), open_at_start) if owners else false()))]
        group = (*flags, after.c.currency, periods.c.rate_from)
        query = (select(*group, func.count(), _sum(after.c.amount)).select_from(after)
                 .join(Opp, Opp.id == after.c.opportunity_id).join(s2, s2.id == after.c.stage_id)
                 .outerjoin(before, before.c.opportunity_id == after.c.opportunity_id)
                 .outerjoin(s1, s1.id == before.c.stage_id)
                 .outerjoin(periods, rate_on(periods, after.c.currency, after.c.close_date))
                 .where(*scope_conditions(Opp, unowned, self.dialect), or_(ends, starts) if owners else true())
                 .group_by(*group))
        return [tuple(row) for row in self.session.execute(query)]
