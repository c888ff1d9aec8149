"""``leadline opportunity update|stage|override|close|reopen``: working an opportunity through its
sales process, through the opportunity use cases (the same rules as the API)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, parse_id, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import fields_of, print_json
from leadline.domain.configuration.custom_fields import parse_custom_pairs
from leadline.domain.errors import ValidationError
from leadline.domain.opportunities.opportunity import Opportunity

if TYPE_CHECKING:
    from leadline.services import records as record_service
    from leadline.services.opportunities import lifecycle as opportunity_service
else:
    record_service = lazy_module("leadline.services.records")
    opportunity_service = lazy_module("leadline.services.opportunities.lifecycle")

OPPORTUNITY_ID = typer.Argument(..., metavar="OPPORTUNITY_ID", help="The opportunity's id.")
IF_VERSION = typer.Option(None, "--if-version",
                          help="Refuse the change if the opportunity is no longer at this version (STALE_RECORD).")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``opportunity`` group."""
    app.command("add")(handle_errors(add))
    app.command("update")(handle_errors(update))
    app.command("stage")(handle_errors(stage))
    app.command("override")(handle_errors(override))
    app.command("close")(handle_errors(close))
    app.command("reopen")(handle_errors(reopen))


def show_change(opportunity: Opportunity, as_json: bool) -> None:
    """The opportunity after a change: one line for people, every field for scripts."""
    stage_label = record_service.stage_labels(ready_application().context).get(opportunity.stage_id)
    if as_json:
        print_json({**fields_of(opportunity), "stage": stage_label})
        return
    amount = f"{opportunity.amount:,.2f} {opportunity.currency}" if opportunity.amount is not None else "no amount"
    overridden = " (overridden)" if opportunity.probability_overridden or opportunity.category_overridden else ""
    typer.echo(f"opportunity {opportunity.id}: {stage_label}, {opportunity.outcome.value}, "
               f"{opportunity.probability} % {opportunity.forecast_category.value}{overridden}, {amount}, "
               f"closes {opportunity.close_date or 'undated'} (version {opportunity.version})")


def _change(function: Any, opportunity_id: str, acting_as: str | None, as_json: bool, *args: Any,
            **options: Any) -> None:
    """Call an opportunity use case as the acting user and show the result."""
    opportunity = function(ready_application().context, actor_id(acting_as), parse_id(opportunity_id, "opportunity"),
                           *args, **options)
    show_change(opportunity, as_json)


