"""``leadline assignment rules|add|remove|group|default-owner|simulate`` and ``leadline lead assign``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, parse_id, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import print_json, print_table
from leadline.domain.errors import ValidationError

if TYPE_CHECKING:
    from leadline.services.assignment import assign as assign_service
    from leadline.services.assignment import rules as rule_service
    from leadline.services.leads import records as lead_service
else:
    assign_service = lazy_module("leadline.services.assignment.assign")
    rule_service = lazy_module("leadline.services.assignment.rules")
    lead_service = lazy_module("leadline.services.leads.records")

assignment_app = typer.Typer(help="Assignment rules: who gets each new lead, and why.", no_args_is_help=True)


@assignment_app.command("rules")
@handle_errors
def rules(as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """The rule set in order, the round-robin groups and the default owner.  Example: leadline assignment rules"""
    found = rule_service.list_assignment_rules(ready_application().context, actor_id(acting_as))
    if as_json:
        print_json({"rules": found.rules, "groups": list(found.groups.values()),
                    "default_owner_id": found.default_owner_id})
        return
    names = {u.id: u.email for u in found.users.values()}
    groups = {g.id: g.name for g in found.groups.values()}
    print_table("Assignment rules", ["position", "id", "name", "criteria", "to", "active"], [
        (r.position, r.id, r.name, _criteria_text(r.criteria),
         names.get(r.user_id) if r.user_id else f"group {groups.get(r.group_id)}", r.is_active) for r in found.rules])
    print_table("Round-robin groups", ["id", "name", "method", "members (weight, assigned)"], [
        (g.id, g.name, g.method, ", ".join(f"{names.get(m.user_id)} ({m.weight}, {m.assigned})" for m in g.members))
        for g in found.groups.values()])
    typer.echo(f"default owner: {names.get(found.default_owner_id) if found.default_owner_id else 'none'}")


def _criteria_text(criteria: Any) -> str:
    parts = [f"{name}={','.join(map(str, values))}" for name, values in (
        ("country", criteria.countries), ("state", criteria.states), ("industry", criteria.industries),
        ("source", criteria.source_ids), ("campaign", criteria.campaign_ids), ("product", criteria.products))
        if values]
    if criteria.min_employees is not None or criteria.max_employees is not None:
        parts.append(f"employees={criteria.min_employees or 0}-{criteria.max_employees or ''}")
    parts += [f"custom.{k}={','.join(v)}" for k, v in criteria.custom.items()]
    return "; ".join(parts) or "any lead"


def _custom(pairs: list[str] | None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for pair in pairs or []:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValidationError(f"{pair!r} is not NAME=VALUE", field="criteria.custom")
        found.setdefault(name.strip(), []).append(value.strip())
    return found


@assignment_app.command("add")
@handle_errors
def add(
    name: str = typer.Option(...), user: str = typer.Option(None, help="Give matching leads to this user."),
    group: str = typer.Option(None, help="Or to this round-robin group (name or id)."),
    country: list[str] = typer.Option(None, help="Repeatable: any of them."), state: list[str] = typer.Option(None),
    source: list[str] = typer.Option(None), campaign: list[str] = typer.Option(None, help="Campaign name or id."),
    industry: list[str] = typer.Option(None), product: list[str] = typer.Option(None, help="Product interest."),
    min_employees: int = typer.Option(None), max_employees: int = typer.Option(None),
    custom: list[str] = typer.Option(None, help="NAME=VALUE of a custom lead field, repeatable."),
    position: int = typer.Option(None, help="Default: last."), as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Add an entry to the rule set (admins); the first matching entry wins.

    Example: leadline assignment add --name "DACH" --country DE --country AT --group "EMEA team"
    """
    criteria: dict[str, Any] = {k: v for k, v in (
        ("country", country), ("state", state), ("source", source), ("campaign", campaign), ("industry", industry),
        ("product_interest", product), ("custom", _custom(custom))) if v}
    if min_employees is not None or max_employees is not None:
        criteria["company_size"] = {"min": min_employees, "max": max_employees}
    rule = rule_service.add_assignment_rule(ready_application().context, actor_id(acting_as), {
        "name": name, "criteria": criteria, "user": user, "group": group, "position": position})
    if as_json:
        print_json(rule)
    else:
        typer.echo(f"added entry {rule.position} {rule.name!r} (id {rule.id})")


@assignment_app.command("remove")
@handle_errors
def remove(rule_id: str = typer.Argument(...), acting_as: str = AS_OPTION) -> None:
    """Remove an entry.  Example: leadline assignment remove 1234567890"""
    rule_service.delete_assignment_rule(ready_application().context, actor_id(acting_as), parse_id(rule_id, "rule"))
    typer.echo("removed")


