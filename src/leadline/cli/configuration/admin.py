"""``leadline status|source|stage|field ...``: the organisation's configuration (admins)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, ready_application, whole_number
from leadline.cli.lazy import lazy_module
from leadline.cli.output import fields_of, print_json, print_table

if TYPE_CHECKING:
    from leadline.services.configuration import sales as sales_config
    from leadline.services.configuration import statuses as lead_config
else:
    sales_config = lazy_module("leadline.services.configuration.sales")
    lead_config = lazy_module("leadline.services.configuration.statuses")

status_app = typer.Typer(help="Lead statuses: label, order, kind, default, active.", no_args_is_help=True)
source_app = typer.Typer(help="Lead sources: where leads come from.", no_args_is_help=True)
stage_app = typer.Typer(help="Sales processes and their opportunity stages.", no_args_is_help=True)
field_app = typer.Typer(help="Custom fields on leads, accounts, contacts and opportunities.", no_args_is_help=True)


def _ctx():  # type: ignore[no-untyped-def]
    return ready_application().context


def _print_statuses(as_json: bool) -> None:
    statuses = lead_config.list_statuses(_ctx())
    if as_json:
        print_json(statuses)
        return
    print_table("Lead statuses", ["order", "label", "kind", "default", "active"],
                [(s.order, s.label, s.kind, s.is_default, s.is_active) for s in statuses])


@status_app.command("list")
@handle_errors
def status_list(as_json: bool = JSON_OPTION) -> None:
    """List lead statuses in order.  Example: leadline status list"""
    _print_statuses(as_json)


@status_app.command("add")
@handle_errors
def status_add(
    label: str, kind: str = typer.Option(..., help="open, working, qualified, unqualified or converted."),
    default: bool = typer.Option(False, "--default", help="Make it the status new leads get."),
    position: int = typer.Option(None, parser=whole_number(), help="Sort position; default: last."),
    as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION,
) -> None:
    """Add a status.  Example: leadline status add Nurturing --kind working"""
    lead_config.add_status(_ctx(), actor_id(acting_as), label, kind, make_default=default, position=position)
    _print_statuses(as_json)


@status_app.command("rename")
@handle_errors
def status_rename(status: str, new_label: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Rename a status; leads keep it.  Example: leadline status rename Contacted "Attempted contact\""""
    lead_config.rename_status(_ctx(), actor_id(acting_as), status, new_label)
    _print_statuses(as_json)


