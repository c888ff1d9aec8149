"""The accounts pages: the list (owner filter, search, keyset pages) and an account's page with
its contacts, opportunities, activities and field history, and its edit form. An account the
user may not read is a 404 page, and never a row."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import DuplicateReport
from leadline.services.opportunities.queries import stage_names
from leadline.services.security.users import user_choices
from leadline.web.record_create import Control, NewRecord, create, new_page
from leadline.web.records import (
    Choice,
    Cursor,
    Failed,
    Form,
    RecordList,
    Search,
    account_or_none,
    edit_record,
    emails,
    form_values,
    money,
    owner_search_list,
    record_page,
)

SORTS = {"-created_at": "Newest first", "name": "Name", "-updated_at": "Recently changed"}
LIST = RecordList("account", "/accounts", "account-results", SORTS)
#: The edit form's controls and their labels, in order (the owner is chosen apart).
EDITED = (("name", "Name"), ("website", "Website"), ("industry", "Industry"), ("number_of_employees", "Employees"),
          ("billing_street", "Street"), ("billing_city", "City"), ("billing_state", "State"),
          ("billing_postal_code", "Postal code"), ("billing_country", "Country"))


class AccountPages(Controller):
    path = "/accounts"

    @get("/", sync_to_thread=False)
    def account_list(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int, owner: Choice = "",
                     q: Search = "", sort: Choice = "-created_at", cursor: Cursor = "") -> Template:
        """Accounts the user may read; an htmx request gets the results alone."""
        return owner_search_list(request, ctx, user, LIST, owner, q, sort, cursor)

    @get("/new", sync_to_thread=False)
    def new_account(self, ctx: ServiceContext, user: int) -> Template:
        spec, me = new_account_form(ctx, user)
        return new_page(spec, {"owner": me})

    @post("/new", sync_to_thread=True)
    def create_account(self, ctx: ServiceContext, user: int, data: Form) -> Redirect | Template:
        """The new account's page, or the form again with the refusal next to its field."""
        spec, _ = new_account_form(ctx, user)
        report = DuplicateReport()
        return create(spec, data, lambda values: records.create_account(ctx, user, values, duplicates=report),
                      lambda failed: new_page(spec, {}, failed), report)

    @get("/{account_id:int}", sync_to_thread=False)
    def account_page(self, ctx: ServiceContext, user: int, account_id: int) -> Template:
        return account_template(ctx, user, account_id)

    @post("/{account_id:int}/edit", sync_to_thread=True)
    def edit_account(self, ctx: ServiceContext, user: int, account_id: int, data: Form) -> Redirect | Template:
        """Change the fields the user changed; a refusal is shown next to its field."""
        return edit_record(ctx, user, "account", account_id, data, lambda a: form_values(a, EDITED, emails(ctx, user)),
                           lambda failed: account_template(ctx, user, account_id, failed))


def new_account_form(ctx: ServiceContext, user: int) -> tuple[NewRecord, str]:
    """The create form of an account, and the user's e-mail (the owner it offers first)."""
    owners = user_choices(ctx, user)
    controls = [Control(name, label, "integer" if name == "number_of_employees" else "text") for name, label in EDITED]
    controls.append(Control("owner", "Owner", "select", [(u.email, u.name) for u in owners]))
    spec = NewRecord("account", "New account", "Create the account", controls, ("/accounts", "Accounts"))
    return spec, next((u.email for u in owners if u.id == user), "")


def account_template(ctx: ServiceContext, user: int, account_id: int, failed: Failed | None = None) -> Template:
    """The account's page (with ``failed``, its edit form refused)."""
    details = records.get_account(ctx, user, account_id)
    account = details.account
    names = stage_names(ctx)
    opportunities = [{"record": o, "stage": names[o.stage_id].stage if o.stage_id in names else "",
                      "amount": money(o.amount, o.currency)} for o in details.opportunities]
    return record_page(ctx, user, "account", account, EDITED, failed, {
        "parent": account_or_none(ctx, user, account.parent_id), "contacts": details.contacts,
        "opportunities": opportunities})
