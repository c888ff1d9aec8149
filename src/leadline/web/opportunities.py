"""The opportunities pages: the list (owner, stage, open or closed, search, keyset pages) and an
opportunity's page: its fields, account, line items, contact roles, stage history, activities
and field history; its edit form and the stage change (moving, closing won or lost, reopening),
each refusal shown next to its field with the use case's message. Line items and contact roles
are web/opportunity_parts.py. An opportunity the user may not read is a 404 page, never a row."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template

from leadline.domain.configuration.reasons import ReasonKind
from leadline.domain.currencies import ISO_4217_CODES
from leadline.domain.errors import ValidationError
from leadline.domain.money import at_currency_scale
from leadline.domain.opportunities.opportunity import (
    ContactRoleKind,
    ForecastCategory,
    Opportunity,
    OpportunityStage,
    OpportunityType,
)
from leadline.domain.queries import Page, RecordQuery
from leadline.domain.saved_views import score_field
from leadline.services import records
from leadline.services.activities import list_activities
from leadline.services.configuration.lead_workflow import list_reasons
from leadline.services.configuration.sales import list_processes, list_stages
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle
from leadline.services.opportunities.parts import list_contact_roles, list_line_items
from leadline.services.opportunities.queries import opportunity_query, stage_names
from leadline.services.opportunities.reads import price_list, stage_history
from leadline.services.scoring.opportunity_reads import get_opportunity_score_or_reason, list_scored_opportunities
from leadline.services.security.users import user_choices
from leadline.web.record_create import Control, NewRecord, account_choices, create, new_page
from leadline.web.record_history import page_history
from leadline.web.records import (
    Choice,
    Cursor,
    Failed,
    Form,
    Forms,
    RecordList,
    Search,
    account_or_none,
    edit_record,
    emails,
    form_values,
    given,
    money,
    record_list,
    submit,
    text,
    version,
)
from leadline.web.values import choice_text

SORTS = {"-created_at": "Newest first", "close_date": "Close date", "-amount": "Largest amount", "name": "Name",
         "-updated_at": "Recently changed", "-score": "Highest score", "score": "Lowest score"}
LIST = RecordList("opportunity", "/opportunities", "opportunity-results", SORTS)
#: The list's open/closed filter: its value -> the outcomes it means.
OUTCOMES = {"open": ("open",), "closed": ("won", "lost"), "won": ("won",), "lost": ("lost",)}
#: The edit form's text controls and their labels, in order (amount, type, figures and owner apart).
EDITED = (("name", "Name"), ("close_date", "Close date"), ("next_step", "Next step"))
#: The choices of the page's selects that are not configuration, as (value, text).
CHOICES = {"role_kinds": [(k.value, choice_text(k.value)) for k in ContactRoleKind],
           "types": [(t.value, choice_text(t.value)) for t in OpportunityType],
           "categories": [(c.value, choice_text(c.value)) for c in ForecastCategory]}


class OpportunityPages(Controller):
    path = "/opportunities"

    @get("/", sync_to_thread=False)
    def opportunity_list(self, request: Request[Any, Any, Any], ctx: ServiceContext, user: int, owner: Choice = "",
                         stage: Choice = "", outcome: Choice = "", q: Search = "", min_score: Choice = "",
                         sort: Choice = "-created_at", cursor: Cursor = "") -> Template:
        """Opportunities the user may read, each with its predicted-win score beside the stage's
        probability; an htmx request gets the results alone."""
        filters = {"owner": owner, "stage": stage, "outcome": outcome, "q": q, "min_score": min_score, "sort": sort}
        query = opportunity_query(ctx, owners=given(owner), search=q or None, stages=given(stage),
                                  outcomes=OUTCOMES.get(outcome, ()), min_score=score_field(min_score))
        shown = {"stages": stage_names(ctx), "money": money}
        return record_list(request, ctx, user, LIST, filters, query, cursor, shown=shown, filtered_by=lambda: {
            "outcomes": list(OUTCOMES), "stage_labels": list(dict.fromkeys(s.label for s in list_stages(ctx)))},
            scored=lambda page: list_scored_opportunities(ctx, user, query, page))

    @get("/new", sync_to_thread=False)
    def new_opportunity(self, ctx: ServiceContext, user: int, account: Choice = "") -> Template:
        """The create form; ``account`` (an id) is the account it starts at (from the account's page)."""
        spec, me = new_opportunity_form(ctx, user, account)
        return new_page(spec, {"owner": me, "account_id": account, "currency": ctx.currency})

    @post("/new", sync_to_thread=True)
    def create_opportunity(self, ctx: ServiceContext, user: int, data: Form) -> Redirect | Template:
        """The new opportunity's page (at the stage chosen, else the first of its process), or the
        form again with the refusal next to its field."""
        spec, _ = new_opportunity_form(ctx, user, data.get("account_id", ""))
        return create(spec, data, lambda values: records.create_opportunity(ctx, user, values),
                      lambda failed: new_page(spec, {}, failed))

    @get("/{opportunity_id:int}", sync_to_thread=False)
    def opportunity_page(self, ctx: ServiceContext, user: int, opportunity_id: int) -> Template:
        return opportunity_template(ctx, user, opportunity_id)

    @post("/{opportunity_id:int}/edit", sync_to_thread=True)
    def edit_opportunity(self, ctx: ServiceContext, user: int, opportunity_id: int,
                         data: Form) -> Redirect | Template:
        """Change the fields the user changed (a probability or category changed is the rep's override)."""
        def shown(current: Opportunity) -> dict[str, str]:
            items = list_line_items(ctx, user, opportunity_id)
            return edit_values(current, emails(ctx, user), with_amount=not items)

        return edit_record(ctx, user, "opportunity", opportunity_id, data, shown,
                           lambda failed: opportunity_template(ctx, user, opportunity_id, failed))

    @post("/{opportunity_id:int}/stage", sync_to_thread=True)
    def change_stage(self, ctx: ServiceContext, user: int, opportunity_id: int, data: Form) -> Redirect | Template:
        """Move to an open stage, close won (with the amount to win, when it has none) or lost (with
        a reason), or reopen: whichever the chosen stage means for this opportunity."""
        return submit("opportunity", opportunity_id, "stage", data,
                      lambda: _change_stage(ctx, user, opportunity_id, data),
                      lambda failed: opportunity_template(ctx, user, opportunity_id, failed))


def _change_stage(ctx: ServiceContext, user: int, opportunity_id: int, data: dict[str, str]) -> Opportunity:
    opportunity: Opportunity = records.get_record(ctx, user, "opportunity", opportunity_id)
    stages = {str(s.id): s for s in list_stages(ctx)}
    target, expected = stages.get(data.get("stage", "")), version(data)
    if target is None:
        raise ValidationError("choose a stage", field="stage")
    if target.is_closed:
        return lifecycle.close_opportunity(
            ctx, user, opportunity_id, "won" if target.is_won else "lost", stage=str(target.id),
            reason=data.get("reason") or None, comment=data.get("comment") or None,
            amount=(data.get("amount") or None) if target.is_won else None, expected_version=expected)
    if opportunity.is_closed():
        return lifecycle.reopen_opportunity(ctx, user, opportunity_id, stage=str(target.id),
                                            expected_version=expected)
    return lifecycle.move_stage(ctx, user, opportunity_id, str(target.id), expected_version=expected)


def new_opportunity_form(ctx: ServiceContext, user: int, account: str) -> tuple[NewRecord, str]:
    """The create form of an opportunity: its account, its stage among the open stages of the
    active processes (none chosen: the first of the process for its type, else the default
    one), amount, currency and close date; and the user's e-mail (the owner it offers first)."""
    owners = user_choices(ctx, user)
    processes = {p.id: p for p in list_processes(ctx) if p.is_active}
    stages = sorted((s for s in list_stages(ctx) if s.process_id in processes and s.is_active and not s.is_closed),
                    key=lambda s: (not processes[s.process_id].is_default, processes[s.process_id].name, s.order))
    controls = [
        Control("name", "Name"),
        Control("account_id", "Account", "select", account_choices(ctx, user, account), "choose an account"),
        Control("stage", "Stage", "select", [(str(s.id), f"{processes[s.process_id].name}: {s.label}") for s in stages],
                "the first stage of its process"),
        Control("amount", "Amount", "decimal"),
        Control("currency", "Currency", "select", [(c, c) for c in sorted(ISO_4217_CODES)]),
        Control("close_date", "Close date", "date"),
        Control("type", "Type", "select", CHOICES["types"], "(none)"),
        Control("owner", "Owner", "select", [(u.email, u.name) for u in owners]),
    ]
    back = (f"/accounts/{account}", "Account") if account.isdigit() else ("/opportunities", "Opportunities")
    spec = NewRecord("opportunity", "New opportunity", "Create the opportunity", controls, back)
    return spec, next((u.email for u in owners if u.id == user), "")


def edit_values(opportunity: Opportunity, owner_emails: Mapping[int, str], *, with_amount: bool) -> dict[str, str]:
    """What the edit form shows; the amount only without line items (it is their sum otherwise)."""
    values = form_values(opportunity, EDITED, owner_emails)
    values.update(type=text(opportunity.type), description=text(opportunity.description),
                  probability=str(opportunity.probability), forecast_category=opportunity.forecast_category.value)
    if with_amount:
        amount = opportunity.amount
        values["amount"] = "" if amount is None else str(at_currency_scale(amount, opportunity.currency))
    return values


def opportunity_template(ctx: ServiceContext, user: int, opportunity_id: int, failed: Failed | None = None
                         ) -> Template:
    """The opportunity's page (with ``failed``, the form the use case refused, and why)."""
    opportunity: Opportunity = records.get_record(ctx, user, "opportunity", opportunity_id)
    owners = user_choices(ctx, user)
    names = stage_names(ctx)
    reasons = list_reasons(ctx, ReasonKind.OPPORTUNITY_LOST.value)
    account = account_or_none(ctx, user, opportunity.account_id)
    parts = _parts(ctx, user, opportunity, account is not None)
    forms = Forms.of({
        "edit": {**edit_values(opportunity, {u.id: u.email for u in owners}, with_amount=not parts["items"]),
                 "version": str(opportunity.version)},
        "stage": {"stage": str(opportunity.stage_id), "reason": "", "comment": "", "amount": "",
                  "version": str(opportunity.version)},
        "line_item": {"product_id": "", "quantity": "1", "unit_price": "", "discount_percent": "0"},
        "role": {"contact_id": "", "role": "", "is_primary": ""},
    }, failed)
    score, score_note = get_opportunity_score_or_reason(ctx, user, opportunity_id)
    return Template("opportunities/page.html", context={
        "opportunity": opportunity, "account": account, "stage": names[opportunity.stage_id],
        "stages": _process_stages(ctx, names[opportunity.stage_id].process_id),
        "amount": money(opportunity.amount, opportunity.currency), "money": money, **parts,
        "loss_reason": next((r.label for r in reasons if r.id == opportunity.loss_reason_id), None),
        "reasons": [(r.label, r.label) for r in reasons if r.is_active], **CHOICES,
        "stage_history": stage_history(ctx, user, opportunity_id),
        "activities": list_activities(ctx, user, "opportunity", opportunity_id),
        "history": page_history(ctx, user, "opportunity", opportunity_id, {u.id: u.name for u in owners},
                                opportunity.currency),
        "owner_names": {u.id: u.name for u in owners}, "owners": owners, "edited": EDITED, "forms": forms,
        "score": score, "score_note": score_note,
    })


def _parts(ctx: ServiceContext, user: int, opportunity: Opportunity, account_readable: bool) -> dict[str, Any]:
    """The line items with their total and the products to add, the contact roles and the
    contacts to add (the account's that the user may read)."""
    items = list_line_items(ctx, user, opportunity.id)
    total = sum((i.total for i in items), start=Decimal(0))
    contacts = _account_contacts(ctx, user, opportunity.account_id) if account_readable else {}
    roles = [{**r, "role_label": choice_text(r["role"]),
              "name": contacts[r["contact_id"]].name if r["contact_id"] in contacts
              else _contact_name(ctx, user, r["contact_id"])}
             for r in list_contact_roles(ctx, user, opportunity.id)]
    return {"items": items, "items_total": money(total if items else None, opportunity.currency),
            "products": [(str(e.product.id), _priced(e.product.name, e.unit_price, opportunity.currency))
                         for e in price_list(ctx, opportunity.currency)],
            "roles": roles, "contact_choices": [(str(c.id), c.name) for c in contacts.values()]}


def _process_stages(ctx: ServiceContext, process_id: int) -> list[OpportunityStage]:
    """The active stages of a sales process, in order: where the stage form may move to."""
    return sorted((s for s in list_stages(ctx) if s.process_id == process_id and s.is_active), key=lambda s: s.order)


def _priced(name: str, price: Decimal | None, currency: str) -> str:
    return f"{name} ({money(price, currency)})" if price is not None else f"{name} (no list price in {currency})"


def _account_contacts(ctx: ServiceContext, user: int, account_id: int) -> dict[int, Any]:
    """The account's contacts the user may read, by id (the choices of a new contact role)."""
    query = RecordQuery(account_id=account_id)
    return {c.id: c for c in records.list_records(ctx, user, "contact", query, Page(limit=500, sort="last_name",
                                                                                    descending=False))}


def _contact_name(ctx: ServiceContext, user: int, contact_id: int) -> str:
    """A role's contact at another account (the list holds only contacts the user may read)."""
    return str(records.get_record(ctx, user, "contact", contact_id).name)
