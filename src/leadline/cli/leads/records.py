"""``leadline lead ...``: capture, list, show, update leads and read their history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    actor_id,
    day_start,
    handle_errors,
    list_page,
    next_page_hint,
    parse_id,
    ready_application,
    whole_number,
)
from leadline.cli.lazy import lazy_module
from leadline.cli.output import error_console, fields_of, print_json, print_record, print_table
from leadline.domain.common import DAY_RULE
from leadline.domain.errors import ValidationError
from leadline.domain.queries import LEAD_SORTS

if TYPE_CHECKING:
    from leadline.services.leads import records as lead_service
    from leadline.services.leads.records import LeadDetails
    from leadline.services.security import users as user_service
else:
    lead_service = lazy_module("leadline.services.leads.records")
    user_service = lazy_module("leadline.services.security.users")

app = typer.Typer(help="Capture and work leads.", no_args_is_help=True)

#: CLI option name -> lead field, shared by ``add`` and ``update``.
FIELD_OPTIONS = {
    "first_name": "first_name", "last_name": "last_name", "company": "company", "email": "email",
    "phone": "phone", "title": "title", "industry": "industry", "website": "website", "street": "street",
    "city": "city", "state": "state", "postal_code": "postal_code", "country": "country",
    "annual_revenue": "annual_revenue", "employees": "number_of_employees", "source": "source",
    "campaign": "campaign_id",
    "status": "status", "rating": "rating", "budget": "budget_amount", "currency": "currency",
    "timeframe": "purchase_timeframe", "decision_maker": "is_decision_maker", "description": "description",
    "owner": "owner", "reason": "unqualified_reason", "override_reason": "qualification_override_reason",
    "duplicate_override": "duplicate_override_reason",
}


def _values(options: dict[str, Any]) -> dict[str, Any]:
    return {FIELD_OPTIONS[k]: v for k, v in options.items() if k in FIELD_OPTIONS and v is not None}


def _products(specs: list[str] | None) -> list[dict[str, str]]:
    """``--product "Name:quantity:unit price"``; quantity and price are optional."""
    lines = []
    for index, spec in enumerate(specs or []):
        parts = [p.strip() for p in spec.split(":")]
        if len(parts) > 3 or not parts[0]:
            raise ValidationError(f"{spec!r} is not NAME[:QUANTITY[:PRICE]]", field=f"products[{index}]")
        line = {"product": parts[0], "quantity": parts[1] if len(parts) > 1 and parts[1] else "1"}
        if len(parts) > 2 and parts[2]:
            line["estimated_unit_price"] = parts[2]
        lines.append(line)
    return lines


def _custom(pairs: list[str] | None) -> dict[str, str]:
    """``--custom name=value``, repeatable."""
    values = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValidationError(f"{pair!r} is not NAME=VALUE", field="custom")
        values[name.strip()] = value
    return values


def show_lead(details: LeadDetails, as_json: bool) -> None:
    lead = details.lead
    if details.duplicates is not None:
        for match in details.duplicates.matches:
            error_console.print(f"duplicate: lead {match.record_id} (score {match.score}): "
                                f"{'; '.join(match.reasons)}", highlight=False, markup=False)
        for hidden in details.duplicates.hidden:
            error_console.print(f"duplicate: {hidden.message}", highlight=False, markup=False)
    for warning in details.warnings:  # on stderr: a script reading --json sees them in "warnings"
        error_console.print(f"warning: {warning.field}: {warning.message} [{warning.code}]", highlight=False,
                            markup=False)
    if as_json:
        payload = {
            **{k: v for k, v in fields_of(lead).items() if k not in ("products", "custom")},
            "id": str(lead.id), "status": details.status.label,
            "source": details.source.label if details.source else None,
            "owner": details.owner.email if details.owner else None,
            "products": lead.products, "custom": details.custom, "warnings": details.warnings,
            "score": _score_json(details.score),
            **({"score_note": details.score_note} if details.score_note else {}),
        }
        print_json(payload)
        return
    print_record(f"Lead {lead.id}", [
        ("name", lead.name), ("company", lead.company), ("title", lead.title), ("email", lead.email),
        ("phone", lead.phone), ("status", details.status.label),
        ("source", details.source.label if details.source else None), ("campaign", lead.campaign_id),
        ("owner", details.owner.name if details.owner else None), ("rating", lead.rating),
        ("budget", f"{lead.budget_amount:,.2f} {lead.currency}" if lead.budget_amount is not None else None),
        ("timeframe", lead.purchase_timeframe), ("decision maker", lead.is_decision_maker),
        ("industry", lead.industry), ("website", lead.website),
        ("address", ", ".join(p for p in (lead.street, lead.city, lead.state, lead.postal_code, lead.country) if p)),
        ("products", "; ".join(f"{p.product_name} x {p.quantity.normalize():f}" for p in lead.products)),
        *((f"custom.{k}", v) for k, v in details.custom.items()),
        ("created", lead.created_at), ("updated", lead.updated_at), ("version", lead.version),
        ("converted", lead.converted_at), *_score_lines(details.score, details.score_note),
    ])


def _score_lines(score: Any, note: str | None = None) -> list[tuple[str, object]]:
    """The score, how sure, its model, and its reasons (``leadline score show`` has the same); or
    why it has none."""
    if score is None:
        return [("score", f"not scored: {note}")] if note else []
    sure = "" if score.confident else " (low confidence: little data)"
    return [("score", f"{score.score}{sure}, model {score.model_version}"),
            *(("  up", r.text) for r in score.up), *(("  down", r.text) for r in score.down)]


def _score_json(score: Any) -> dict[str, object] | None:
    if score is None:
        return None
    return {"score": score.score, "confident": score.confident, "model_version": score.model_version,
            "up": [r.text for r in score.up], "down": [r.text for r in score.down]}


@app.command("add")
@handle_errors
def add(
    last_name: str = typer.Option(None, help="Required."),
    company: str = typer.Option(None, help="Required."),
    first_name: str = typer.Option(None), email: str = typer.Option(None), phone: str = typer.Option(None),
    title: str = typer.Option(None), industry: str = typer.Option(None), website: str = typer.Option(None),
    street: str = typer.Option(None), city: str = typer.Option(None), state: str = typer.Option(None),
    postal_code: str = typer.Option(None), country: str = typer.Option(None, help="ISO code, e.g. DE."),
    annual_revenue: str = typer.Option(None), employees: str = typer.Option(None),
    source: str = typer.Option(None, help="A lead source label (see `leadline source list`)."),
    campaign: str = typer.Option(None, help="The source campaign's id (see `leadline campaign list`)."),
    status: str = typer.Option(None, help="Default: the default status."),
    reason: str = typer.Option(None, help="Why, when created in an unqualified status (see `leadline reason list`)."),
    override_reason: str = typer.Option(None, help="Why, when created qualified without meeting the criteria."),
    duplicate_override: str = typer.Option(None, "--duplicate-override-reason",
                                           help="Why, when a blocking duplicate rule matches (kept in history)."),
    rating: str = typer.Option(None, help="hot, warm or cold."),
    budget: str = typer.Option(None, help="Budget amount, e.g. 25000."),
    currency: str = typer.Option(None, help="ISO 4217 code; default: the organisation's."),
    timeframe: str = typer.Option(None, help="Target purchase date, YYYY-MM-DD."),
    decision_maker: bool = typer.Option(None, "--decision-maker/--not-decision-maker"),
    description: str = typer.Option(None), owner: str = typer.Option(None, help="E-mail or id; default: you."),
    product: list[str] = typer.Option(None, help="NAME[:QUANTITY[:PRICE]], repeatable."),
    custom: list[str] = typer.Option(None, help="NAME=VALUE for a custom field, repeatable."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Capture a lead.

    Example: leadline lead add --first-name Ada --last-name Lovelace --company "Analytical Engines"
    --email ada@engines.example --source "Trade show" --budget 25000 --product "Widget:10:99"
    """
    options = dict(locals())
    actor = actor_id(acting_as)
    details = lead_service.create_lead(
        ready_application().context, actor, _values(options), products=_products(product), custom=_custom(custom)
    )
    show_lead(details, as_json)


