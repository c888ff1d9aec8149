"""The leads pages: the list (filters, search, sorting, keyset pagination; htmx replaces the
results alone) and a lead's page. Both call the API's use cases, under the same record-level
security: a lead the user may not read is a 404 page, and never a row of the list."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Template

from leadline.domain.leads.lead import Rating
from leadline.domain.money import at_currency_scale
from leadline.domain.queries import Page
from leadline.services.configuration.statuses import list_sources, list_statuses
from leadline.services.context import ServiceContext
from leadline.services.leads import records as lead_service
from leadline.services.leads.records import LeadDetails
from leadline.services.security.users import user_choices

PAGE_SIZE = 50
#: The list's sort orders, as the select shows them.
SORTS = {"-created_at": "Newest first", "created_at": "Oldest first", "-updated_at": "Recently changed",
         "last_name": "Last name", "company": "Company"}
SORTABLE = tuple({key.removeprefix("-") for key in SORTS})
#: The element htmx replaces when the filters change or the next page is asked for.
RESULTS = "lead-results"
Choice = Annotated[str, Parameter(max_length=254)]
#: The lead's amounts, shown at their currency's scale.
MONEY_FIELDS = frozenset({"annual_revenue", "budget_amount"})
#: A lead page's fields, in order: (label, attribute of the lead).
LEAD_FIELDS = (("E-mail", "email"), ("Phone", "phone"), ("Title", "title"), ("Company", "company"),
               ("Industry", "industry"), ("Website", "website"), ("City", "city"), ("Country", "country"),
               ("Annual revenue", "annual_revenue"), ("Employees", "number_of_employees"),
               ("Budget", "budget_amount"), ("Purchase timeframe", "purchase_timeframe"),
               ("Description", "description"))


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
        context.update(statuses=list_statuses(ctx), sources=list_sources(ctx), owners=user_choices(ctx, user),
                       ratings=[r.value for r in Rating], sorts=SORTS, user=user)
        return Template("leads/list.html", context=context)

    @get("/{lead_id:int}", sync_to_thread=False)
    def lead_page(self, ctx: ServiceContext, user: int, lead_id: int) -> Template:
        details = lead_service.get_lead(ctx, user, lead_id)
        return Template("leads/page.html", context={"details": details, "fields": lead_fields(details)})


def lead_fields(details: LeadDetails) -> list[tuple[str, Any]]:
    """The lead's filled fields as (label, value), in the page's order."""
    lead = details.lead
    values = [(label, _shown(lead, name)) for label, name in LEAD_FIELDS]
    return [(label, value) for label, value in values if value not in (None, "")]


def _shown(lead: Any, name: str) -> object:
    """A field as a rep reads it: an amount at its currency's scale, with the currency."""
    value = getattr(lead, name)
    if name in MONEY_FIELDS and isinstance(value, Decimal):
        return f"{at_currency_scale(value, lead.currency)} {lead.currency or ''}".strip()
    return value


def _given(value: str) -> list[str]:
    return [value] if value else []
