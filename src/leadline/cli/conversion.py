"""``leadline lead convert|convert-preview|undo-convert|add-opportunity|lineage``: lead conversion,
one lead or many, through the one conversion use case."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from leadline.cli.common import (
    AS_OPTION,
    EXIT_INCOMPLETE,
    JSON_OPTION,
    actor_id,
    handle_errors,
    parse_id,
    ready_application,
    whole_number,
)
from leadline.cli.lazy import lazy_module
from leadline.cli.leads.workflow import evaluation_json, print_evaluation
from leadline.cli.output import print_json, print_record, print_table
from leadline.domain.common import counted
from leadline.domain.conversion.rules import ConversionResult
from leadline.domain.errors import ValidationError

if TYPE_CHECKING:
    from leadline.services.conversion import bulk as conversion_bulk
    from leadline.services.conversion import convert as conversion_service
    from leadline.services.conversion import selection as lead_selection
    from leadline.services.conversion import undo as conversion_undo
    from leadline.services.conversion.bulk import BulkConversion
else:
    conversion_bulk = lazy_module("leadline.services.conversion.bulk")
    conversion_service = lazy_module("leadline.services.conversion.convert")
    conversion_undo = lazy_module("leadline.services.conversion.undo")
    lead_selection = lazy_module("leadline.services.conversion.selection")

LEAD_ID = typer.Argument(..., metavar="LEAD_ID", help="The lead's id.")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``lead`` group."""
    app.command("convert")(handle_errors(convert))
    app.command("convert-preview")(handle_errors(convert_preview))
    app.command("undo-convert")(handle_errors(undo_convert))
    app.command("add-opportunity")(handle_errors(add_opportunity))
    app.command("lineage")(handle_errors(lineage))


