"""The lead funnel and time to conversion, computed in the database from the recorded history:
lead status changes, conversion records (not undone) and the opportunities converted leads became.
Python receives counts per group, never the leads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, case, func, literal, select, text, type_coerce, union_all
from sqlalchemy.orm import Session

from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.opportunities.opportunity import Outcome
from leadline.domain.reports import ReportScope
from leadline.persistence.configuration.rows import LeadStatusRow
from leadline.persistence.conversion.rows import LeadConversionRow
from leadline.persistence.leads.rows import LeadRow, LeadStatusChangeRow
from leadline.persistence.opportunities.rows import OpportunityRow
from leadline.persistence.reports.scope import days_between, dialect_of, group_keys, keyed, scope_conditions

#: Read each lead's furthest status step from the history (True) instead of ``leads.status_reach``
#: (False, the default): the benchmark's "before" side, and the check that the column is right.
FROM_HISTORY = False


def _status_steps(session: Session) -> Any:
    """Per lead that left the open statuses: the furthest funnel step its statuses show (a status
    that left the open ones is "working" 1; qualified, or converted (the gate passed), "qualified"
    2), aggregated from the history: what ``leads.status_reach`` keeps (used when ``FROM_HISTORY``)."""
    kinds = dict(session.execute(select(LeadStatusRow.id, LeadStatusRow.kind)).all())
    opened = sorted(i for i, kind in kinds.items() if kind is StatusKind.OPEN)
    qualified = sorted(i for i, kind in kinds.items() if kind in (StatusKind.QUALIFIED, StatusKind.CONVERTED))
    c = LeadStatusChangeRow
    step = case((c.to_status_id.in_(qualified), 2), else_=1) if qualified else literal(1, Integer)
    query = select(c.lead_id, func.max(step).label("step"))
    if opened:
        query = query.where(c.to_status_id.not_in(opened))
    return query.group_by(c.lead_id).subquery("status_steps")


def _conversions() -> Any:
    """Each converted lead's first conversion that was not undone."""
    c = LeadConversionRow
    return (select(c.lead_id, func.min(c.converted_at).label("at"))
            .where(c.undone_at.is_(None)).group_by(c.lead_id).subquery("conversions"))


def _opportunities(readable: Iterable[int] | None) -> Any:
    """Per originating lead: whether any of its opportunities (that the viewer may read) is won."""
    o = OpportunityRow
    won = func.max(case((o.outcome == Outcome.WON, 1), else_=0))
    query = select(o.originating_lead_id.label("lead_id"), won.label("won")).where(o.originating_lead_id.is_not(None))
    if readable is not None:
        query = query.where(o.owner_id.in_(sorted(readable)))
    return query.group_by(o.originating_lead_id).subquery("lead_opportunities")


def _reached_sets(readable: Iterable[int] | None) -> tuple[Any, Any, Any]:
    """The ids of the leads with a won opportunity, with any opportunity (both among those the
    viewer may read), and with a conversion not undone."""
    o, c = OpportunityRow, LeadConversionRow
    mine = [o.originating_lead_id.is_not(None)] + ([] if readable is None else [o.owner_id.in_(sorted(readable))])
    return (select(o.originating_lead_id).where(*mine, o.outcome == Outcome.WON),
            select(o.originating_lead_id).where(*mine), select(c.lead_id).where(c.undone_at.is_(None)))


#: The bytes PostgreSQL reckons each id of a hashed set takes (an 8-byte id and a tuple header:
#: ``subplan_is_hashable``); it hashes a set only while its rows times this fit in ``work_mem`` x
#: ``hash_mem_multiplier`` (8 MB by default: about 260,000 ids).
HASHED_ID_BYTES = 32


def _sets_hashed(session: Session) -> bool:
    """Whether PostgreSQL will hash the funnel's id sets: the tables they come from, at the size
    the planner last counted (or, never counted, a row per 32 bytes of table), fit in its hash
    memory. Otherwise it would read a set again for each lead looked up (time in leads x set), so
    the caller joins aggregates instead."""
    rows = "CASE WHEN reltuples >= 0 THEN reltuples ELSE pg_relation_size(oid) / 32.0 END"  # -1: never counted
    fits = text(f"SELECT coalesce(max({rows}), 0) * :per_id <= pg_size_bytes(current_setting('work_mem'))"
                " * current_setting('hash_mem_multiplier')::float8 FROM pg_class"
                " WHERE oid IN ('lead_conversions'::regclass, 'opportunities'::regclass)")
    return bool(session.execute(fits, {"per_id": HASHED_ID_BYTES}).scalar())


