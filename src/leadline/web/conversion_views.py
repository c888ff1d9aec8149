"""What the conversion dialog and its result page show, read through the use cases: the preview's
candidates with names, what a new opportunity will hold (as ``convert_lead`` would make it), and
what a conversion created or attached.

Nothing here decides a rule: the candidates, their reasons, the hidden matches and the criteria
are the preview's (``preview_conversion``); the opportunity's name, amount, close date and stage
are shown as the domain's planner sets them (domain/conversion/draft.py ``new_opportunity``),
what the conversion does with each the user leaves empty; the stages offered are the open ones
of the default process, where a converted opportunity starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.conversion.rules import opportunity_name
from leadline.domain.errors import LeadlineError, NotFoundError
from leadline.domain.leads.lead import Lead
from leadline.domain.opportunities.opportunity import default_process, first_open_stage
from leadline.domain.queries import MAX_PAGE_SIZE, Page, RecordQuery
from leadline.services.configuration.sales import list_processes, list_stages
from leadline.services.context import ServiceContext
from leadline.services.conversion.bulk import ConversionPreview
from leadline.services.conversion.gate import get_qualification_gate
from leadline.services.leads.records import LeadDetails
from leadline.services.records import get_record, list_records, stage_labels
from leadline.web.lead_view import checklist
from leadline.web.values import money_text

#: Where each kind of record has its page (web/records.py, issue 16 item 5).
#: How many accounts the dialog's search shows at a time.
SEARCH_PAGE = 20
PAGES = {"account": "accounts", "contact": "contacts", "opportunity": "opportunities"}


@dataclass
class Choice:
    """A record the lead may join: its id, name and why it matches (and, for a contact, its account)."""

    id: int
    name: str
    reasons: tuple[str, ...]
    account: str | None = None
    opportunities: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class NewOpportunity:
    """What a new opportunity will hold, as the conversion makes it."""

    names: list[str]
    amount: str
    close_date: str
    stage: str
    #: the open, active stages of the default process (what the stage control offers)
    stages: list[str] = field(default_factory=list)


@dataclass
class Linked:
    """A record the conversion created or attached, as the result page links it."""

    kind: str
    id: int
    name: str
    created: bool

    @property
    def url(self) -> str:
        return f"/{PAGES[self.kind]}/{self.id}"


def dialog_context(ctx: ServiceContext, user: int, details: LeadDetails, preview: ConversionPreview) -> dict[str, Any]:
    """The dialog's content for ``details``'s lead as ``preview`` found it."""
    lead = details.lead
    labels = stage_labels(ctx)
    accounts = [Choice(a.record_id, a.name, a.reasons, opportunities=_open_opportunities(
        ctx, user, a.record_id, preview.open_opportunities.get(a.record_id, []), labels)) for a in preview.accounts]
    known = {a.id: a.name for a in accounts}
    contacts = [Choice(c.record_id, c.name, c.reasons, account=known.get(account_id) or _name(ctx, user, account_id))
                for c, account_id in preview.contacts]
    return {"lead": lead, "status": details.status, "accounts": accounts, "contacts": contacts,
            "hidden": preview.hidden, "criteria": preview.opportunity_criteria,
            "checklist": checklist(preview.opportunity_criteria, lead, {}),
            "asks_qualification": details.status.kind is not StatusKind.QUALIFIED and get_qualification_gate(ctx),
            "new_opportunity": new_opportunity(ctx, lead), "products": lead.products}


def account_search(ctx: ServiceContext, user: int, lead_id: int, text: str, cursor: str | None,
                   chosen: str = "") -> dict[str, Any]:
    """A page of the accounts the user may read matching ``text``, by name (keyset: ``cursor``
    continues after the last one shown), with the address of the next page if there may be one.
    No text, no search: the dialog's matches are above it."""
    query = text.strip()
    if not query:
        return {"rows": [], "q": "", "next_url": None, "chosen": chosen, "more": bool(cursor)}
    page = Page.parse(SEARCH_PAGE, "name", cursor)
    rows = list_records(ctx, user, "account", RecordQuery(search=query), page)
    after = page.cursor_after(rows[-1]) if len(rows) == SEARCH_PAGE else None
    next_url = f"/leads/{lead_id}/convert/accounts?" + urlencode({"q": query, "cursor": after, "chosen": chosen}) \
        if after else None
    return {"rows": rows, "q": query, "next_url": next_url, "chosen": chosen, "more": bool(cursor)}


