"""The leads list's own actions beside the list (``leads.py``): saved views (save the list's
filters under a name, open, delete) and bulk actions on the leads ticked in the list (give them
an owner, move them to a status, convert them). ``render_list`` draws the list for all of them.

Every action is one use case (``services/saved_views.py``, ``services/leads/bulk.py``,
``services/conversion/bulk.py``) under the same rules and record-level security as the API.
The forms carry the list's filters in hidden fields, so the list comes back as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.enums import MediaType, RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from leadline.domain.conversion.rules import ConversionOptions, OpportunityChoice
from leadline.domain.errors import LeadlineError, ValidationError
from leadline.domain.ids import MAX_ID
from leadline.domain.leads.lead import Rating
from leadline.domain.saved_views import DEFAULT_SORT, LeadViewFilters, ViewList
from leadline.http_status import status_of
from leadline.services import saved_views
from leadline.services.context import ServiceContext
from leadline.services.conversion.bulk import convert_leads
from leadline.services.leads import records as lead_service
from leadline.services.leads.bulk import bulk_assign_owner, bulk_change_status
from leadline.services.leads.list_filters import lead_page_of, lead_query_of, list_choices

PAGE_SIZE = 50
#: The list's sort orders, as the select shows them.
SORTS = {"-created_at": "Newest first", "created_at": "Oldest first", "-updated_at": "Recently changed",
         "last_name": "Last name", "company": "Company", "-score": "Highest score", "score": "Lowest score"}
#: The list's query parameters, in the filter form's order.
FILTER_NAMES = ("q", "status", "source", "owner", "rating", "min_score", "created_from", "created_to", "sort")
#: The element htmx replaces when the filters change or the next page is asked for.
RESULTS = "lead-results"
Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


@dataclass
class Refusal:
    lead_id: int
    code: str
    message: str
    #: the lead's name if the user may read it: a refusal never names a hidden lead
    name: str | None = None


@dataclass
class Summary:
    """What a bulk action did, as the list shows it above the rows."""

    action: str
    committed: bool
    changed: int
    unchanged: int = 0
    refused: list[Refusal] = field(default_factory=list)
    #: why the whole action was refused (no lead ticked, no owner chosen, an unknown status)
    error: str | None = None


def list_values(source: Mapping[str, Any]) -> dict[str, str]:
    """The list's parameters from a query or a form, each a text ("" when absent)."""
    values = {name: _one(source.get(name)) for name in FILTER_NAMES}
    values["sort"] = values["sort"] or DEFAULT_SORT
    return values


def filters_of(values: Mapping[str, str]) -> LeadViewFilters:
    """The list's filters (``ValidationError`` naming a bad parameter): one value each on the page."""
    return LeadViewFilters.parse(status=[values["status"]], source=[values["source"]], owner=[values["owner"]],
                                 rating=[values["rating"]], created_from=values["created_from"],
                                 created_to=values["created_to"], q=values["q"], sort=values["sort"],
                                 min_score=values["min_score"])


def render_list(request: Request[Any, Any, Any], ctx: ServiceContext, user: int, values: dict[str, str],
                cursor: str = "", *, status_code: int = 200, **extra: Any) -> Template:
    """The leads list with ``values`` as its filters (an htmx request for the results gets them
    alone); a filter the list refuses is shown in place of the rows, with its parameter's name."""
    rows: list[Any] = []
    next_cursor = filter_error = None
    choices = list_choices(ctx, user)
    try:
        filters = filters_of(values)
        page = lead_page_of(filters, PAGE_SIZE, cursor)
        rows = lead_service.list_leads(ctx, user, lead_query_of(ctx, filters), page)
        next_cursor = lead_service.lead_cursor(page, rows[-1]) if len(rows) == PAGE_SIZE else None
    except LeadlineError as error:
        filter_error = error
    context: dict[str, Any] = {
        "leads": rows, "filters": values, "results": RESULTS, "first_page": not cursor, "filter_error": filter_error,
        "first_url": "/leads?" + urlencode(values),
        "score_sort_url": "/leads?" + urlencode({**values, "sort": "score" if values["sort"] == "-score"
                                                 else "-score"}),
        "next_url": "/leads?" + urlencode({**values, "cursor": next_cursor}) if next_cursor else None,
        "statuses": choices.statuses, "owners": choices.users, "reasons": choices.reasons, "summary": None,
        "view_error": None, **extra,
    }
    if request.headers.get("hx-target") == RESULTS:
        return Template("leads/results.html", context=context, status_code=status_code)
    context.update(sources=choices.sources, ratings=[r.value for r in Rating], sorts=SORTS,
                   views=saved_views.list_views(ctx, user, ViewList.LEADS))
    return Template("leads/list.html", context=context, status_code=status_code)


