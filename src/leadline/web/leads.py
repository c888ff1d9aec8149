"""The leads list (filters, search, sorting, keyset pagination; htmx replaces the results alone),
calling the API's use cases under the same record-level security: a lead the user may not read is
never a row of the list. A lead's own pages are ``lead_page``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Template

from leadline.domain.leads.lead import Rating
from leadline.domain.queries import Page
from leadline.services.configuration.statuses import list_sources, list_statuses
from leadline.services.context import ServiceContext
from leadline.services.leads import records as lead_service
from leadline.services.security.users import list_users

PAGE_SIZE = 50
#: The list's sort orders, as the select shows them.
SORTS = {"-created_at": "Newest first", "created_at": "Oldest first", "-updated_at": "Recently changed",
         "last_name": "Last name", "company": "Company"}
SORTABLE = tuple({key.removeprefix("-") for key in SORTS})
#: The element htmx replaces when the filters change or the next page is asked for.
RESULTS = "lead-results"
Choice = Annotated[str, Parameter(max_length=254)]


class LeadPages(Controller):
    path = "/leads"

    @get("/", sync_to_thread=False)
    def lead_list(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int,
                  status: Choice = "", source: Choice = "", owner: Choice = "", rating: Choice = "",
                  q: Annotated[str, Parameter(max_length=200)] = "", sort: Choice = "-created_at",
                  cursor: Annotated[str, Parameter(max_length=500)] = "") -> Template:
        """Leads the user may see; an htmx request gets the results alone."""
        filters = {"status": status, "source": source, "owner": owner, "rating": rating, "q": q, "sort": sort}
        query = lead_service.resolve_lead_query(ctx, statuses=[status], sources=[source], owners=_given(owner),
                                                ratings=[rating], search=q or None)
        page = Page.parse(PAGE_SIZE, sort, cursor or None, allowed=SORTABLE)
        rows = lead_service.list_leads(ctx, user, query, page)
        next_cursor = page.cursor_after(rows[-1].lead) if len(rows) == PAGE_SIZE else None
        context: dict[str, Any] = {
            "leads": rows, "filters": filters, "results": RESULTS, "first_page": not cursor,
            "first_url": "/leads?" + urlencode(filters),
            "next_url": "/leads?" + urlencode({**filters, "cursor": next_cursor}) if next_cursor else None,
        }
        if request.headers.get("hx-target") == RESULTS:
            return Template("leads/results.html", context=context)
        context.update(statuses=list_statuses(ctx), sources=list_sources(ctx), owners=list_users(ctx, user),
                       ratings=[r.value for r in Rating], sorts=SORTS, user=user)
        return Template("leads/list.html", context=context)


def _given(value: str) -> list[str]:
    return [value] if value else []
