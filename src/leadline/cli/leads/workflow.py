"""``leadline lead status|status-history|qualify|evaluate``: working a lead through the status workflow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, parse_id, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.leads.records import show_lead
from leadline.cli.output import print_json, print_table
from leadline.domain.leads.qualification import Evaluation, parse_purpose

if TYPE_CHECKING:
    from leadline.services.leads import workflow as workflow_service
    from leadline.services.leads.records import LeadDetails
    from leadline.services.security import users as user_service
else:
    workflow_service = lazy_module("leadline.services.leads.workflow")
    user_service = lazy_module("leadline.services.security.users")

LEAD_ID = typer.Argument(..., metavar="LEAD_ID", help="The lead's id.")
OVERRIDE = typer.Option(None, "--override-reason",
                        help="Qualify although criteria are unmet; this written reason is kept.")
IF_VERSION = typer.Option(None, "--if-version", help="Refuse the change if the lead is no longer at this version.")


def register(app: typer.Typer) -> None:
    """Add these commands to the ``lead`` group."""
    app.command("status")(handle_errors(status))
    app.command("status-history")(handle_errors(status_history))
    app.command("qualify")(handle_errors(qualify))
    app.command("evaluate")(handle_errors(evaluate))


def evaluation_json(evaluation: Evaluation) -> dict[str, Any]:
    return {"framework": evaluation.framework, "met": evaluation.met,
            "results": [{"name": r.name, "met": r.met, "reason": r.reason} for r in evaluation.results]}


def print_evaluation(title: str, evaluation: Evaluation) -> None:
    if not evaluation.results:
        typer.echo(f"{title}: no active criteria, so nothing is required")
        return
    verdict = "met" if evaluation.met else f"not met ({len(evaluation.unmet)} unmet)"
    print_table(f"{title} ({evaluation.framework}): {verdict}", ["criterion", "met", "reason"],
                [(r.name, r.met, r.reason) for r in evaluation.results])


def _moved(details: LeadDetails, override_reason: str | None, as_json: bool) -> None:
    if as_json:
        show_lead(details, as_json)
        return
    typer.echo(f"lead {details.lead.id}: {details.status.label} (version {details.lead.version})")
    if override_reason:
        typer.echo(f"override kept: {override_reason}")


def status(
    lead_id: str = LEAD_ID,
    new_status: str = typer.Argument(None, metavar="[STATUS]",
                                     help="Move the lead to this status; without it, show where it may go."),
    reason: str = typer.Option(None, help="Why the lead is disqualified (see `leadline reason list`); "
                                          "needed for an unqualified status."),
    override_reason: str = OVERRIDE, if_version: int = IF_VERSION,
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Move a lead to a status by the workflow; without STATUS, show where it may go next.

    Without STATUS: the lead's status, the statuses it may move to and its qualification evaluation.
    A move outside the workflow is refused (STATUS_TRANSITION_NOT_ALLOWED, exit 4).
    An unqualified status needs --reason (REASON_REQUIRED, exit 2).
    A qualified status needs the criteria met or --override-reason (CRITERIA_NOT_MET, exit 4,
    one line per unmet criterion).

    Example: leadline lead status 1234567890 Unqualified --reason "No budget"
    """
    context, actor, lead = ready_application().context, actor_id(acting_as), parse_id(lead_id, "lead")
    if new_status is not None:
        details = workflow_service.change_lead_status(context, actor, lead, new_status, reason=reason,
                                                      override_reason=override_reason, expected_version=if_version)
        _moved(details, override_reason, as_json)
        return
    options = workflow_service.status_options(context, actor, lead)
    if as_json:
        print_json({"lead_id": lead, "status": options.current.label, "kind": options.current.kind,
                    "read_only": options.read_only, "next_statuses": [s.label for s in options.next_statuses],
                    "qualification": evaluation_json(options.qualification)})
        return
    typer.echo(f"lead {lead}: {options.current.label} ({options.current.kind.value})"
               + (", converted: read-only" if options.read_only else ""))
    if options.read_only:
        typer.echo("may move to: nothing (a converted lead is read-only)")
    else:
        typer.echo("may move to: " + (", ".join(s.label for s in options.next_statuses)
                                      or "nothing: the workflow allows no move from here "
                                         f"(an admin may: leadline workflow allow {options.current.label!r} STATUS)"))
    print_evaluation("Qualification", options.qualification)


def status_history(lead_id: str = LEAD_ID, as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Every status change of a lead, oldest first: who, when, the reason and any override.

    Example: leadline lead status-history 1234567890
    """
    context, actor = ready_application().context, actor_id(acting_as)
    changes = workflow_service.status_history(context, actor, parse_id(lead_id, "lead"))
    if as_json:
        print_json(changes)
        return
    names = {u.id: u.name for u in user_service.list_users(context, actor)}
    print_table("Status history", ["when", "from", "to", "by", "reason", "override"],
                [(c["at"], c["from"], c["to"], names.get(c["actor_id"], c["actor_id"]), c["reason"],
                  c["override_reason"]) for c in changes])


def qualify(
    lead_id: str = LEAD_ID,
    status_label: str = typer.Option(None, "--status", help="A qualified status; default: the first one."),
    override_reason: str = OVERRIDE, if_version: int = IF_VERSION,
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Move a lead to a qualified status: its criteria met, or overridden with a written reason.

    Otherwise CRITERIA_NOT_MET (exit 4), with one line per unmet criterion.

    Example: leadline lead qualify 1234567890 --override-reason "CFO confirmed budget by phone"
    """
    details = workflow_service.qualify_lead(ready_application().context, actor_id(acting_as),
                                            parse_id(lead_id, "lead"), status=status_label,
                                            override_reason=override_reason, expected_version=if_version)
    _moved(details, override_reason, as_json)


def evaluate(
    lead_id: str = LEAD_ID,
    purpose: str = typer.Option("qualification", help="qualification (may it be qualified?) or opportunity "
                                                      "(may conversion create an opportunity?)."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Evaluate a lead against the active criteria: each one met or unmet, with the reason.

    Exits 0 either way (it only reads); scripts read "met" from --json.

    Example: leadline lead evaluate 1234567890 --purpose opportunity
    """
    chosen = parse_purpose(purpose)
    evaluation = workflow_service.evaluate_lead(ready_application().context, actor_id(acting_as),
                                                parse_id(lead_id, "lead"), chosen)
    if as_json:
        print_json({"purpose": chosen, **evaluation_json(evaluation)})
        return
    print_evaluation(f"{chosen.value.capitalize()} criteria", evaluation)
