"""What every funnel and sales report shares: the filters a user names (by dimension), turned
into a ``ReportScope`` the queries apply in the database, with record-level security; and the
labels of the groups a report is cut into.

Filters are keyed by dimension name (``domain.reports.DIMENSIONS``): ``{"source": "Web",
"team": "mia@example.com", "cohort": "2026-Q1", "campaign": "Spring webinar"}``. A dimension's
filter value is resolved by ``_RESOLVERS`` (one entry per kind of key: a lead source, a user, a
manager's team, a campaign, a month).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.sources import find_source
from leadline.domain.errors import PermissionDeniedError, ValidationError
from leadline.domain.reports import (
    DIMENSIONS,
    Dimension,
    ReportScope,
    cohort_bounds,
    dimension_named,
    quarter_of,
    report_day,
    start_of_day,
)
from leadline.domain.security.access import Viewer, subordinates_of
from leadline.services.context import CachedConfig, ServiceContext
from leadline.services.security.access import load_viewer
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


@dataclass(frozen=True)
class ScopeOf:
    """A report's scope, its dimension, and how its group keys are named."""

    scope: ReportScope
    dimension: Dimension | None
    label: Callable[[Any], str]
    #: the column the database groups by (None: one group)
    column: str | None


def parse_day(value: object, field: str) -> date | None:
    """A date written ``YYYY-MM-DD`` (``2026-03-31``) or None; ``VALIDATION_FAILED`` naming
    ``field`` otherwise (``20260331`` too), and for a day outside the years 1900 to 2999
    (``9999-12-31`` would overflow the end of its day): ``domain.reports.report_day``."""
    return report_day(value, field)


def _source(uow: Any, config: CachedConfig, value: str) -> tuple[str, frozenset[int]]:
    return "source", frozenset({find_source(config.sources, value).id})


def _owner(uow: Any, config: CachedConfig, value: str) -> tuple[str, frozenset[int]]:
    user = resolve_user(uow, value, field="owner")
    assert user is not None
    return "owner", frozenset({user.id})


def _team(uow: Any, config: CachedConfig, value: str) -> tuple[str, frozenset[int]]:
    manager = resolve_user(uow, value, field="team")
    assert manager is not None
    return "owner", frozenset({manager.id}) | subordinates_of(manager.id, config.hierarchy)


def _campaign(uow: Any, config: CachedConfig, value: str) -> tuple[str, frozenset[int]]:
    """A campaign by id or by name (any case); a name several campaigns share must be an id."""
    text = value.strip()
    campaigns = uow.campaigns.list()
    found = ([c for c in campaigns if str(c.id) == text]
             or [c for c in campaigns if c.name.casefold() == text.casefold()])
    if not found:
        raise ValidationError(f"there is no campaign {value!r} (a campaign's name or id)", field="campaign")
    if len(found) > 1:
        raise ValidationError(f"{len(found)} campaigns are called {value!r}: name one by its id", field="campaign")
    return "campaign", frozenset({found[0].id})


#: How each dimension's filter value becomes the keys kept (cohort and quarter are a date range).
_RESOLVERS: Mapping[str, Callable[[Any, CachedConfig, str], tuple[str, frozenset[int]]]] = {
    "source": _source, "owner": _owner, "team": _team, "campaign": _campaign,
}


def report_scope(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, record_type: RecordType,
                 filters: Mapping[str, object], by: str | None, *,
                 created: tuple[date | None, date | None] = (None, None)) -> ScopeOf:
    """The scope of a report on ``record_type`` for ``viewer``: only the records they may read,
    limited by ``filters`` (dimension name -> value) and to those ``created`` within the dates
    given (both included), cut by ``by``. A filter on an unknown
    dimension, an unknown source or user, or a malformed cohort is a ``VALIDATION_FAILED`` or
    ``NOT_FOUND`` naming the parameter; an owner or team none of whose records the viewer may
    read is ``PERMISSION_DENIED``."""
    config = ctx.config(uow)
    dimension = dimension_named(by)
    known = {d.name for d in DIMENSIONS}
    scope = ReportScope(viewer.readable_owner_ids(record_type))
    kept: dict[str, frozenset[int]] = {}
    for name, value in filters.items():
        if value in (None, ""):
            continue
        if name not in known:
            raise ValidationError(f"{name!r} is not one of {', '.join(sorted(known))}", field=name)
        if name in ("cohort", "quarter"):
            start, end = cohort_bounds(str(value))
            scope = replace(scope, created_from=start_of_day(start), created_to=start_of_day(end))
            continue
        column, keys = _RESOLVERS[name](uow, config, str(value))
        _ensure_some_readable(scope.readable, name, str(value), keys)
        kept[column] = kept[column] & keys if column in kept else keys
    scope = replace(scope, filters=tuple(sorted(kept.items())))
    scope = _created_within(scope, *created)
    names = {c.id: c.name for c in uow.campaigns.list()} if dimension and dimension.name == "campaign" else {}
    return ScopeOf(scope, dimension, _labeller(config, dimension, names), dimension.column if dimension else None)


