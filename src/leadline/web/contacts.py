"""The contacts pages: the list (owner filter, search, keyset pages) and a contact's page with
its account, the opportunities it has a role on, activities and field history, and its edit
form. A contact the user may not read is a 404 page, and never a row."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from leadline.domain.accounts import Contact
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import DuplicateReport
from leadline.services.opportunities.queries import stage_names
from leadline.services.opportunities.reads import contact_opportunities
from leadline.services.security.users import user_choices
from leadline.web.record_create import Control, NewRecord, account_choices, create, new_page
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
from leadline.web.values import choice_text

SORTS = {"-created_at": "Newest first", "last_name": "Last name", "-updated_at": "Recently changed"}
LIST = RecordList("contact", "/contacts", "contact-results", SORTS)
#: The edit form's controls and their labels, in order (the owner is chosen apart).
EDITED = (("first_name", "First name"), ("last_name", "Last name"), ("title", "Title"), ("email", "E-mail"),
          ("phone", "Phone"))


class ContactPages(Controller):
    path = "/contacts"

    @get("/", sync_to_thread=False)
    def contact_list(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int, owner: Choice = "",
                     q: Search = "", sort: Choice = "-created_at", cursor: Cursor = "") -> Template:
        """Contacts the user may read (search: name and e-mail); an htmx request gets the results alone."""
        return owner_search_list(request, ctx, user, LIST, owner, q, sort, cursor)

    @get("/new", sync_to_thread=False)
    def new_contact(self, ctx: ServiceContext, user: int, account: Choice = "") -> Template:
        """The create form; ``account`` (an id) is the account it starts at (from the account's page)."""
        spec, me = new_contact_form(ctx, user, account)
        return new_page(spec, {"owner": me, "account_id": account})

    @post("/new", sync_to_thread=True)
    def create_contact(self, ctx: ServiceContext, user: int, data: Form) -> Redirect | Template:
        """The new contact's page, or the form again with the refusal (a bad e-mail) next to its field."""
        spec, _ = new_contact_form(ctx, user, data.get("account_id", ""))
        report = DuplicateReport()
        return create(spec, data, lambda values: records.create_contact(ctx, user, values, duplicates=report),
                      lambda failed: new_page(spec, {}, failed), report)

    @get("/{contact_id:int}", sync_to_thread=False)
    def contact_page(self, ctx: ServiceContext, user: int, contact_id: int) -> Template:
        return contact_template(ctx, user, contact_id)

    @post("/{contact_id:int}/edit", sync_to_thread=True)
    def edit_contact(self, ctx: ServiceContext, user: int, contact_id: int, data: Form) -> Redirect | Template:
        """Change the fields the user changed; a refusal (a bad e-mail) is shown next to its field."""
        return edit_record(ctx, user, "contact", contact_id, data, lambda c: form_values(c, EDITED, emails(ctx, user)),
                           lambda failed: contact_template(ctx, user, contact_id, failed))


def new_contact_form(ctx: ServiceContext, user: int, account: str) -> tuple[NewRecord, str]:
    """The create form of a contact (its account chosen from those the user may read), and the
    user's e-mail (the owner it offers first)."""
    owners = user_choices(ctx, user)
    kinds = {"email": "email", "phone": "tel"}
    controls = [Control("account_id", "Account", "select", account_choices(ctx, user, account), "choose an account"),
                *(Control(name, label, kinds.get(name, "text")) for name, label in EDITED),
                Control("owner", "Owner", "select", [(u.email, u.name) for u in owners])]
    back = (f"/accounts/{account}", "Account") if account.isdigit() else ("/contacts", "Contacts")
    spec = NewRecord("contact", "New contact", "Create the contact", controls, back)
    return spec, next((u.email for u in owners if u.id == user), "")


def contact_template(ctx: ServiceContext, user: int, contact_id: int, failed: Failed | None = None) -> Template:
    """The contact's page (with ``failed``, its edit form refused)."""
    contact: Contact = records.get_record(ctx, user, "contact", contact_id)
    names = stage_names(ctx)
    roles = [{"record": r.opportunity, "role": choice_text(r.role), "is_primary": r.is_primary,
              "stage": names[r.opportunity.stage_id].stage if r.opportunity.stage_id in names else "",
              "amount": money(r.opportunity.amount, r.opportunity.currency)}
             for r in contact_opportunities(ctx, user, contact_id)]
    return record_page(ctx, user, "contact", contact, EDITED, failed, {
        "account": account_or_none(ctx, user, contact.account_id), "roles": roles})
