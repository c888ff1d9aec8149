"""The accounts pages: the list (owner filter, search, keyset pages) and an account's page with
its contacts, opportunities, activities and field history, and its edit form. An account the
user may not read is a 404 page, and never a row."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from leadline.domain.accounts import Account
from leadline.domain.queries import RecordQuery
from leadline.services import records
from leadline.services.activities import list_activities
from leadline.services.context import ServiceContext
from leadline.services.opportunities.queries import stage_names
from leadline.services.security.users import resolve_query_owners, user_choices
from leadline.web.record_create import Control, NewRecord, create, new_page
from leadline.web.records import (
    Choice,
    Cursor,
    Failed,
    Form,
    Forms,
    RecordList,
    Search,
    account_or_none,
    changed,
    emails,
    given,
    money,
    page_history,
    record_list,
    submit,
    text,
    version,
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
        filters = {"owner": owner, "q": q, "sort": sort}
        query = RecordQuery(owner_ids=resolve_query_owners(ctx, given(owner)), search=q or None)
        return record_list(request, ctx, user, LIST, filters, query, cursor)

    @get("/new", sync_to_thread=False)
    def new_account(self, ctx: ServiceContext, user: int) -> Template:
        spec, me = new_account_form(ctx, user)
        return new_page(spec, {"owner": me})

    @post("/new", sync_to_thread=True)
    def create_account(self, ctx: ServiceContext, user: int, data: Form) -> Redirect | Template:
        """The new account's page, or the form again with the refusal next to its field."""
        spec, _ = new_account_form(ctx, user)
        return create(spec, data, lambda values: records.create_account(ctx, user, values),
                      lambda failed: new_page(spec, {}, failed))

    @get("/{account_id:int}", sync_to_thread=False)
    def account_page(self, ctx: ServiceContext, user: int, account_id: int) -> Template:
        return account_template(ctx, user, account_id)

    @post("/{account_id:int}/edit", sync_to_thread=True)
    def edit_account(self, ctx: ServiceContext, user: int, account_id: int, data: Form) -> Redirect | Template:
        """Change the fields the user changed; a refusal is shown next to its field."""
        current = records.get_record(ctx, user, "account", account_id)
        changes = changed(data, edit_values(current, emails(ctx, user)))
        return submit("account", account_id, "edit", data,
                      lambda: records.update_record(ctx, user, "account", account_id, changes,
                                                    expected_version=version(data)),
                      lambda failed: account_template(ctx, user, account_id, failed))


def new_account_form(ctx: ServiceContext, user: int) -> tuple[NewRecord, str]:
    """The create form of an account, and the user's e-mail (the owner it offers first)."""
    owners = user_choices(ctx, user)
    controls = [Control(name, label, "integer" if name == "number_of_employees" else "text") for name, label in EDITED]
    controls.append(Control("owner", "Owner", "select", [(u.email, u.name) for u in owners]))
    spec = NewRecord("account", "New account", "Create the account", controls, ("/accounts", "Accounts"))
    return spec, next((u.email for u in owners if u.id == user), "")


def edit_values(account: Account, owner_emails: Mapping[int, str]) -> dict[str, str]:
    """What the edit form shows: the fields, and the owner by e-mail."""
    values = {name: text(getattr(account, name)) for name, _ in EDITED}
    return {**values, "owner": owner_emails.get(account.owner_id or 0, "")}


def account_template(ctx: ServiceContext, user: int, account_id: int, failed: Failed | None = None) -> Template:
    """The account's page (with ``failed``, its edit form refused)."""
    details = records.get_account(ctx, user, account_id)
    account = details.account
    owners = user_choices(ctx, user)
    names = stage_names(ctx)
    opportunities = [{"record": o, "stage": names[o.stage_id].stage if o.stage_id in names else "",
                      "amount": money(o.amount, o.currency)} for o in details.opportunities]
    parent = account_or_none(ctx, user, account.parent_id)
    edit = edit_values(account, {u.id: u.email for u in owners})
    forms = Forms.of({"edit": {**edit, "version": str(account.version)}}, failed)
    return Template("accounts/page.html", context={
        "account": account, "parent": parent, "contacts": details.contacts, "opportunities": opportunities,
        "activities": list_activities(ctx, user, "account", account_id),
        "history": page_history(ctx, user, "account", account_id),
        "owner_names": {u.id: u.name for u in owners}, "owners": owners, "edited": EDITED, "forms": forms,
    })