def convert(
    lead_ids: list[str] = typer.Argument(None, metavar="LEAD_ID", help="One lead, or several to convert in bulk."),
    account: str = typer.Option(None, help="Attach to this existing account (id); default: a new account."),
    contact: str = typer.Option(None, help="Attach to this existing contact (id); default: the account's contact "
                                           "with the lead's e-mail, else a new one."),
    opportunity: str = typer.Option("create", help="create (a new one), attach (the contact joins --opportunity-id) "
                                                   "or none."),
    opportunity_id: str = typer.Option(None, help="The open opportunity of the account to attach to."),
    one_per_product: bool = typer.Option(False, "--one-per-product", help="One opportunity per product line."),
    opportunity_name: str = typer.Option(None, help="The new opportunity's name; default: the company and first "
                                                    "product (not with --one-per-product, nor in bulk)."),
    opportunity_amount: str = typer.Option(None, help="The new opportunity's amount in the lead's currency; default: "
                                                      "the priced product lines' sum, else the budget (not beside "
                                                      "priced lines, --one-per-product, nor in bulk)."),
    opportunity_close_date: str = typer.Option(None, metavar="YYYY-MM-DD",
                                               help="The new opportunity's close date; default: the purchase "
                                                    "timeframe."),
    opportunity_stage: str = typer.Option(None, help="The new opportunity's stage (label or id): an open stage of "
                                                     "the default process; default: its first."),
    status: str = typer.Option(None, help="Converted status to set; default: the first (with --nurture-reason: "
                                          "the first unqualified one)."),
    owner: str = typer.Option(None, help="Owner (e-mail or id) of what is created; default: the lead's owner."),
    override_reason: str = typer.Option(None, help="Create the opportunity although its criteria are unmet; kept."),
    qualification_override_reason: str = typer.Option(
        None, help="Convert a lead that is not qualified although its qualification criteria are unmet; kept "
                   "(needed unless the lead is qualified, kept for nurturing, or the gate is off: "
                   "`leadline workflow conversion-gate`)."),
    nurture_reason: str = typer.Option(None, help="Disqualify with this reason, keeping account and contact "
                                                  "(needs --opportunity none)."),
    idempotency_key: str = typer.Option(None, help="A retry with the same key returns the first result."),
    confirm_separate: bool = typer.Option(False, "--confirm-separate",
                                          help="Create the account or contact although one you may not see "
                                               "matches (else DUPLICATE_HIDDEN; see convert-preview)."),
    duplicate_override_reason: str = typer.Option(
        None, help="Create the account or contact although a blocking duplicate rule matches (else "
                   "DUPLICATE_BLOCKED); kept in the lead's history."),
    if_version: int = typer.Option(None, parser=whole_number(),
                                   help="One lead only: refuse if the lead is no longer at this version."),
    where_status: list[str] = typer.Option(None, help="Bulk: convert the leads with this status (repeatable)."),
    where_source: list[str] = typer.Option(None, help="Bulk: ... with this source (repeatable)."),
    where_owner: list[str] = typer.Option(None, help="Bulk: ... owned by this user, e-mail or id (repeatable)."),
    all_or_nothing: bool = typer.Option(False, "--all-or-nothing", help="Bulk: convert none if any lead fails."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Convert leads into a contact at an account and (unless --opportunity none) an opportunity.

    A lead that is not in a qualified status needs its qualification criteria met or
    --qualification-override-reason (CRITERIA_NOT_MET, exit 4), unless it is kept for nurturing
    or an admin turned that gate off (`leadline workflow conversion-gate off`).
    One conversion is all or nothing, and the lead becomes read-only. Converting it again is
    LEAD_ALREADY_CONVERTED (exit 4), unless it is a retry with the same --idempotency-key.

    Bulk: several LEAD_IDs, or --where-status/--where-source/--where-owner filters: the unconverted
    leads you may see that `leadline lead list --status/--source/--owner` shows (the API's `filter`). Each lead is
    converted with the same choices; one line per lead, then a summary. By default each lead
    converts or fails on its own; with --all-or-nothing one failure converts none.
    Exit 6 when any lead was not converted. (One LEAD_ID prints the one conversion; --json likewise.)

    The new opportunity's --opportunity-name, --opportunity-amount, --opportunity-close-date and
    --opportunity-stage are those of the web dialog and the API (with --opportunity create);
    each left out is worked out as before.

    Example: leadline lead convert 1234567890 --account 2345678901 --opportunity none

    Example: leadline lead convert 1234567890 --opportunity-amount 18000 --opportunity-close-date 2026-09-30
    --opportunity-stage "Needs Analysis"

    Example: leadline lead convert --where-status Qualified --where-owner sam@example.com --all-or-nothing
    """
    choices = dict(account_id=parse_id(account, "account") if account else None,
                   contact_id=parse_id(contact, "contact") if contact else None, opportunity=opportunity,
                   opportunity_id=parse_id(opportunity_id, "opportunity_id") if opportunity_id else None,
                   one_per_product=one_per_product, opportunity_name=opportunity_name,
                   opportunity_amount=opportunity_amount, opportunity_close_date=opportunity_close_date,
                   opportunity_stage=opportunity_stage, status=status, owner=owner, override_reason=override_reason,
                   qualification_override_reason=qualification_override_reason,
                   nurture_reason=nurture_reason, idempotency_key=idempotency_key,
                   confirm_separate=confirm_separate, duplicate_override_reason=duplicate_override_reason)
    filters = {"statuses": where_status or [], "sources": where_source or [], "owners": where_owner or []}
    ids = _lead_ids(lead_ids or [], filters)
    context, actor = ready_application().context, actor_id(acting_as)
    if len(ids) == 1:  # one lead: one conversion, all or nothing in any case
        options = conversion_service.conversion_options(**choices, expected_version=if_version)
        _show_result(conversion_service.convert_lead(context, actor, ids[0], options), as_json)
        return
    if if_version is not None:
        raise ValidationError("--if-version is for one lead", field="if_version")
    options = conversion_service.conversion_options(**choices)
    if ids:
        outcome = conversion_bulk.convert_leads(context, actor, ids, options, all_or_nothing=all_or_nothing)
    else:  # a filter matching nothing is not an error: a nightly script may find no qualified lead
        where = lead_selection.LeadFilter(filters["statuses"], filters["sources"], filters["owners"])
        selected = lead_selection.convert_leads_where(context, actor, where, options, all_or_nothing=all_or_nothing)
        ids, outcome = selected.lead_ids, selected.outcome
    _show_bulk(ids, outcome, as_json)
    if outcome.converted < len(ids):
        raise typer.Exit(EXIT_INCOMPLETE)


def _lead_ids(values: list[str], filters: dict[str, list[str]]) -> list[int]:
    """The ids given (each once, in order); none when filters select the leads. Exactly one way is given."""
    ids = list(dict.fromkeys(parse_id(value, f"lead_ids[{i}]") for i, value in enumerate(values)))
    if ids and any(filters.values()):
        raise ValidationError("give lead ids or --where-* filters, not both", field="lead_ids")
    if not ids and not any(filters.values()):
        raise ValidationError("give a lead id, several, or a --where-status/--where-source/--where-owner filter",
                              field="lead_ids")
    return ids


def _how(result: ConversionResult, record_type: str) -> str:
    return "created" if record_type in result.created else "attached"


def _show_result(result: ConversionResult, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    deals = ", ".join(str(i) for i in result.opportunity_ids or ([result.opportunity_id] if result.opportunity_id
                                                                 else []))
    rows = [
        ("account", f"{result.account_id} ({_how(result, 'account')})"),
        ("contact", f"{result.contact_id} ({_how(result, 'contact')})"),
        ("opportunity", f"{deals} ({_how(result, 'opportunity')})" if deals else "none"),
        ("attached", ", ".join(result.attached)), ("filled", ", ".join(result.filled)),
        ("skipped", "; ".join(result.skipped)), ("override reason", result.override_reason),
        ("qualification override", result.qualification_override_reason),
    ]
    title = f"Converted lead {result.lead_id}" + (" (a retry: the first result)" if result.replayed else "")
    print_record(title, [(name, value) for name, value in rows if value])


def _line(item: conversion_bulk.BulkItem) -> str:
    if not item.ok or item.result is None:
        return f"failed    {item.lead_id}: {item.message} [{item.code}]"
    result = item.result
    deals = ",".join(str(i) for i in result.opportunity_ids) or "none"
    return (f"converted {item.lead_id}: account {result.account_id} ({_how(result, 'account')}), "
            f"contact {result.contact_id} ({_how(result, 'contact')}), opportunity {deals}")


def _show_bulk(ids: list[int], outcome: BulkConversion, as_json: bool) -> None:
    """One line per lead, then a summary. An all-or-nothing call stops at its first failure: the
    leads after it were not tried, and are listed as such."""
    reported = {item.lead_id for item in outcome.items}
    not_tried = [i for i in ids if i not in reported]
    failed = len(ids) - outcome.converted
    if as_json:
        print_json({"committed": outcome.committed, "converted": outcome.converted, "failed": failed,
                    "items": [{"lead_id": i.lead_id, "ok": i.ok, "code": i.code, "message": i.message,
                               "result": i.result} for i in outcome.items],
                    "not_tried_ids": not_tried})
        return
    for item in outcome.items:
        typer.echo(_line(item))
    for lead_id in not_tried:
        typer.echo(f"not tried {lead_id}: an earlier lead failed and --all-or-nothing converts none")
    if not ids:
        typer.echo("no lead you may see matches the filters: nothing to convert")
        return
    ending = "" if outcome.committed else "; all or nothing: nothing was converted"
    typer.echo(f"{outcome.converted} of {counted(len(ids), 'lead')} converted, {failed} not converted{ending}")


def convert_preview(lead_id: str = LEAD_ID, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Show the existing accounts and contacts a lead may belong to, with why; nothing is written.

    Accounts match by website domain or company name, contacts by e-mail or phone. Also shows the
    accounts' open opportunities (for --opportunity attach) and the opportunity criteria. Matching
    records you may not see are told of (only that they exist, and which of the lead's values
    matched): converting would then be DUPLICATE_HIDDEN unless --confirm-separate.

    Example: leadline lead convert-preview 1234567890
    """
    preview = conversion_bulk.preview_conversion(ready_application().context, actor_id(acting_as),
                                                 parse_id(lead_id, "lead"))
    if as_json:
        print_json({"lead_id": preview.lead_id,
                    "accounts": [{"id": a.record_id, "name": a.name, "reasons": a.reasons,
                                  "open_opportunity_ids": preview.open_opportunities.get(a.record_id, [])}
                                 for a in preview.accounts],
                    "contacts": [{"id": c.record_id, "name": c.name, "account_id": account_id, "reasons": c.reasons}
                                 for c, account_id in preview.contacts],
                    "opportunity_criteria": evaluation_json(preview.opportunity_criteria),
                    "hidden": [{"record_type": h.record_type.value, "reasons": h.reasons, "message": h.message}
                               for h in preview.hidden]})
        return
    if preview.accounts:
        print_table("Accounts the lead may belong to (--account)", ["id", "name", "why", "open opportunities"],
                    [(a.record_id, a.name, "; ".join(a.reasons),
                      ", ".join(str(i) for i in preview.open_opportunities.get(a.record_id, [])))
                     for a in preview.accounts])
    hidden = {h.record_type.value: h for h in preview.hidden}
    if not preview.accounts and "account" not in hidden:
        typer.echo("no existing account matches: converting creates one")
    if preview.contacts:
        print_table("Contacts the lead may be (--contact)", ["id", "name", "account", "why"],
                    [(c.record_id, c.name, account_id, "; ".join(c.reasons)) for c, account_id in preview.contacts])
    elif "contact" not in hidden:
        typer.echo("no existing contact matches")
    for match in preview.hidden:
        typer.echo(f"{match.message}; to convert into a separate {match.record_type.value} anyway: "
                   "--confirm-separate")
    print_evaluation("Opportunity criteria", preview.opportunity_criteria)


def undo_convert(lead_id: str = LEAD_ID, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Undo a lead's conversion; the lead returns to its previous status, editable again.

    Removes the records the conversion created, the links it made and the fields it filled.
    Refused with every reason (UNDO_REFUSED, exit 4) once something was attached to, or edited
    on, what it created.

    Example: leadline lead undo-convert 1234567890
    """
    result = conversion_undo.undo_conversion(ready_application().context, actor_id(acting_as),
                                             parse_id(lead_id, "lead"))
    if as_json:
        print_json(result)
        return
    typer.echo(f"lead {result.lead_id}: conversion undone, status {result.status}")
    for what, items in (("removed", result.removed), ("restored", result.restored)):
        if items:
            typer.echo(f"{what}: {', '.join(items)}")
    if result.unlinked:
        typer.echo(f"unlinked: {counted(result.unlinked, 'activity link')}")


def add_opportunity(
    lead_id: str = LEAD_ID,
    product: list[str] = typer.Option(None, help="Keep only this product line of the lead (repeatable); "
                                                 "default: all of them."),
    name: str = typer.Option(None, help="Name of the opportunity; default: company - first product."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Create a further opportunity from a converted lead, on its account; its lineage lists it.

    The lead's product lines are copied (only those named by --product, if given).

    Example: leadline lead add-opportunity 1234567890 --product Gadget --name "Gadget renewal"
    """
    result = conversion_undo.add_lead_opportunity(ready_application().context, actor_id(acting_as),
                                                  parse_id(lead_id, "lead"), products=product or None, name=name)
    if as_json:
        print_json(result)
        return
    typer.echo(f"lead {result.lead_id}: opportunity {result.opportunity_id} created on account {result.account_id}")
    if result.skipped:
        typer.echo(f"skipped: {', '.join(result.skipped)}")


def lineage(lead_id: str = LEAD_ID, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Show what a converted lead became: when, its account, contact, every opportunity and the
    reason an opportunity was created without its criteria met, if it was.

    Example: leadline lead lineage 1234567890
    """
    found = conversion_service.lead_lineage(ready_application().context, actor_id(acting_as),
                                            parse_id(lead_id, "lead"))
    if as_json:
        print_json(found)
        return
    print_record(f"Lineage of lead {found['lead_id']}", [
        ("converted", found["converted_at"] or "not converted"), ("account", found["account_id"]),
        ("contact", found["contact_id"]), ("opportunities", ", ".join(str(i) for i in found["opportunity_ids"])),
        ("override reason", found["override_reason"]),
    ])