class FunnelQueries:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = dialect_of(session)

    def furthest_steps(self, scope: ReportScope, by: str | None,
                       readable_opportunities: Iterable[int] | None) -> list[tuple[Any, int, int]]:
        """(key, furthest step index, leads) per group: won 5, opportunity 4, converted 3, then the
        furthest status (qualified 2, working 1, open 0); a (key, step) may come in several rows.

        One scan of the leads: a lead converted, or with an opportunity, has a converted status in
        its history, so its ``status_reach`` is 2, and only those leads (a quarter of them, say) are
        looked up in the won, opportunity and conversion sets, hashed once each (bench/RESULTS.md,
        issue 19). Where PostgreSQL would not hash them (``_sets_hashed``), the leads are joined to
        per-lead aggregates instead."""
        if FROM_HISTORY:
            return self._furthest_joined(scope, by, readable_opportunities, _status_steps(self.session))
        if self.dialect == "postgresql" and not _sets_hashed(self.session):
            return self._furthest_joined(scope, by, readable_opportunities, None)
        won, opportunity, converted = _reached_sets(readable_opportunities)
        furthest = case((LeadRow.status_reach < 2, type_coerce(LeadRow.status_reach, Integer)),
                        (LeadRow.id.in_(won), 5), (LeadRow.id.in_(opportunity), 4), (LeadRow.id.in_(converted), 3),
                        else_=2)
        furthest = type_coerce(furthest, Integer).label("furthest")
        keys = group_keys(LeadRow, by, self.dialect)
        query = (select(*keys, furthest, func.count())
                 .where(*scope_conditions(LeadRow, scope, self.dialect)).group_by(*keys, furthest))
        return keyed(self.session.execute(query), keys)  # type: ignore[return-value]

    def _furthest_joined(self, scope: ReportScope, by: str | None, readable_opportunities: Iterable[int] | None,
                         statuses: Any) -> list[tuple[Any, int, int]]:
        """``furthest_steps`` by joining the leads to their conversion and opportunity aggregates,
        with their furthest status from ``statuses`` (the history aggregate) or, if None, from
        ``status_reach`` (and then only the leads whose ``status_reach`` is 2 are joined: ADR 0039)."""
        converted, opportunities = _conversions(), _opportunities(readable_opportunities)
        reach = LeadRow.status_reach if statuses is None else func.coalesce(statuses.c.step, 0)
        furthest = case((opportunities.c.won == 1, 5), (opportunities.c.lead_id.is_not(None), 4),
                        (converted.c.lead_id.is_not(None), 3), else_=reach)
        furthest = type_coerce(furthest, Integer).label("furthest")
        keys = group_keys(LeadRow, by, self.dialect)
        where = scope_conditions(LeadRow, scope, self.dialect)
        query = select(*keys, furthest, func.count()).select_from(LeadRow)
        if statuses is not None:
            query = query.outerjoin(statuses, statuses.c.lead_id == LeadRow.id)
        query = (query.outerjoin(converted, converted.c.lead_id == LeadRow.id)
                 .outerjoin(opportunities, opportunities.c.lead_id == LeadRow.id).where(*where))
        if statuses is None:  # only the leads whose status reached 2 can be converted: join those alone
            below = type_coerce(LeadRow.status_reach, Integer).label("furthest")
            unjoined = (select(*keys, below, func.count()).where(*where, LeadRow.status_reach < 2)
                        .group_by(*keys, below))
            query = union_all(unjoined, query.where(LeadRow.status_reach >= 2).group_by(*keys, furthest))
        else:
            query = query.group_by(*keys, furthest)
        return keyed(self.session.execute(query), keys)  # type: ignore[return-value]

    def conversion_days(self, scope: ReportScope, by: str | None) -> list[tuple[Any, int, int]]:
        """(key, whole days from creation to conversion, leads) of the converted leads."""
        converted = _conversions()
        days = days_between(LeadRow.created_at, converted.c.at, self.dialect).label("days")
        keys = group_keys(LeadRow, by, self.dialect)
        query = (select(*keys, days, func.count()).select_from(LeadRow)
                 .join(converted, converted.c.lead_id == LeadRow.id)
                 .where(*scope_conditions(LeadRow, scope, self.dialect)).group_by(*keys, days))
        return keyed(self.session.execute(query), keys)  # type: ignore[return-value]

    def converted_within(self, scope: ReportScope, by: str | None, now: datetime,
                         windows: Iterable[int]) -> list[tuple[Any, int, int, int]]:
        """(key, window in days, leads created at least that long before ``now``, of them those
        converted within that many whole days) per group and window."""
        converted = _conversions()
        days = days_between(LeadRow.created_at, converted.c.at, self.dialect)
        chosen = list(windows)
        sums = []
        for window in chosen:
            old_enough = LeadRow.created_at <= now - timedelta(days=window)
            sums.append(func.count().filter(old_enough))
            sums.append(func.count().filter(old_enough, converted.c.lead_id.is_not(None), days <= window))
        keys = group_keys(LeadRow, by, self.dialect)
        query = (select(*keys, *sums).select_from(LeadRow).outerjoin(converted, converted.c.lead_id == LeadRow.id)
                 .where(*scope_conditions(LeadRow, scope, self.dialect)).group_by(*keys))
        found = []
        for key, *counts in keyed(self.session.execute(query), keys):
            found += [(key, window, counts[2 * i], counts[2 * i + 1]) for i, window in enumerate(chosen)]
        return found
