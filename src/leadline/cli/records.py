"""``leadline account|contact|opportunity list|show`` (``account|contact add|update`` are in
``record_edits``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

import typer

from leadline.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    actor_id,
    handle_errors,
    list_page,
    next_page_hint,
    parse_id,
    ready_application,
)
from leadline.cli.lazy import lazy_module
from leadline.cli.output import fields_of, print_json, print_record, print_table
from leadline.cli.record_edits import record_rows
from leadline.domain.common import date_field
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.queries import OPPORTUNITY_SORTS, Page, RecordQuery
from leadline.domain.scoring.opportunity import OpportunityScore

if TYPE_CHECKING:
    from leadline.services import custom_values
    from leadline.services import records as record_service
    from leadline.services.opportunities import queries as opportunity_queries
    from leadline.services.opportunities.queries import StageName
    from leadline.services.scoring import opportunity_reads
    from leadline.services.security import users as user_service
else:
    record_service = lazy_module("leadline.services.records")
    custom_values = lazy_module("leadline.services.custom_values")
    opportunity_queries = lazy_module("leadline.services.opportunities.queries")
    user_service = lazy_module("leadline.services.security.users")
    opportunity_reads = lazy_module("leadline.services.scoring.opportunity_reads")

account_app = typer.Typer(help="Accounts: the organisations you sell to.", no_args_is_help=True)
contact_app = typer.Typer(help="Contacts: people at accounts.", no_args_is_help=True)
opportunity_app = typer.Typer(help="Opportunities: potential sales.", no_args_is_help=True)

LIMIT = typer.Option(50, help="Page size, 1-500.")
AFTER = typer.Option(None, help="Cursor: the last id of the previous page.")
OWNER = typer.Option(None, help="Owner e-mail or id, repeatable.")
SEARCH = typer.Option(None, help="Text in the name (and e-mail for contacts).")
CUSTOM = typer.Option(None, help="NAME=VALUE: only records whose custom field holds it, repeatable.")


def _query(kind: RecordType, owner: list[str] | None, search: str | None, account: str | None = None,
           custom: list[str] | None = None) -> RecordQuery:
    context = ready_application().context
    return RecordQuery(owner_ids=user_service.resolve_query_owners(context, owner or []), search=search,
                       account_id=parse_id(account, "account") if account else None,
                       custom=custom_values.resolve_custom_filters(context, kind, custom or []))


def _page(limit: int, after: str | None) -> Page:
    return Page.after_id(limit, parse_id(after, "after") if after else None)


def _more(rows: list[object], limit: int) -> None:
    if len(rows) == limit:
        typer.echo(f"next page: --after {rows[-1].id}")


@account_app.command("list")
@handle_errors
def account_list(owner: list[str] = OWNER, search: str = SEARCH, custom: list[str] = CUSTOM, limit: int = LIMIT,
                 after: str = AFTER, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """List accounts, newest first.  Example: leadline account list --search acme --custom tier=Gold"""
    rows = record_service.list_records(ready_application().context, actor_id(acting_as), "account",
                                       _query(RecordType.ACCOUNT, owner, search, None, custom), _page(limit, after))
    if as_json:
        print_json(rows)
        return
    print_table("Accounts", ["id", "name", "domain", "industry", "employees", "country"],
                [(a.id, a.name, a.domain, a.industry, a.number_of_employees, a.billing_country) for a in rows])
    _more(rows, limit)


@account_app.command("show")
@handle_errors
def account_show(account_id: str, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Show an account with its contacts and opportunities.  Example: leadline account show 1234567890"""
    details = record_service.get_account(ready_application().context, actor_id(acting_as),
                                         parse_id(account_id, "account"))
    if as_json:
        print_json(details)
        return
    print_record(f"Account {details.account.id}", record_rows(details.account))
    print_table("Contacts", ["id", "name", "title", "email", "phone"],
                [(c.id, c.name, c.title, c.email, c.phone) for c in details.contacts])
    stages = record_service.stage_labels(ready_application().context)
    print_table("Opportunities", ["id", "name", "stage", "amount", "currency", "close date", "outcome"],
                [(o.id, o.name, stages.get(o.stage_id), o.amount, o.currency, o.close_date, o.outcome)
                 for o in details.opportunities])


@contact_app.command("list")
@handle_errors
def contact_list(owner: list[str] = OWNER, search: str = SEARCH,
                 account: str = typer.Option(None, help="Only contacts of this account id."),
                 custom: list[str] = CUSTOM, limit: int = LIMIT, after: str = AFTER, as_json: bool = JSON_OPTION,
                 acting_as: str = AS_OPTION) -> None:
    """List contacts, newest first.  Example: leadline contact list --account 1234567890"""
    rows = record_service.list_records(ready_application().context, actor_id(acting_as), "contact",
                                       _query(RecordType.CONTACT, owner, search, account, custom), _page(limit, after))
    if as_json:
        print_json(rows)
        return
    print_table("Contacts", ["id", "name", "title", "email", "phone", "account"],
                [(c.id, c.name, c.title, c.email, c.phone, c.account_id) for c in rows])
    _more(rows, limit)