def update(
    opportunity_id: str = OPPORTUNITY_ID,
    name: str = typer.Option(None, help="A new name."),
    amount: str = typer.Option(None, help="The amount (not with line items: their sum is the amount)."),
    currency: str = typer.Option(None, help="ISO currency code, e.g. EUR."),
    close_date: str = typer.Option(None, help="Expected close date, YYYY-MM-DD (a later period counts as a push)."),
    next_step: str = typer.Option(None, help="The next step, free text."),
    description: str = typer.Option(None, help="A description."),
    owner: str = typer.Option(None, help="New owner, e-mail or id."),
    custom: list[str] = typer.Option(None, help="NAME=VALUE for a custom field, repeatable (empty VALUE clears it)."),
    if_version: int = IF_VERSION, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Change an opportunity's fields; only those given change. Stage, probability, category and
    outcome have commands of their own (stage, override, close, reopen).

    Example: leadline opportunity update 1234567890 --amount 18000 --close-date 2026-12-15
    """
    given = dict(name=name, amount=amount, currency=currency, close_date=close_date, next_step=next_step,
                 description=description, owner=owner, custom=parse_custom_pairs(custom) if custom else None)
    changes = {field: value for field, value in given.items() if value is not None}
    if not changes:
        options = ", ".join(f"--{option.replace('_', '-')}" for option in given)
        raise ValidationError(f"give at least one of {options}", field="opportunity")
    updated = record_service.update_record(ready_application().context, actor_id(acting_as), "opportunity",
                                           parse_id(opportunity_id, "opportunity"), changes,
                                           expected_version=if_version)
    show_change(updated, as_json)


def add(
    account: str = typer.Option(..., help="The account's id."),
    name: str = typer.Option(..., help="The opportunity's name."),
    process: str = typer.Option(None, help="Its sales process (name or id); default: the one for --type, "
                                           "else the default process."),
    stage_name: str = typer.Option(None, "--stage", help="A stage of that process, by label or id; default: its "
                                                         "first open stage."),
    kind: str = typer.Option(None, "--type", help="new_business, existing_business, renewal or upsell."),
    amount: str = typer.Option(None, help="The amount."), currency: str = typer.Option(None, help="ISO code."),
    close_date: str = typer.Option(None, help="Expected close date, YYYY-MM-DD."),
    owner: str = typer.Option(None, help="Owner, e-mail or id; default: you."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Open an opportunity at an account, in a stage of its sales process.

    Example: leadline opportunity add --account 1234567890 --name "Acme renewal" --process Renewals --stage Review
    """
    given = dict(account_id=account, name=name, process=process, stage=stage_name, type=kind, amount=amount,
                 currency=currency, close_date=close_date, owner=owner)
    created = record_service.create_opportunity(ready_application().context, actor_id(acting_as),
                                                {k: v for k, v in given.items() if v is not None})
    show_change(created, as_json)


def stage(
    opportunity_id: str = OPPORTUNITY_ID,
    new_stage: str = typer.Argument(..., metavar="STAGE", help="An open stage of its sales process, by label or id."),
    if_version: int = IF_VERSION, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Move an open opportunity to another open stage; probability and forecast category follow
    the stage unless overridden (see `override`). A closed opportunity is OPPORTUNITY_CLOSED (exit 4):
    reopen it first; a closed stage is refused (exit 2): use `close`.

    Example: leadline opportunity stage 1234567890 Negotiation
    """
    _change(opportunity_service.move_stage, opportunity_id, acting_as, as_json, new_stage, expected_version=if_version)


def override(
    opportunity_id: str = OPPORTUNITY_ID,
    probability: str = typer.Option(None, help="Your own probability, 0-100 (kept through stage moves)."),
    category: str = typer.Option(None, help="Your own forecast category: pipeline, best_case, commit or omitted."),
    clear: bool = typer.Option(False, "--clear", help="Take probability and category from the stage again."),
    if_version: int = IF_VERSION, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Set your own probability and/or forecast category for an open opportunity, kept through
    stage moves until cleared with --clear.

    Example: leadline opportunity override 1234567890 --probability 60 --category commit
    """
    if clear and (probability is not None or category is not None):
        raise ValidationError("give --clear alone, or --probability/--category", field="clear")
    _change(opportunity_service.override_forecast, opportunity_id, acting_as, as_json, probability=probability,
            category=category, clear=clear, expected_version=if_version)


def close(
    opportunity_id: str = OPPORTUNITY_ID,
    outcome: str = typer.Argument(..., metavar="OUTCOME", help="won or lost."),
    reason: str = typer.Option(None, help="Why it was lost, from `leadline reason list --kind opportunity_lost`; "
                                          "needed for lost."),
    comment: str = typer.Option(None, help="A comment on the loss."),
    amount: str = typer.Option(None, help="Won: the final amount, set in the same change (not with line items)."),
    closing_stage: str = typer.Option(None, "--stage", help="Which won or lost stage, if the process has several."),
    close_date: str = typer.Option(None, help="Admins: back-date the close, YYYY-MM-DD (today or earlier)."),
    if_version: int = IF_VERSION, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Close an opportunity as won or lost; the close date becomes today. An admin may back-date
    it with --close-date (PERMISSION_DENIED, exit 5, for others); a day after today is
    CLOSE_DATE_IN_FUTURE (exit 2), as is moving a closed opportunity's --close-date past today.

    Won needs a positive amount: the one it has (its products' sum, if it has any), or --amount
    (exit 2 otherwise). Lost needs --reason (REASON_REQUIRED, exit 2) and takes no --amount.
    A closed opportunity is OPPORTUNITY_CLOSED (exit 4).

    Example: leadline opportunity close 1234567890 won --amount 18000
    Example: leadline opportunity close 1234567890 lost --reason Price --comment "20% cheaper elsewhere"
    """
    _change(opportunity_service.close_opportunity, opportunity_id, acting_as, as_json, outcome, reason=reason,
            comment=comment, stage=closing_stage, amount=amount, close_date=close_date, expected_version=if_version)


def reopen(
    opportunity_id: str = OPPORTUNITY_ID,
    to_stage: str = typer.Option(None, "--stage", help="The open stage to reopen in; default: the last open "
                                                       "stage it was in."),
    if_version: int = IF_VERSION, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Reopen a won or lost opportunity: outcome open, no close time, no loss reason (its history
    keeps them); probability and category come from the stage.

    Example: leadline opportunity reopen 1234567890 --stage Negotiation
    """
    _change(opportunity_service.reopen_opportunity, opportunity_id, acting_as, as_json, stage=to_stage,
            expected_version=if_version)