def chosen_account(ctx: ServiceContext, user: int, form_account: str, matches: list[Choice]) -> Any:
    """The account the posted form chose when it is none of the matches (found by the search),
    so that a dialog shown again keeps it chosen; None when it is a match, new, or not readable."""
    if not form_account.strip().isdigit() or int(form_account) in {m.id for m in matches}:
        return None
    return _readable(ctx, user, "account", int(form_account))


def new_opportunity(ctx: ServiceContext, lead: Lead) -> NewOpportunity:
    """A new opportunity's fields as ``convert_lead`` sets them: named after the company and first
    product (one per product: each product), the lead's budget (with product lines: the sum of
    the priced lines), the purchase timeframe as close date, the default process's first open stage."""
    names = [opportunity_name(lead)] + [f"{lead.company} - {p.product_name}"[:255] for p in lead.products[1:]]
    if lead.products and all(p.estimated_unit_price is not None for p in lead.products):
        each = [p.quantity * p.estimated_unit_price for p in lead.products if p.estimated_unit_price is not None]
        amount = _money(sum(each, Decimal(0)), lead.currency) + (" in all" if len(each) > 1 else "")
    elif lead.products:
        amount = "the sum of the priced product lines (estimate, else the standard price book)"
    elif lead.budget_amount is not None:
        amount = _money(lead.budget_amount, lead.currency)
    else:
        amount = "—"
    try:
        process = default_process(list_processes(ctx)).id
        stages = sorted((s for s in list_stages(ctx) if s.process_id == process), key=lambda s: s.order)
        stage = first_open_stage(stages).label
    except LeadlineError as error:  # the conversion refuses with the same message
        stage, stages = error.message, []
    close = lead.purchase_timeframe.isoformat() if lead.purchase_timeframe else "—"
    return NewOpportunity(names, amount, close, stage, [s.label for s in stages if s.is_active and not s.is_closed])


def result_context(ctx: ServiceContext, user: int, details: LeadDetails, lineage: dict[str, Any]) -> dict[str, Any]:
    """The result page's content: each record the lead's conversion produced that the user may read,
    marked created or attached as the stored conversion says (one conversion either creates or
    attaches each kind)."""
    converted_at, created = lineage["converted_at"], set(lineage["created"])
    records = [("account", lineage["account_id"]), ("contact", lineage["contact_id"]),
               *(("opportunity", i) for i in lineage["opportunity_ids"])]
    linked = []
    for kind, record_id in records:
        record = _readable(ctx, user, kind, record_id)
        if record is not None:
            linked.append(Linked(kind, record.id, record.name, kind in created))
    return {"lead": details.lead, "status": details.status, "converted": details.lead.is_converted(),
            "converted_at": converted_at, "linked": linked, "override_reason": lineage["override_reason"]}


def _open_opportunities(ctx: ServiceContext, user: int, account_id: int, ids: list[int],
                        labels: dict[int, str]) -> list[tuple[int, str]]:
    """The preview's open opportunities of an account as (id, "name (stage, amount)"), read in one
    page rather than one by one; any beyond that page is read alone."""
    if not ids:
        return []
    page = list_records(ctx, user, "opportunity", RecordQuery(account_id=account_id, outcomes=("open",)),
                        Page(limit=MAX_PAGE_SIZE, descending=False))
    found = {record.id: record for record in page}
    records = [found.get(i) or get_record(ctx, user, "opportunity", i) for i in ids]
    return [(r.id, f"{r.name} ({labels.get(r.stage_id, '')}"
                   + (f", {_money(r.amount, r.currency)})" if r.amount is not None else ")")) for r in records]


def _name(ctx: ServiceContext, user: int, account_id: int) -> str | None:
    record = _readable(ctx, user, "account", account_id)
    return record.name if record is not None else None


def _readable(ctx: ServiceContext, user: int, kind: str, record_id: int | None) -> Any:
    if record_id is None:
        return None
    try:
        return get_record(ctx, user, kind, record_id)
    except NotFoundError:  # not the user's to read: not named (docs/adr/0016)
        return None


def _money(amount: Decimal, currency: str | None) -> str:
    return money_text(amount, currency)