def _ensure_some_readable(readable: frozenset[int] | None, name: str, value: str, owners: frozenset[int]) -> None:
    """``PERMISSION_DENIED`` naming ``owner`` or ``team`` when the viewer may read the records of
    none of the ``owners`` that filter names (a rep asking for a colleague's report), rather than
    a report of zeros that reads as if the colleague had done nothing."""
    if name not in ("owner", "team") or readable is None or owners & readable:
        return
    whose = f"{value}'s records" if name == "owner" else f"the records of anyone in {value}'s team"
    raise PermissionDeniedError(f"you may not read {whose}: a report holds only the records you may read",
                                field=name)


def _created_within(scope: ReportScope, first: date | None, last: date | None) -> ReportScope:
    """``scope`` limited to records created from ``first`` to ``last`` (inclusive) as well."""
    if first is not None and last is not None and last < first:
        raise ValidationError("the end date is before the start date", field="to")
    start = None if first is None else start_of_day(first)
    end = None if last is None else start_of_day(last + timedelta(days=1))
    if start is not None and (scope.created_from is None or start > scope.created_from):
        scope = replace(scope, created_from=start)
    if end is not None and (scope.created_to is None or end < scope.created_to):
        scope = replace(scope, created_to=end)
    return scope


def _labeller(config: CachedConfig, dimension: Dimension | None,
              campaigns: Mapping[int, str]) -> Callable[[Any], str]:
    if dimension is None:
        return lambda key: "all"
    if dimension.name == "campaign":
        return lambda key: "(no campaign)" if key is None else campaigns.get(key, str(key))
    if dimension.name == "source":
        return lambda key: "(none)" if key is None else _name(config.source_by_id.get(key), "label", key)
    if dimension.name in ("owner", "team"):
        return lambda key: "(no owner)" if key is None else _name(config.users.get(key), "name", key)
    return lambda key: "(none)" if key is None else str(key)


def _name(record: Any, attribute: str, key: Any) -> str:
    return str(getattr(record, attribute)) if record is not None else str(key)


def group_key(config: CachedConfig, dimension: Dimension | None, key: Any) -> Any:
    """The group a database key folds into: an owner into their team (the manager they report to,
    or themself when others report to them or nobody is above them), a month into its quarter."""
    if dimension is None:
        return None
    if dimension.name == "team" and key is not None:
        manages = any(manager == key for manager in config.hierarchy.values())
        return key if manages else (config.hierarchy.get(key) or key)
    if dimension.name == "quarter" and key is not None:
        return quarter_of(str(key))
    return key


@dataclass(frozen=True)
class ReportChoices:
    """Whom a viewer's report may be filtered by: the owners whose leads and opportunities they
    may read, and the managers (someone reports to them) of a team holding some of those owners."""

    owners: list[Any]
    teams: list[Any]


def report_choices(ctx: ServiceContext, actor_id: int) -> ReportChoices:
    """The ``owner`` and ``team`` choices of ``actor_id``'s reports page, by name: none that
    ``report_scope`` would refuse as ``PERMISSION_DENIED``."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        config = ctx.config(uow)
    # the page runs lead and opportunity reports alike: an owner is offered only if both answer
    lead_owners, deal_owners = (viewer.readable_owner_ids(kind) for kind in (RecordType.LEAD, RecordType.OPPORTUNITY))
    readable = deal_owners if lead_owners is None else lead_owners if deal_owners is None \
        else set(lead_owners) & set(deal_owners)
    users = sorted(config.users.values(), key=lambda u: u.name.casefold())
    owners = [u for u in users if readable is None or u.id in readable]
    managers = {manager for manager in config.hierarchy.values() if manager is not None}
    teams = [u for u in users if u.id in managers
             and (readable is None or ({u.id} | subordinates_of(u.id, config.hierarchy)) & readable)]
    return ReportChoices(owners, teams)