class LeadListActions(Controller):
    path = "/leads"

    @post("/views", sync_to_thread=True, media_type=MediaType.HTML)
    def save_view(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int, data: Form) -> Any:
        """Keep the list's filters under the name given, then show the list with them; a refused
        name is shown next to its field."""
        values = list_values(data)
        try:
            view = saved_views.save_view(ctx, user, ViewList.LEADS, _one(data.get("name")), filters_of(values))
        except LeadlineError as error:
            return render_list(request, ctx, user, values, status_code=status_of(error), view_error=error,
                               view_name=_one(data.get("name")))
        return Redirect(_view_url(view.filters), status_code=303)

    @get("/views/{view_id:int}", sync_to_thread=False)
    def open_view(self, ctx: ServiceContext, user: int, view_id: int) -> Redirect:
        """The list with the view's filters (a view of another user is not found)."""
        return Redirect(_view_url(saved_views.get_view(ctx, user, view_id).filters), status_code=303)

    @post("/views/{view_id:int}/delete", sync_to_thread=True)
    def delete_view(self, ctx: ServiceContext, user: int, view_id: int) -> Redirect:
        saved_views.delete_view(ctx, user, view_id)
        return Redirect("/leads", status_code=303)

    @post("/bulk", sync_to_thread=True)
    def bulk_action(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int, data: Form) -> Template:
        """Apply the button's action to the ticked leads; the list comes back with what was done."""
        action = _one(data.get("action"))
        if action not in BULK_ACTIONS:
            raise ValidationError(f"{action!r} is not an action of the list", field="action")
        values = list_values(data)
        ids = [int(value) for value in _all(data.get("lead"))
               if value.isascii() and value.isdigit() and len(value) <= 19 and 0 < int(value) <= MAX_ID]
        if not ids:
            return render_list(request, ctx, user, values, summary=Summary(action, False, 0,
                                                                           error="tick at least one lead first"))
        try:
            summary = BULK_ACTIONS[action](ctx, user, ids, data)
        except LeadlineError as error:
            summary = Summary(action, False, 0, error=error.message)
        for refusal in summary.refused:
            refusal.name = _readable_name(ctx, user, refusal.lead_id)
        return render_list(request, ctx, user, values, summary=summary)


def _assign(ctx: ServiceContext, user: int, ids: list[int], data: Mapping[str, Any]) -> Summary:
    done = bulk_assign_owner(ctx, user, ids, _one(data.get("new_owner")))
    return Summary("Owner assigned", done.committed, len(done.changed), len(done.unchanged),
                   [Refusal(r.lead_id, r.code, r.message) for r in done.refused])


def _move(ctx: ServiceContext, user: int, ids: list[int], data: Mapping[str, Any]) -> Summary:
    done = bulk_change_status(ctx, user, ids, _one(data.get("new_status")), reason=_one(data.get("reason")) or None)
    return Summary("Status changed", done.committed, len(done.changed), len(done.unchanged),
                   [Refusal(r.lead_id, r.code, r.message) for r in done.refused])


def _convert(ctx: ServiceContext, user: int, ids: list[int], data: Mapping[str, Any]) -> Summary:
    chosen = _one(data.get("opportunity")) or OpportunityChoice.CREATE.value
    if chosen not in (OpportunityChoice.CREATE.value, OpportunityChoice.NONE.value):
        raise ValidationError("a list converts each lead with a new opportunity or none", field="opportunity")
    choice = OpportunityChoice(chosen)
    done = convert_leads(ctx, user, ids, ConversionOptions(opportunity=choice))
    return Summary("Converted", done.committed, done.converted,
                   refused=[Refusal(i.lead_id, i.code or "", i.message or "") for i in done.items if not i.ok])


BULK_ACTIONS: dict[str, Callable[[ServiceContext, int, list[int], Mapping[str, Any]], Summary]] = {
    "assign": _assign, "status": _move, "convert": _convert}


def _readable_name(ctx: ServiceContext, user: int, lead_id: int) -> str | None:
    """The lead's name if the user may read it."""
    try:
        lead = lead_service.get_lead(ctx, user, lead_id).lead
    except LeadlineError:
        return None
    return f"{lead.first_name or ''} {lead.last_name}".strip()


def _view_url(filters: LeadViewFilters) -> str:
    return "/leads?" + urlencode(filters.as_pairs())


def _one(value: Any) -> str:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return value.strip() if isinstance(value, str) else ""


def _all(value: Any) -> list[str]:
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [str(v) for v in values]