@contact_app.command("show")
@handle_errors
def contact_show(contact_id: str, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Show a contact.  Example: leadline contact show 1234567890"""
    contact = record_service.get_record(ready_application().context, actor_id(acting_as), "contact",
                                        parse_id(contact_id, "contact"))
    if as_json:
        print_json(contact)
        return
    print_record(f"Contact {contact.id}", record_rows(contact))


def _opportunity_json(opportunity: object, names: Mapping[int, StageName]) -> dict[str, object]:
    """An opportunity as --json prints it: its fields, with its stage's and process's names."""
    fields = fields_of(opportunity)
    name = names.get(fields["stage_id"])
    if name is not None:
        fields.update(stage=name.stage, process_id=name.process_id, process=name.process)
    return fields


@opportunity_app.command("list")
@handle_errors
def opportunity_list(owner: list[str] = OWNER, search: str = SEARCH,
                     account: str = typer.Option(None, help="Only opportunities of this account id."),
                     stage: list[str] = typer.Option(None, help="Stage label or id, repeatable."),
                     process: list[str] = typer.Option(None, help="Sales process name or id, repeatable."),
                     outcome: list[str] = typer.Option(None, help="open, won or lost, repeatable."),
                     close_from: str = typer.Option(None, help="Closing on or after this day (YYYY-MM-DD)."),
                     close_to: str = typer.Option(None, help="Closing on or before this day."),
                     amount_from: str = typer.Option(None, help="Amount at least this (the deal's currency)."),
                     amount_to: str = typer.Option(None, help="Amount at most this."),
                     min_score: int = typer.Option(None, help="Predicted-win score at least this (0-100)."),
                     max_score: int = typer.Option(None, help="Predicted-win score at most this (0-100)."),
                     custom: list[str] = CUSTOM, limit: int = LIMIT,
                     sort: str = typer.Option("-id", help=(
                         "Order: id, created_at, updated_at, name, close_date, amount or score (the predicted-win "
                         "score); '-' in front for descending. By score, unscored opportunities come last.")),
                     after: str = typer.Option(None, help="Newest-first order only: the last id of the previous page."),
                     cursor: str = typer.Option(None, help="Any other order: the cursor the previous page printed."),
                     as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """List opportunities, newest first unless --sort says otherwise.

    Example: leadline opportunity list --stage Negotiation --outcome open --close-from 2026-10-01 --amount-from 10000

    Example: leadline opportunity list --outcome open --sort=-score --min-score 60
    """
    context = ready_application().context
    query = opportunity_queries.opportunity_query(context, owners=owner or [], search=search,
                              account_id=parse_id(account, "account") if account else None, stages=stage or [],
                              processes=process or [], outcomes=outcome or [],
                              close_from=date_field(close_from, "close_from"),
                              close_to=date_field(close_to, "close_to"), amount_from=amount_from, amount_to=amount_to,
                              min_score=min_score, max_score=max_score)
    custom_filters = custom_values.resolve_custom_filters(context, RecordType.OPPORTUNITY, custom or [])
    query = dataclasses.replace(query, custom=custom_filters)
    page = list_page(limit, sort, after, cursor, OPPORTUNITY_SORTS)
    found = opportunity_reads.list_scored_opportunities(context, actor_id(acting_as), query, page)
    rows, scores = found.rows, found.scores
    names = opportunity_queries.stage_names(context)
    if as_json:
        print_json([{**_opportunity_json(o, names), "score": _score_json(scores.get(o.id))} for o in rows])
        return
    print_table("Opportunities", ["id", "name", "stage", "process", "amount", "currency", "close date",
                                  "probability %", "score", "forecast", "outcome"],
                [(o.id, o.name, _label(names, o.stage_id, "stage"), _label(names, o.stage_id, "process"), o.amount,
                  o.currency, o.close_date, o.probability, s.score if (s := scores.get(o.id)) else None,
                  o.forecast_category, o.outcome) for o in rows])
    if len(rows) == limit:
        typer.echo(next_page_hint(sort, rows[-1].id, lambda: str(found.next_cursor(page))))


def _label(names: Mapping[int, StageName], stage_id: int, part: str) -> object:
    name = names.get(stage_id)
    return getattr(name, part) if name is not None else stage_id


@opportunity_app.command("show")
@handle_errors
def opportunity_show(opportunity_id: str, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Show an opportunity.  Example: leadline opportunity show 1234567890"""
    context = ready_application().context
    opportunity = record_service.get_record(context, actor_id(acting_as), "opportunity",
                                            parse_id(opportunity_id, "opportunity"))
    names = opportunity_queries.stage_names(context)
    score, note = opportunity_reads.get_opportunity_score_or_reason(context, actor_id(acting_as), opportunity.id)
    if as_json:
        print_json({**_opportunity_json(opportunity, names), "score": _score_json(score),
                    **({"score_note": note} if note else {})})
        return
    fields = record_rows(opportunity)
    fields.insert(3, ("stage", _label(names, opportunity.stage_id, "stage")))
    fields.insert(4, ("process", _label(names, opportunity.stage_id, "process")))
    print_record(f"Opportunity {opportunity.id}", fields + _score_lines(score, note))


def _score_lines(score: OpportunityScore | None, note: str | None) -> list[tuple[str, object]]:
    """The predicted chance of winning (beside the stage's probability), how sure, its model, its
    reasons; or why it has none."""
    if score is None:
        return [("predicted win %", f"not scored: {note}")]
    sure = "" if score.confident else " (low confidence: little data)"
    return [("predicted win %", f"{score.score}{sure}, model {score.model_version}"),
            *(("  up", r.text) for r in score.up), *(("  down", r.text) for r in score.down)]


def _score_json(score: OpportunityScore | None) -> dict[str, object] | None:
    if score is None:
        return None
    return {"score": score.score, "probability": round(score.probability, 4),
            "confident": score.confident, "model_version": score.model_version,
            "up": [r.text for r in score.up], "down": [r.text for r in score.down]}
