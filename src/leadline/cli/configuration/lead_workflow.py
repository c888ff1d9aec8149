"""``leadline workflow|reason|criteria|mapping ...``: the lead workflow's configuration (admins):
the status transition graph, reason lists, qualification and opportunity criteria, and the
custom field mappings of conversion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, parse_id, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import print_json, print_table
from leadline.domain.errors import ValidationError

if TYPE_CHECKING:
    from leadline.services.configuration import lead_workflow as config
    from leadline.services.conversion import gate
else:
    config = lazy_module("leadline.services.configuration.lead_workflow")
    gate = lazy_module("leadline.services.conversion.gate")

workflow_app = typer.Typer(help="The lead status workflow: which status may follow which.", no_args_is_help=True)
reason_app = typer.Typer(help="Reason lists: why a lead is disqualified, why a deal is lost.", no_args_is_help=True)
criteria_app = typer.Typer(help="Qualification and opportunity criteria, grouped in frameworks.",
                           no_args_is_help=True)
mapping_app = typer.Typer(help="Custom lead fields that conversion copies to the account, contact or opportunity.",
                          no_args_is_help=True)

KIND = typer.Option("lead_unqualified", "--kind", help="lead_unqualified or opportunity_lost.")


def _ctx() -> Any:
    return ready_application().context


def _print_transitions(as_json: bool) -> None:
    transitions = config.list_transitions(_ctx())
    if as_json:
        print_json([{"from": t.from_status, "to": t.to_status} for t in transitions])
        return
    print_table("Allowed status moves", ["from", "to"], [(t.from_status, t.to_status) for t in transitions])


@workflow_app.command("transitions")
@handle_errors
def workflow_transitions(as_json: bool = JSON_OPTION) -> None:
    """List the status moves leads may make (converted statuses are reached only by conversion).

    Example: leadline workflow transitions
    """
    _print_transitions(as_json)


@workflow_app.command("allow")
@handle_errors
def workflow_allow(from_status: str, to_status: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Allow leads to move from one status to another.  Example: leadline workflow allow Open Qualified"""
    config.allow_transition(_ctx(), actor_id(acting_as), from_status, to_status)
    _print_transitions(as_json)


