"""What the account, contact and opportunity pages share: the list (filters, search, keyset
pages; htmx replaces the results alone), forms whose refusals are shown next to their field
with the use case's own message, and amounts at their currency's scale.

A form's refusal re-renders the record's page (422) with what the user typed; a success
redirects to the page (303), so reloading never posts twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from leadline.domain.accounts import Account
from leadline.domain.errors import AuthenticationError, LeadlineError, NotFoundError
from leadline.domain.queries import Page, RecordQuery
from leadline.http_status import status_of
from leadline.services import records
from leadline.services.activities import list_activities
from leadline.services.context import ServiceContext
from leadline.services.scoring.opportunity_reads import ScoredOpportunities
from leadline.services.security.users import resolve_query_owners, user_choices
from leadline.web.record_history import page_history
from leadline.web.values import money_text

PAGE_SIZE = 50
#: A posted form, as its controls named their values.
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Choice = Annotated[str, Parameter(max_length=254)]
Search = Annotated[str, Parameter(max_length=200)]
Cursor = Annotated[str, Parameter(max_length=500)]
#: Fields a use case names differently from the form's control.
ALIASES = {"loss_reason_id": "reason", "loss_reason": "reason", "product": "product_id", "contact": "contact_id",
           "account": "account_id", "owner_id": "owner"}


def money(amount: Decimal | None, currency: str | None) -> str:
    """An amount as a rep reads it: ``values.money_text`` ("1,900.00 EUR")."""
    return money_text(amount, currency)


def text(value: object) -> str:
    """A field's value as a form control holds it."""
    if value is None:
        return ""
    return str(getattr(value, "value", value))


@dataclass
class Failed:
    """A form the use case refused: which form, what was typed, and why."""

    form: str
    values: Mapping[str, str]
    error: LeadlineError


@dataclass
class Forms:
    """The forms of a page: each form's values, and the refusal's messages by control ("" above the form)."""

    values: dict[str, dict[str, str]]
    errors: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, values: dict[str, dict[str, str]], failed: Failed | None) -> Forms:
        if failed is None:
            return cls(values)
        values[failed.form] = {**values.get(failed.form, {}), **failed.values}
        return cls(values, {failed.form: placed(failed.error, failed.values)})


def placed(error: LeadlineError, controls: Iterable[str]) -> dict[str, str]:
    """The error's messages by the form control they concern; one the form has no control for
    goes above the form (key "") with its field named."""
    names = set(controls)
    messages: dict[str, str] = {}
    for name, message in [(error.field, error.message), *error.details]:
        control = ALIASES.get(name or "", name or "")
        if control in names:
            messages.setdefault(control, message)
        else:
            shown = f"{name}: {message}" if name else message
            messages[""] = messages[''] + ' ' + shown if "" in messages else shown
    return messages


def submit(kind: str, record_id: int, form: str, data: Mapping[str, str], action: Callable[[], object],
           page: Callable[[Failed], Template], done: str | None = None) -> Redirect | Template:
    """Run ``action`` (one use case); on success back to the record's page (or ``done``), on a
    refusal the page again with the refusal inline (its status as the API's,
    ``leadline/http_status.py``). That the record itself is not found
    (or not the user's to read) stays a 404 page."""
    try:
        action()
    except LeadlineError as error:
        if isinstance(error, AuthenticationError) or (isinstance(error, NotFoundError) and error.field == kind):
            raise
        template = page(Failed(form, data, error))
        template.status_code = status_of(error)
        return template
    return Redirect(done or f"/{_plural(kind)}/{record_id}", status_code=303)


def changed(data: Mapping[str, str], current: Mapping[str, str]) -> dict[str, str]:
    """The fields of ``current`` the user changed in ``data``: only those go to the use case, so
    a probability left alone is not made an override, nor an owner reassigned to themselves."""
    return {name: data[name].strip() for name, shown in current.items()
            if name in data and data[name].strip() != shown}


def version(data: Mapping[str, str]) -> int | None:
    """The version of the record the form was filled from (``STALE_RECORD`` if it changed since)."""
    value = data.get("version", "")
    return int(value) if value.isdigit() else None


@dataclass
class Listing:
    """One page of a record list: its rows, filters and the links to the first and next pages."""

    path: str
    results: str
    filters: dict[str, str]
    rows: list[Any]
    page: Page
    first_page: bool

    #: the cursor of the next page (None: this page is the last); by default after the last row's own field
    next_cursor: str | None = None

    def context(self) -> dict[str, Any]:
        next_cursor = self.next_cursor
        if next_cursor is None and self.page.sort != "score" and len(self.rows) == self.page.limit:
            next_cursor = self.page.cursor_after(self.rows[-1])
        return {
            "rows": self.rows, "filters": self.filters, "results": self.results, "first_page": self.first_page,
            "first_url": f"{self.path}?" + urlencode(self.filters),
            "next_url": f"{self.path}?" + urlencode({**self.filters, "cursor": next_cursor}) if next_cursor else None,
        }


@dataclass(frozen=True)
class RecordList:
    """What a record list is: the kind it lists, where it lives (its templates are
    ``<path>/list.html`` and ``<path>/results.html``), the element htmx replaces and its sorts."""

    kind: str
    path: str
    results: str
    sorts: Mapping[str, str]

    @property
    def templates(self) -> str:
        return self.path.strip("/")


