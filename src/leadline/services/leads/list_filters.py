"""The leads list's filters as a user names them (``LeadViewFilters``) turned into the query the
repository runs: the one resolver of the leads list for the pages and saved views, on top of
``resolve_lead_query`` (which the API and CLI call with the same names)."""

from __future__ import annotations

from dataclasses import dataclass

from leadline.domain.configuration.reasons import Reason, ReasonKind
from leadline.domain.configuration.sources import LeadSource
from leadline.domain.configuration.statuses import LeadStatus
from leadline.domain.leads.workflow import in_graph_order
from leadline.domain.queries import LeadQuery, Page
from leadline.domain.saved_views import LeadViewFilters
from leadline.domain.security.users import User
from leadline.services.context import ServiceContext
from leadline.services.leads.records import resolve_lead_query
from leadline.services.security.access import load_viewer


@dataclass(frozen=True)
class ListChoices:
    """What a list's filters and bulk actions offer to choose from."""

    #: in graph order (open, working, qualified, unqualified, converted)
    statuses: list[LeadStatus]
    sources: list[LeadSource]
    #: every user, by name (as owners to filter by or to give leads to)
    users: list[User]
    #: the reasons to disqualify a lead, in their order
    reasons: list[Reason]


def list_choices(ctx: ServiceContext, actor_id: int) -> ListChoices:
    """The statuses, sources, users and disqualification reasons, from the configuration cache
    (no statement when it is warm): what every drawing of the leads list needs besides its rows."""
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        config = ctx.config(uow)
        return ListChoices(in_graph_order(config.statuses), list(config.sources), list(config.users.values()),
                           [r for r in config.reasons if r.kind is ReasonKind.LEAD_UNQUALIFIED])


def lead_query_of(ctx: ServiceContext, filters: LeadViewFilters) -> LeadQuery:
    """The query of ``filters``; ``INVALID_STATUS``, ``NOT_FOUND`` or ``VALIDATION_FAILED``
    naming the parameter when a status, source or owner does not exist."""
    created_from, created_to = filters.created_bounds()
    return resolve_lead_query(ctx, statuses=filters.statuses, sources=filters.sources, owners=filters.owners,
                              ratings=filters.ratings, search=filters.search, created_from=created_from,
                              created_to=created_to, min_score=filters.min_score)


def lead_page_of(filters: LeadViewFilters, limit: int, cursor: str | None = None) -> Page:
    """The page of the list in the filters' order, after ``cursor`` (refused if not of this order)."""
    return Page.parse(limit, filters.sort, cursor or None)