@workflow_app.command("forbid")
@handle_errors
def workflow_forbid(from_status: str, to_status: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Stop allowing a move (NOT_FOUND if it was not allowed).  Example: leadline workflow forbid Unqualified Open"""
    config.forbid_transition(_ctx(), actor_id(acting_as), from_status, to_status)
    _print_transitions(as_json)


@workflow_app.command("reset")
@handle_errors
def workflow_reset(acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Replace the moves with the default graph of the statuses' kinds: open -> working -> qualified
    or unqualified, unqualified -> open.  Example: leadline workflow reset"""
    config.reset_transitions(_ctx(), actor_id(acting_as))
    _print_transitions(as_json)


@workflow_app.command("conversion-gate")
@handle_errors
def workflow_conversion_gate(
    state: str = typer.Argument(None, metavar="[on|off]", help="Turn it on or off (admins); without it, show it."),
    acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION,
) -> None:
    """Show, or turn on or off, the qualification gate of conversion: when on (the default),
    converting a lead that is not in a qualified status needs its qualification criteria met or
    --qualification-override-reason (a lead kept for nurturing needs neither).

    Example: leadline workflow conversion-gate off
    """
    enabled = gate.get_qualification_gate(_ctx()) if state is None else \
        gate.set_qualification_gate(_ctx(), actor_id(acting_as), state)
    if as_json:
        print_json({"enabled": enabled})
        return
    typer.echo("conversion gate: " + ("on (a lead that is not qualified needs its criteria or an override)"
                                      if enabled else "off (any lead converts without its qualification criteria)"))


def _print_reasons(kind: str | None, as_json: bool) -> None:
    reasons = config.list_reasons(_ctx(), kind)
    if as_json:
        print_json(reasons)
        return
    print_table("Reasons", ["list", "order", "label", "active"], [(r.kind, r.order, r.label, r.is_active)
                                                                  for r in reasons])


@reason_app.command("list")
@handle_errors
def reason_list(kind: str = typer.Option(None, "--kind", help="lead_unqualified or opportunity_lost; "
                                                              "default: both."),
                as_json: bool = JSON_OPTION) -> None:
    """List reasons.  Example: leadline reason list --kind lead_unqualified"""
    _print_reasons(kind, as_json)


@reason_app.command("add")
@handle_errors
def reason_add(label: str, kind: str = KIND, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Add a reason at the end of its list.  Example: leadline reason add "Student" --kind lead_unqualified"""
    config.add_reason(_ctx(), actor_id(acting_as), kind, label)
    _print_reasons(kind, as_json)


@reason_app.command("rename")
@handle_errors
def reason_rename(reason: str, new_label: str, kind: str = KIND, acting_as: str = AS_OPTION,
                  as_json: bool = JSON_OPTION) -> None:
    """Rename a reason; records keep it.  Example: leadline reason rename "Bad timing" "Not now\""""
    config.change_reason(_ctx(), actor_id(acting_as), kind, reason, label=new_label)
    _print_reasons(kind, as_json)


@reason_app.command("deactivate")
@handle_errors
def reason_deactivate(reason: str, kind: str = KIND, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Stop offering a reason; records that carry it keep it.  Example: leadline reason deactivate Duplicate"""
    config.change_reason(_ctx(), actor_id(acting_as), kind, reason, is_active=False)
    _print_reasons(kind, as_json)


@reason_app.command("activate")
@handle_errors
def reason_activate(reason: str, kind: str = KIND, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Offer a deactivated reason again.  Example: leadline reason activate Duplicate"""
    config.change_reason(_ctx(), actor_id(acting_as), kind, reason, is_active=True)
    _print_reasons(kind, as_json)


def _print_criteria(purpose: str | None, as_json: bool) -> None:
    criteria = config.list_criteria(_ctx(), purpose)
    if as_json:
        print_json([{"id": c.id, "purpose": c.purpose, "framework": c.framework, "name": c.name, "label": c.label,
                     "conditions": [{"field": d.field, "operator": d.operator, "value": d.value}
                                    for d in c.conditions], "order": c.order, "is_active": c.is_active}
                    for c in criteria])
        return
    print_table("Criteria (a criterion is met when any of its conditions holds)",
                ["purpose", "framework", "name", "label", "conditions", "active"],
                [(c.purpose, c.framework, c.name, c.label, " or ".join(d.describe() for d in c.conditions),
                  c.is_active) for c in criteria])


def _conditions(specs: list[str] | None) -> list[dict[str, str | None]]:
    """``--condition FIELD:OPERATOR[:VALUE]``, repeatable; the use case checks each part."""
    conditions: list[dict[str, str | None]] = []
    for index, spec in enumerate(specs or []):
        parts = spec.split(":", 2)
        if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
            raise ValidationError(f"{spec!r} is not FIELD:OPERATOR[:VALUE]", field=f"conditions[{index}]")
        conditions.append({"field": parts[0].strip(), "operator": parts[1].strip(),
                           "value": parts[2].strip() if len(parts) > 2 else None})
    return conditions


@criteria_app.command("list")
@handle_errors
def criteria_list(purpose: str = typer.Option(None, help="qualification or opportunity; default: both."),
                  as_json: bool = JSON_OPTION) -> None:
    """List criteria by framework; the active framework of each purpose is the one applied.

    Example: leadline criteria list --purpose qualification
    """
    _print_criteria(purpose, as_json)


@criteria_app.command("add")
@handle_errors
def criteria_add(
    purpose: str = typer.Option("qualification", help="qualification or opportunity."),
    framework: str = typer.Option(..., help="The framework it belongs to, e.g. BANT; a new one starts inactive "
                                            "(see `leadline criteria use`) unless its purpose has none."),
    name: str = typer.Option(..., help="Machine name: a-z, 0-9 and _."),
    label: str = typer.Option(None, help="Shown to people; default: from the name."),
    condition: list[str] = typer.Option(..., help="FIELD:OPERATOR[:VALUE], repeatable (met when any holds). "
                                                  "Operators: present, at_least, within_days, is_true, "
                                                  "contains_any (comma-separated words); custom fields as "
                                                  "custom.NAME."),
    acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION,
) -> None:
    """Add a criterion to a framework.

    Example: leadline criteria add --framework BANT --name industry --condition industry:contains_any:retail,banking
    """
    config.add_criterion(_ctx(), actor_id(acting_as), purpose=purpose, framework=framework, name=name,
                         conditions=_conditions(condition), label=label)
    _print_criteria(purpose, as_json)


@criteria_app.command("remove")
@handle_errors
def criteria_remove(
    framework: str, name: str,
    allow_none: bool = typer.Option(False, "--allow-none", help="Even the last one applied: no criteria then."),
    acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION,
) -> None:
    """Remove a criterion from a framework (the last one applied only with --allow-none).

    Example: leadline criteria remove BANT timeframe
    """
    config.remove_criterion(_ctx(), actor_id(acting_as), framework, name, allow_none=allow_none)
    _print_criteria(None, as_json)


@criteria_app.command("use")
@handle_errors
def criteria_use(framework: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Make a framework the one applied for its purpose (the others of that purpose stop applying).

    Example: leadline criteria use MEDDIC
    """
    config.use_framework(_ctx(), actor_id(acting_as), framework)
    _print_criteria(None, as_json)


def _print_mappings(as_json: bool) -> None:
    mappings = config.list_field_mappings(_ctx())
    if as_json:
        print_json(mappings)
        return
    print_table("Conversion field mappings", ["id", "lead field", "fills"], [(m.id, m.source, m.target)
                                                                             for m in mappings])


@mapping_app.command("list")
@handle_errors
def mapping_list(as_json: bool = JSON_OPTION) -> None:
    """List the custom field mappings of conversion.  Example: leadline mapping list"""
    _print_mappings(as_json)


@mapping_app.command("add")
@handle_errors
def mapping_add(source: str = typer.Argument(..., help="lead.<custom field>"),
                target: str = typer.Argument(..., help="account|contact|opportunity.<custom field>"),
                acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Copy a custom lead field to a custom field of the converted account, contact or opportunity;
    the types must be compatible (the same, or a text target).

    Example: leadline mapping add lead.segment account.segment
    """
    config.add_field_mapping(_ctx(), actor_id(acting_as), source, target)
    _print_mappings(as_json)


@mapping_app.command("remove")
@handle_errors
def mapping_remove(mapping_id: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Stop copying a field (the id from `leadline mapping list`).  Example: leadline mapping remove 1234567890"""
    config.remove_field_mapping(_ctx(), actor_id(acting_as), parse_id(mapping_id, "mapping"))
    _print_mappings(as_json)