@status_app.command("deactivate")
@handle_errors
def status_deactivate(status: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Stop offering a status; leads that have it keep it.  Example: leadline status deactivate Nurturing"""
    lead_config.deactivate_status(_ctx(), actor_id(acting_as), status)
    _print_statuses(as_json)


@status_app.command("default")
@handle_errors
def status_default(status: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Make a status the one new leads get.  Example: leadline status default Open"""
    lead_config.set_default_status(_ctx(), actor_id(acting_as), status)
    _print_statuses(as_json)


@status_app.command("delete")
@handle_errors
def status_delete(status: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Delete a status no lead has (otherwise deactivate it).  Example: leadline status delete Nurturing"""
    lead_config.delete_status(_ctx(), actor_id(acting_as), status)
    _print_statuses(as_json)


def _print_sources(as_json: bool) -> None:
    sources = lead_config.list_sources(_ctx())
    if as_json:
        print_json(sources)
        return
    print_table("Lead sources", ["order", "label", "active"], [(s.order, s.label, s.is_active) for s in sources])


@source_app.command("list")
@handle_errors
def source_list(as_json: bool = JSON_OPTION) -> None:
    """List lead sources.  Example: leadline source list"""
    _print_sources(as_json)


@source_app.command("add")
@handle_errors
def source_add(label: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Add a lead source.  Example: leadline source add Webinar"""
    lead_config.add_source(_ctx(), actor_id(acting_as), label)
    _print_sources(as_json)


@source_app.command("rename")
@handle_errors
def source_rename(source: str, new_label: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Rename a source; leads keep it.  Example: leadline source rename Other Miscellaneous"""
    lead_config.rename_source(_ctx(), actor_id(acting_as), source, new_label)
    _print_sources(as_json)


@source_app.command("deactivate")
@handle_errors
def source_deactivate(source: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Stop offering a source for new leads.  Example: leadline source deactivate "Online quiz\""""
    lead_config.set_source_active(_ctx(), actor_id(acting_as), source, False)
    _print_sources(as_json)


@source_app.command("activate")
@handle_errors
def source_activate(source: str, acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Offer a deactivated source again.  Example: leadline source activate "Online quiz\""""
    lead_config.set_source_active(_ctx(), actor_id(acting_as), source, True)
    _print_sources(as_json)


def _print_stages(process: str | None, as_json: bool) -> None:
    stages = sales_config.list_stages(_ctx(), process)
    processes = {p.id: p.name for p in sales_config.list_processes(_ctx())}
    if as_json:
        print_json([{**fields_of(s), "process": processes[s.process_id]} for s in stages])
        return
    print_table("Opportunity stages", ["process", "order", "label", "probability %", "forecast", "closed", "won",
                                       "active"],
                [(processes[s.process_id], s.order, s.label, s.probability, s.forecast_category, s.is_closed,
                  s.is_won, s.is_active) for s in stages])


@stage_app.command("list")
@handle_errors
def stage_list(process: str = typer.Option(None, help="Only this process."), as_json: bool = JSON_OPTION) -> None:
    """List stages of every sales process.  Example: leadline stage list --process "New Business\""""
    _print_stages(process, as_json)


@stage_app.command("add")
@handle_errors
def stage_add(
    label: str, probability: int = typer.Option(..., parser=whole_number(0, 100)),
    forecast: str = typer.Option("pipeline", help="pipeline, best_case, commit, closed or omitted."),
    process: str = typer.Option(None, help="Default: the default process."),
    position: int = typer.Option(None, parser=whole_number(),
                                 help="0 is first; the stages after it move down one. Default: last."),
    closed: bool = typer.Option(False, "--closed"),
    won: bool = typer.Option(False, "--won"), acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION,
) -> None:
    """Add a stage.  Example: leadline stage add "Technical Validation" --probability 40 --position 3"""
    sales_config.add_stage(_ctx(), actor_id(acting_as), label, probability=probability, forecast_category=forecast,
                           process=process, position=position, closed=closed, won=won)
    _print_stages(process, as_json)


@stage_app.command("update")
@handle_errors
def stage_update(
    stage: str, process: str = typer.Option(None), label: str = typer.Option(None),
    probability: int = typer.Option(None, parser=whole_number(0, 100)), forecast: str = typer.Option(None),
    active: bool = typer.Option(None, "--active/--inactive"),
    acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION,
) -> None:
    """Rename, re-weight or (de)activate a stage.  Example: leadline stage update Negotiation --probability 80"""
    sales_config.update_stage(_ctx(), actor_id(acting_as), stage, process=process, label=label,
                              probability=probability, forecast_category=forecast, active=active)
    _print_stages(process, as_json)


@stage_app.command("processes")
@handle_errors
def stage_processes(as_json: bool = JSON_OPTION) -> None:
    """List sales processes.  Example: leadline stage processes"""
    processes = sales_config.list_processes(_ctx())
    if as_json:
        print_json(processes)
        return
    print_table("Sales processes", ["name", "default", "active", "for type"],
                [(p.name, p.is_default, p.is_active, p.opportunity_type) for p in processes])


@stage_app.command("add-process")
@handle_errors
def stage_add_process(
    name: str, copy_from: str = typer.Option(None, help="Process whose stages to copy; default: the default one."),
    for_type: str = typer.Option(None, "--for-type", help="Opportunities of this type (new_business, "
                                 "existing_business, renewal, upsell) follow it unless they name a process."),
    acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION,
) -> None:
    """Add a sales process (e.g. renewals), starting from a copy of another's stages.

    Example: leadline stage add-process Renewals --for-type renewal
    """
    sales_config.add_process(_ctx(), actor_id(acting_as), name, copy_stages_from=copy_from,
                             opportunity_type=for_type)
    _print_stages(name, as_json)


@field_app.command("list")
@handle_errors
def field_list(record: str = typer.Option(None, "--object", help="lead, account, contact or opportunity."),
               as_json: bool = JSON_OPTION) -> None:
    """List custom fields.  Example: leadline field list --object lead"""
    definitions = sales_config.list_custom_fields(_ctx(), record)
    if as_json:
        print_json(definitions)
        return
    print_table("Custom fields", ["object", "name", "label", "type", "options", "required", "active"],
                [(d.record_type, d.name, d.label, d.type, ", ".join(d.options), d.required, d.is_active)
                 for d in definitions])


@field_app.command("add")
@handle_errors
def field_add(
    record: str = typer.Option(..., "--object", help="lead, account, contact or opportunity."),
    name: str = typer.Option(..., help="Machine name: a-z, 0-9 and _."),
    label: str = typer.Option(None, help="Shown to people; default: the name."),
    field_type: str = typer.Option(..., "--type", help="text, number, date, boolean or picklist."),
    option: list[str] = typer.Option(None, help="A pick-list option, repeatable."),
    required: bool = typer.Option(False, "--required"), acting_as: str = AS_OPTION, as_json: bool = JSON_OPTION,
) -> None:
    """Declare a custom field.  Example: leadline field add --object lead --name segment --type picklist
    --option SMB --option Enterprise"""
    definition = sales_config.add_custom_field(_ctx(), actor_id(acting_as), record, name, label or name, field_type,
                                               options=option or [], required=required)
    if as_json:
        print_json(definition)
    else:
        typer.echo(f"added {definition.record_type.value}.{definition.name} ({definition.type.value})")