@assignment_app.command("group")
@handle_errors
def group(name: str = typer.Option(...),
          member: list[str] = typer.Option(..., help="EMAIL[:WEIGHT], repeatable; weight = capacity, default 1."),
          method: str = typer.Option("weighted", help="weighted or fewest_open."),
          as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Add a round-robin group (admins).

    Example: leadline assignment group --name "EMEA team" --member anna@example.com:2 --member ben@example.com
    """
    members = [(spec.rpartition(":")[0] or spec, spec.rpartition(":")[2] if ":" in spec else 1) for spec in member]
    made = rule_service.add_assignment_group(ready_application().context, actor_id(acting_as), name, members,
                                             method=method)
    if as_json:
        print_json(made)
    else:
        typer.echo(f"added group {made.name!r} of {len(made.members)} (id {made.id})")


@assignment_app.command("default-owner")
@handle_errors
def default_owner(owner: str = typer.Argument(None, help="E-mail or id; leave out for none."),
                  acting_as: str = AS_OPTION) -> None:
    """Who gets a lead no entry matches.  Example: leadline assignment default-owner maria@example.com"""
    chosen = rule_service.set_default_owner(ready_application().context, actor_id(acting_as), owner)
    typer.echo(f"default owner: {chosen or 'none'}")


def _print_decisions(rows: list[tuple[int, str, Any, Any, Any]], as_json: bool, title: str) -> None:
    if as_json:
        print_json([{"lead_id": lead_id, "lead": name, "previous_owner_id": before, "owner_id": after,
                     "reason": decision.reason, "candidates": decision.candidates, "tie_break": decision.tie_break,
                     "skipped": decision.skipped} for lead_id, name, before, after, decision in rows])
        return
    print_table(title, ["lead", "name", "from", "to", "why", "tie-break"],
                [(lead_id, name, before, after, d.reason + ("; " + "; ".join(d.skipped) if d.skipped else ""),
                  d.tie_break) for lead_id, name, before, after, d in rows])


@assignment_app.command("simulate")
@handle_errors
def simulate(last: int = typer.Option(100, help="How many of the latest leads to replay (1-500)."),
             draft: Path = typer.Option(None, help="A JSON file: a list of entries "
                                                   '{"name", "criteria", "user" | "group"}; default: the stored set.'),
             as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Who would have got each of the last leads under a draft rule set; nothing is written.

    Example: leadline assignment simulate --last 200 --draft rules.json
    """
    entries = None
    if draft is not None:
        try:
            entries = json.loads(draft.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ValidationError(f"cannot read {draft}: {error}", field="draft") from None
        if not isinstance(entries, list):
            raise ValidationError("is a JSON list of entries", field="draft")
    seen = assign_service.simulate_assignment(ready_application().context, actor_id(acting_as), last=last,
                                              rules=entries)
    _print_decisions([(s.lead_id, s.lead_name, s.current_owner_id, s.owner_id, s.decision) for s in seen], as_json,
                     "Simulated assignment (nothing written)")


@handle_errors
def assign(lead_ids: list[str] = typer.Argument(None, help="Lead ids; or select them with the filters."),
           status: list[str] = typer.Option(None, help="Filter: status label, repeatable."),
           source: list[str] = typer.Option(None, help="Filter: source label, repeatable."),
           owner: list[str] = typer.Option(None, help="Filter: owner e-mail or id, repeatable."),
           campaign: list[str] = typer.Option(None, help="Filter: source campaign id, repeatable."),
           as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Assign leads by the assignment rules (all or none), each with its reason.

    Example: leadline lead assign 1234567890 2345678901
    (or by filter: leadline lead assign --status Open --owner ada@example.com)
    """
    context, actor = ready_application().context, actor_id(acting_as)
    if lead_ids:
        ids = [parse_id(i, "lead_ids") for i in lead_ids]
    elif status or source or owner or campaign:
        query = lead_service.resolve_lead_query(context, statuses=status or [], sources=source or [],
                                                owners=owner or [], campaigns=campaign or [])
        ids = assign_service.lead_ids_matching(context, actor, query)
    else:
        raise ValidationError("name leads, or filters that select them", field="lead_ids")
    done = assign_service.assign_leads(context, actor, ids) if ids else []
    _print_decisions([(a.lead_id, "", a.previous_owner_id, a.owner_id, a.decision) for a in done], as_json,
                     f"Assigned {len(done)} leads")
