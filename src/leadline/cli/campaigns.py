"""``leadline campaign add|list|show|update|report|member add|member list``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, parse_id, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import fields_of, print_json, print_record, print_table

if TYPE_CHECKING:
    from leadline.analytics import campaigns as campaign_reports
    from leadline.services.campaigns import members as member_service
    from leadline.services.campaigns import records as campaign_service
else:
    campaign_service = lazy_module("leadline.services.campaigns.records")
    member_service = lazy_module("leadline.services.campaigns.members")
    campaign_reports = lazy_module("leadline.analytics.campaigns")

campaign_app = typer.Typer(help="Campaigns, their members and what they returned.", no_args_is_help=True)
member_app = typer.Typer(help="A campaign's members (leads and contacts).", no_args_is_help=True)
campaign_app.add_typer(member_app, name="member")

TYPES = "ad, trade_show, webinar, email, referral_programme, social or other."
STATUSES = "planned, active, completed or aborted."


def _values(options: dict[str, Any]) -> dict[str, Any]:
    names = {"name": "name", "type": "type", "status": "status", "currency": "currency", "start": "start_date",
             "end": "end_date", "budget": "budget_amount", "cost": "actual_cost_amount", "parent": "parent",
             "description": "description"}
    return {names[k]: v for k, v in options.items() if k in names and v is not None}


def show_campaign(campaign: Any, as_json: bool) -> None:
    if as_json:
        print_json(campaign)
        return
    print_record(f"Campaign {campaign.id}", [(k, v) for k, v in fields_of(campaign).items() if k != "id"])


@campaign_app.command("add")
@handle_errors
def add(
    name: str = typer.Option(..., help="Required."), type: str = typer.Option(..., help=TYPES),
    status: str = typer.Option(None, help=f"Default planned; {STATUSES}"),
    currency: str = typer.Option(None, help="ISO 4217; default: the organisation's."),
    start: str = typer.Option(None, help="YYYY-MM-DD."), end: str = typer.Option(None, help="YYYY-MM-DD."),
    budget: str = typer.Option(None), cost: str = typer.Option(None, help="Actual cost so far."),
    parent: str = typer.Option(None, help="The parent campaign's id."), description: str = typer.Option(None),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Add a campaign (admins and managers).

    Example: leadline campaign add --name "Spring webinar" --type webinar --budget 5000 --cost 1200
    """
    show_campaign(campaign_service.create_campaign(ready_application().context, actor_id(acting_as),
                                                   _values(dict(locals()))), as_json)


@campaign_app.command("update")
@handle_errors
def update(
    campaign_id: str = typer.Argument(...), name: str = typer.Option(None), type: str = typer.Option(None),
    status: str = typer.Option(None, help=STATUSES), currency: str = typer.Option(None),
    start: str = typer.Option(None), end: str = typer.Option(None), budget: str = typer.Option(None),
    cost: str = typer.Option(None), parent: str = typer.Option(None, help='A campaign id; "" for none.'),
    description: str = typer.Option(None), as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Change a campaign.  Example: leadline campaign update 1234567890 --status completed --cost 4800"""
    show_campaign(campaign_service.update_campaign(ready_application().context, actor_id(acting_as),
                                                   parse_id(campaign_id, "campaign"), _values(dict(locals()))),
                  as_json)


@campaign_app.command("list")
@handle_errors
def list_(status: list[str] = typer.Option(None, help="Repeatable."), type: list[str] = typer.Option(None),
          as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """List campaigns by name.  Example: leadline campaign list --status active"""
    found = campaign_service.list_campaigns(ready_application().context, actor_id(acting_as),
                                            statuses=status or [], types=type or [])
    if as_json:
        print_json(found)
        return
    print_table("Campaigns", ["id", "name", "type", "status", "budget", "cost", "currency", "parent"],
                [(c.id, c.name, c.type, c.status, c.budget_amount, c.actual_cost_amount, c.currency, c.parent_id)
                 for c in found])


@campaign_app.command("show")
@handle_errors
def show(campaign_id: str = typer.Argument(...), as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Show a campaign.  Example: leadline campaign show 1234567890"""
    show_campaign(campaign_service.get_campaign(ready_application().context, actor_id(acting_as),
                                                parse_id(campaign_id, "campaign")), as_json)


@campaign_app.command("report")
@handle_errors
def report(campaign_id: str = typer.Argument(...),
           roll_up: bool = typer.Option(True, "--roll-up/--alone", help="Add the sub-campaigns (default)."),
           as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """What a campaign returned, of the records you may read.  Example: leadline campaign report 1234567890"""
    found = campaign_reports.report_campaign(ready_application().context, actor_id(acting_as),
                                             parse_id(campaign_id, "campaign"), roll_up=roll_up)
    f = found.figures
    if as_json:
        print_json(found)
        return
    print_record(f"Campaign {found.campaign_id} ({len(found.campaign_ids)} campaigns counted)", [
        ("members", f.members), ("leads", f.leads), ("converted leads", f.converted_leads),
        ("opportunities", f.opportunities), ("won", f.won_opportunities),
        ("won revenue", f"{f.won_revenue:,.2f} {found.currency}"),
        *((f"won revenue {code}", f"{amount:,.2f}") for code, amount in f.other_revenue.items()),
        ("budget", f"{f.budget:,.2f}"), ("actual cost", f"{f.actual_cost:,.2f}"),
        ("cost per lead", found.cost_per_lead), ("cost per won deal", found.cost_per_won_deal),
        ("return on spend", found.return_on_spend)])


@member_app.command("add")
@handle_errors
def member_add(campaign_id: str = typer.Argument(...), lead: str = typer.Option(None, help="A lead's id."),
               contact: str = typer.Option(None, help="A contact's id."),
               status: str = typer.Option("sent", help="sent, responded, attended, ... (the campaign type's)."),
               as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Add a lead or a contact to a campaign.

    Example: leadline campaign member add 1234567890 --lead 2345678901 --status attended
    """
    member = member_service.add_member(
        ready_application().context, actor_id(acting_as), parse_id(campaign_id, "campaign"),
        lead_id=parse_id(lead, "lead") if lead else None, contact_id=parse_id(contact, "contact") if contact else None,
        status=status)
    if as_json:
        print_json(member)
    else:
        typer.echo(f"added {'lead ' + str(member.lead_id) if member.lead_id else 'contact ' + str(member.contact_id)}"
                   f" as {member.status.value}")


@member_app.command("list")
@handle_errors
def member_list(campaign_id: str = typer.Argument(...), as_json: bool = JSON_OPTION,
                acting_as: str = AS_OPTION) -> None:
    """List a campaign's members you may read.  Example: leadline campaign member list 1234567890"""
    found = member_service.list_members(ready_application().context, actor_id(acting_as),
                                        parse_id(campaign_id, "campaign"))
    if as_json:
        print_json(found)
        return
    print_table("Members", ["lead", "contact", "status", "first response", "added"],
                [(m.lead_id, m.contact_id, m.status, m.first_responded_at, m.added_at) for m in found])