def record_list(request: Request[Any, Any, Any], ctx: ServiceContext, user: int, spec: RecordList,
                filters: dict[str, str], query: Any, cursor: str, *, shown: Mapping[str, Any] | None = None,
                filtered_by: Callable[[], dict[str, Any]] | None = None,
                scored: Callable[[Page], ScoredOpportunities] | None = None) -> Template:
    """One page of the records the user may read that ``query`` selects, sorted by
    ``filters["sort"]``, after ``cursor``: the list page, or for htmx asking for the results alone
    just those. ``shown`` is what the rows need beside the owners' names, ``filtered_by`` what the
    area's own filters need beside the owners and sorts; ``scored`` lists the page with each
    row's stored score (``scores`` by id in the templates), which a score order pages by."""
    page = Page.parse(PAGE_SIZE, filters["sort"], cursor or None,
                      allowed=tuple(s.removeprefix("-") for s in spec.sorts))
    if scored is not None:
        found = scored(page)
        rows, scores, next_cursor = found.rows, found.scores, found.next_cursor(page)
    else:
        rows, scores, next_cursor = records.list_records(ctx, user, spec.kind, query, page), {}, None
    owners = user_choices(ctx, user)
    listing = Listing(spec.path, spec.results, filters, rows, page, not cursor, next_cursor)
    context = {**listing.context(), "owner_names": {u.id: u.name for u in owners}, "scores": scores,
               "score_sort_url": f"{spec.path}?" + urlencode(
                   {**filters, "sort": "score" if filters["sort"] == "-score" else "-score"}), **(shown or {})}
    if request.headers.get("hx-target") == listing.results:
        return Template(f"{spec.templates}/results.html", context=context)
    return Template(f"{spec.templates}/list.html", context={
        **context, "owners": owners, "sorts": spec.sorts, **(filtered_by() if filtered_by else {})})


def owner_search_list(request: Request[Any, Any, Any], ctx: ServiceContext, user: int, spec: RecordList,
                      owner: str, q: str, sort: str, cursor: str) -> Template:
    """A record list filtered by owner and text alone (accounts, contacts): ``record_list``."""
    filters = {"owner": owner, "q": q, "sort": sort}
    query = RecordQuery(owner_ids=resolve_query_owners(ctx, given(owner)), search=q or None)
    return record_list(request, ctx, user, spec, filters, query, cursor)


def form_values(record: Any, edited: Iterable[tuple[str, str]], owner_emails: Mapping[int, str]) -> dict[str, str]:
    """What a record's edit form shows: its ``edited`` fields ((name, label)) as form controls
    hold them, and the owner by e-mail."""
    values = {name: text(getattr(record, name)) for name, _ in edited}
    return {**values, "owner": owner_emails.get(record.owner_id or 0, "")}


def edit_record(ctx: ServiceContext, user: int, kind: str, record_id: int, data: Mapping[str, str],
                shown: Callable[[Any], Mapping[str, str]], page: Callable[[Failed], Template]) -> Redirect | Template:
    """A record's edit form posted: only the fields the user changed from what the form showed
    (``shown``: the form's values for the record as it is now) go to ``update_record``, at the
    version the form was filled from; on success the record's page, on a refusal ``page`` with
    it next to its field (``submit``)."""
    current = records.get_record(ctx, user, kind, record_id)
    changes = changed(data, shown(current))
    return submit(kind, record_id, "edit", data,
                  lambda: records.update_record(ctx, user, kind, record_id, changes, expected_version=version(data)),
                  page)


def record_page(ctx: ServiceContext, user: int, kind: str, record: Any, edited: Iterable[tuple[str, str]],
                failed: Failed | None, shown: Mapping[str, Any]) -> Template:
    """An account's or a contact's page (``<kind>s/page.html``): ``shown``, its own parts, and
    what both show beside them: its activities and field history, the owners by name (and to
    choose from), and its edit form (the ``edited`` fields and the owner, at the record's
    version; with ``failed``, what the user typed and why it was refused)."""
    owners = user_choices(ctx, user)
    people = {u.id: u.name for u in owners}
    edit = form_values(record, edited, {u.id: u.email for u in owners})
    return Template(f"{_plural(kind)}/page.html", context={
        kind: record, **shown, "activities": list_activities(ctx, user, kind, record.id),
        "history": page_history(ctx, user, kind, record.id, people), "owners": owners,
        "owner_names": people, "edited": edited,
        "forms": Forms.of({"edit": {**edit, "version": str(record.version)}}, failed)})


def account_or_none(ctx: ServiceContext, user: int, account_id: int | None) -> Account | None:
    """The account, if there is one and the user may read it (else it is not named)."""
    if account_id is None:
        return None
    try:
        account: Account = records.get_record(ctx, user, "account", account_id)
    except NotFoundError:
        return None
    return account


def emails(ctx: ServiceContext, user: int) -> dict[int, str]:
    """Each user's e-mail by id: how an owner is chosen in a form."""
    return {u.id: u.email for u in user_choices(ctx, user)}


def given(value: str) -> list[str]:
    return [value] if value else []


def _plural(kind: str) -> str:
    return "opportunities" if kind == "opportunity" else f"{kind}s"
