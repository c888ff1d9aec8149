"""What the account, contact and opportunity pages share: the list (filters, search, keyset
pages; htmx replaces the results alone), forms whose refusals are shown next to their field
with the use case's own message, and amounts at their currency's scale.

A form's refusal re-renders the record's page (422) with what the user typed; a success
redirects to the page (303), so reloading never posts twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from leadline.domain.accounts import Account
from leadline.domain.errors import AuthenticationError, LeadlineError, NotFoundError
from leadline.domain.history import FieldChange
from leadline.domain.money import at_currency_scale
from leadline.domain.queries import Page
from leadline.services import records
from leadline.services.configuration.sales import list_custom_fields
from leadline.services.context import ServiceContext
from leadline.services.security.users import user_choices
from leadline.web.values import custom_booleans, history_booleans, history_text

PAGE_SIZE = 50
#: Fields of a record's history its page leaves out: they change with every change.
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at"})
#: A posted form, as its controls named their values.
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
Choice = Annotated[str, Parameter(max_length=254)]
Search = Annotated[str, Parameter(max_length=200)]
Cursor = Annotated[str, Parameter(max_length=500)]
#: Fields a use case names differently from the form's control.
ALIASES = {"loss_reason_id": "reason", "loss_reason": "reason", "product": "product_id", "contact": "contact_id",
           "account": "account_id", "owner_id": "owner"}


def money(amount: Decimal | None, currency: str | None) -> str:
    """An amount as a rep reads it: at its currency's scale, with the currency ("1900.00 EUR")."""
    if amount is None:
        return ""
    return f"{at_currency_scale(amount, currency)} {currency or ''}".strip()


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
    refusal the page again with the refusal inline (422). That the record itself is not found
    (or not the user's to read) stays a 404 page."""
    try:
        action()
    except LeadlineError as error:
        if isinstance(error, AuthenticationError) or (isinstance(error, NotFoundError) and error.field == kind):
            raise
        template = page(Failed(form, data, error))
        template.status_code = 422
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

    def context(self) -> dict[str, Any]:
        next_cursor = self.page.cursor_after(self.rows[-1]) if len(self.rows) == self.page.limit else None
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
                filtered_by: Callable[[], dict[str, Any]] | None = None) -> Template:
    """One page of the records the user may read that ``query`` selects, sorted by
    ``filters["sort"]``, after ``cursor``: the list page, or for htmx asking for the results alone
    just those. ``shown`` is what the rows need beside the owners' names, ``filtered_by`` what the
    area's own filters need beside the owners and sorts."""
    page = Page.parse(PAGE_SIZE, filters["sort"], cursor or None,
                      allowed=tuple(s.removeprefix("-") for s in spec.sorts))
    rows = records.list_records(ctx, user, spec.kind, query, page)
    owners = user_choices(ctx, user)
    listing = Listing(spec.path, spec.results, filters, rows, page, not cursor)
    context = {**listing.context(), "owner_names": {u.id: u.name for u in owners}, **(shown or {})}
    if request.headers.get("hx-target") == listing.results:
        return Template(f"{spec.templates}/results.html", context=context)
    return Template(f"{spec.templates}/list.html", context={
        **context, "owners": owners, "sorts": spec.sorts, **(filtered_by() if filtered_by else {})})


def page_history(ctx: ServiceContext, user: int, kind: str, record_id: int) -> list[FieldChange]:
    """A record's field history as its page lists it (``shown_history``), each account or contact
    it names by its name rather than its id (a record the user may not read is never in it:
    ``record_history`` leaves it out)."""
    changes = records.record_history(ctx, user, kind, record_id)
    return shown_history(changes, lambda: custom_booleans(list_custom_fields(ctx, kind)),
                         _record_names(ctx, user, changes))


def shown_history(changes: Iterable[FieldChange], custom: Callable[[], frozenset[str]] = frozenset,
                  names: Mapping[tuple[str, str], str] | None = None) -> list[FieldChange]:
    """A record's field history as its page lists it, newest first: bookkeeping (version, times
    of creation and change) left out, each field by its name as a rep reads it, a yes/no value
    as yes or no (``custom``: the record type's yes/no custom fields, read only if needed), a
    record's id by its name when ``names`` has it ((field, id) -> name)."""
    kept = [c for c in reversed(list(changes)) if c.field not in BOOKKEEPING]
    booleans = history_booleans(kept, custom)
    known = names or {}

    def shown(field: str, text: str | None) -> str | None:
        return known.get((field, text or ""), history_text(field, text, booleans))

    return [replace(c, field=c.field.removeprefix("custom.").removesuffix("_id").replace("_", " "),
                    old_value=shown(c.field, c.old_value), new_value=shown(c.field, c.new_value)) for c in kept]


#: History fields holding another record's id, and that record's kind.
RECORD_FIELDS = {"account_id": "account", "parent_id": "account", "contact_id": "contact"}


def _record_names(ctx: ServiceContext, user: int, changes: Iterable[FieldChange]) -> dict[tuple[str, str], str]:
    """(field, id as text) -> the record's name, for each record the history names by id."""
    wanted = {(c.field, value) for c in changes if c.field in RECORD_FIELDS
              for value in (c.old_value, c.new_value) if value and value.isdigit()}
    names = {}
    for field_name, value in wanted:
        record = _readable_record(ctx, user, RECORD_FIELDS[field_name], int(value))
        if record is not None:
            names[(field_name, value)] = record.name
    return names


def _readable_record(ctx: ServiceContext, user: int, kind: str, record_id: int) -> Any:
    try:
        return records.get_record(ctx, user, kind, record_id)
    except NotFoundError:
        return None


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
