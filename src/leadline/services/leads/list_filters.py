"""The leads list's filters as a user names them (``LeadViewFilters``) turned into the query the
repository runs: the one resolver of the leads list for the pages and saved views, on top of
``resolve_lead_query`` (which the API and CLI call with the same names)."""

from __future__ import annotations

from leadline.domain.queries import LeadQuery, Page
from leadline.domain.saved_views import LeadViewFilters
from leadline.services.context import ServiceContext
from leadline.services.leads.records import resolve_lead_query


def lead_query_of(ctx: ServiceContext, filters: LeadViewFilters) -> LeadQuery:
    """The query of ``filters``; ``INVALID_STATUS``, ``NOT_FOUND`` or ``VALIDATION_FAILED``
    naming the parameter when a status, source or owner does not exist."""
    created_from, created_to = filters.created_bounds()
    return resolve_lead_query(ctx, statuses=filters.statuses, sources=filters.sources, owners=filters.owners,
                              ratings=filters.ratings, search=filters.search, created_from=created_from,
                              created_to=created_to)


def lead_page_of(filters: LeadViewFilters, limit: int, cursor: str | None = None) -> Page:
    """The page of the list in the filters' order, after ``cursor`` (refused if not of this order)."""
    return Page.parse(limit, filters.sort, cursor or None)