@app.command("update")
@handle_errors
def update(
    lead_id: str = typer.Argument(..., help="The lead's id."),
    last_name: str = typer.Option(None), company: str = typer.Option(None),
    first_name: str = typer.Option(None), email: str = typer.Option(None), phone: str = typer.Option(None),
    title: str = typer.Option(None), industry: str = typer.Option(None), website: str = typer.Option(None),
    street: str = typer.Option(None), city: str = typer.Option(None), state: str = typer.Option(None),
    postal_code: str = typer.Option(None), country: str = typer.Option(None),
    annual_revenue: str = typer.Option(None), employees: str = typer.Option(None),
    source: str = typer.Option(None), status: str = typer.Option(None), rating: str = typer.Option(None),
    campaign: str = typer.Option(None, help="The source campaign's id; \"\" clears it."),
    budget: str = typer.Option(None), currency: str = typer.Option(None), timeframe: str = typer.Option(None),
    decision_maker: bool = typer.Option(None, "--decision-maker/--not-decision-maker"),
    description: str = typer.Option(None), owner: str = typer.Option(None),
    product: list[str] = typer.Option(None, help="Replaces all product lines: NAME[:QUANTITY[:PRICE]]."),
    custom: list[str] = typer.Option(None, help="NAME=VALUE (empty VALUE clears it)."),
    if_version: int = typer.Option(None, parser=whole_number(),
                                   help="Refuse the change if the lead is no longer at this version."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Change fields of a lead; only the options given change. Converted leads are read-only.

    Example: leadline lead update 1234567890 --status Contacted --title "Head of IT"
    """
    options = dict(locals())
    actor = actor_id(acting_as)
    details = lead_service.update_lead(
        ready_application().context, actor, parse_id(lead_id, "lead"), _values(options),
        products=_products(product) if product else None, custom=_custom(custom), expected_version=if_version,
    )
    show_lead(details, as_json)


@app.command("show")
@handle_errors
def show(lead_id: str = typer.Argument(...), as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Show one lead.  Example: leadline lead show 1234567890"""
    details = lead_service.get_lead(ready_application().context, actor_id(acting_as), parse_id(lead_id, "lead"))
    show_lead(details, as_json)


@app.command("list")
@handle_errors
def list_(
    status: list[str] = typer.Option(None, help="Status label, repeatable."),
    source: list[str] = typer.Option(None, help="Source label, repeatable."),
    owner: list[str] = typer.Option(None, help="Owner e-mail or id, repeatable."),
    search: str = typer.Option(None, help="Text in name, e-mail or company."),
    created_from: str = typer.Option(None, help=f"{DAY_RULE} (inclusive)."),
    created_to: str = typer.Option(None, help=f"{DAY_RULE} (exclusive)."),
    custom: list[str] = typer.Option(None, help="NAME=VALUE: only leads whose custom field holds it, repeatable."),
    campaign: list[str] = typer.Option(None, help="Source campaign id, repeatable."),
    min_score: int = typer.Option(None, help="Only leads scored at least this (0-100)."),
    max_score: int = typer.Option(None, help="Only leads scored at most this (0-100)."),
    limit: int = typer.Option(50, parser=whole_number(), help="Page size, 1-500."),
    sort: str = typer.Option("-id", help="Order: id, created_at, updated_at, last_name, company or score; "
                                         "'-' in front for descending. By score, unscored leads come last."),
    after: str = typer.Option(None, help="Newest-first order only: the last id of the previous page."),
    cursor: str = typer.Option(None, help="Any other order: the cursor the previous page printed."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """List leads, newest first unless --sort says otherwise.
    Example: leadline lead list --status Open --sort=-score --min-score 40 --limit 20"""
    context = ready_application().context
    actor = actor_id(acting_as)
    query = lead_service.resolve_lead_query(
        context, statuses=status or [], sources=source or [], owners=owner or [], search=search, custom=custom or [],
        campaigns=campaign or [], created_from=day_start(created_from, "created_from"),
        created_to=day_start(created_to, "created_to"), min_score=min_score, max_score=max_score,
    )
    page = list_page(limit, sort, after, cursor, LEAD_SORTS)
    rows = lead_service.list_leads(context, actor, query, page)
    if as_json:
        print_json([{"id": str(d.lead.id), "name": d.lead.name, "company": d.lead.company, "email": d.lead.email,
                     "status": d.status.label, "source": d.source.label if d.source else None,
                     "owner": d.owner.email if d.owner else None, "created_at": d.lead.created_at,
                     "score": d.score.score if d.score else None} for d in rows])
        return
    headers = ["id", "name", "company", "email", "status", "source", "owner", "created", "score"]
    print_table(f"Leads ({len(rows)} shown)", headers,
                [(d.lead.id, d.lead.name, d.lead.company, d.lead.email, d.status.label,
                  d.source.label if d.source else None, d.owner.name if d.owner else None,
                  d.lead.created_at, d.score.score if d.score else None) for d in rows])
    if len(rows) == limit:
        typer.echo(next_page_hint(sort, rows[-1].lead.id, lambda: lead_service.lead_cursor(page, rows[-1])))


@app.command("history")
@handle_errors
def history(lead_id: str = typer.Argument(...), as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Field history of a lead: who changed what, when.  Example: leadline lead history 1234567890"""
    context, actor = ready_application().context, actor_id(acting_as)
    changes = lead_service.lead_history(context, actor, parse_id(lead_id, "lead"))
    if as_json:
        print_json(changes)
        return
    names = {u.id: u.name for u in user_service.list_users(context, actor)}
    print_table("Field history", ["when", "field", "from", "to", "by"],
                [(c.changed_at, c.field, c.old_value, c.new_value, names.get(c.actor_id)) for c in changes])
