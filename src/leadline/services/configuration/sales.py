"""Admin use cases over sales configuration: processes, stages and custom fields."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from leadline.domain.common import with_replaced
from leadline.domain.configuration import statuses as status_rules
from leadline.domain.configuration.custom_fields import (
    CustomFieldDefinition,
    RecordType,
    define_custom_field,
    edit_custom_field,
    parse_field_type,
    parse_record_type,
)
from leadline.domain.errors import ConflictError, NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.opportunities.opportunity import (
    OpportunityStage,
    SalesProcess,
    ensure_usable_process,
    ensure_valid_stage,
    parse_forecast_category,
    parse_opportunity_type,
)
from leadline.domain.opportunities.sales_processes import place_stage
from leadline.services.context import ServiceContext
from leadline.services.security.access import audit_changed, audit_created, fields_of, load_actor, require_admin

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def list_processes(ctx: ServiceContext) -> list[SalesProcess]:
    with ctx.reader() as uow:
        return list(uow.stages.processes())


def list_stages(ctx: ServiceContext, process: str | None = None) -> list[OpportunityStage]:
    with ctx.reader() as uow:
        process_id = _find_process(uow, process).id if process else None
        return list(uow.stages.stages(process_id))


def _find_process(uow: UnitOfWork, name_or_id: str | None) -> SalesProcess:
    processes = uow.stages.processes()
    if not name_or_id:
        defaults = [p for p in processes if p.is_default]
        if defaults:
            return defaults[0]
        raise NotFoundError("there is no default sales process", field="process")
    for process in processes:
        if process.name.casefold() == str(name_or_id).casefold() or str(process.id) == str(name_or_id):
            return process
    raise NotFoundError(f"there is no sales process {name_or_id!r}", field="process")


def add_process(ctx: ServiceContext, actor_id: int, name: str, *, copy_stages_from: str | None = None,
                opportunity_type: str | None = None) -> SalesProcess:
    """A new pipeline; its stages start as a copy of another process's (the default one). With
    ``opportunity_type``, opportunities of that type follow it unless they name another process
    (one process per type: ``CONFLICT`` otherwise)."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        clean = status_rules.clean_label(name)
        if any(p.name.casefold() == clean.casefold() for p in uow.stages.processes()):
            raise ConflictError(f"sales process {clean!r} already exists", field="name")
        kind = parse_opportunity_type(opportunity_type, "opportunity_type")
        taken = [p.name for p in uow.stages.processes() if kind is not None and p.opportunity_type is kind]
        if taken:
            raise ConflictError(f"{kind} opportunities already follow {taken[0]!r}", field="opportunity_type")
        template = _find_process(uow, copy_stages_from)
        process = SalesProcess(new_id(), clean, opportunity_type=kind)
        uow.stages.add_process(process)
        audit_created(uow, "sales_process", process.id, actor_id, ctx.now(), fields_of(process))
        uow.flush()
        for stage in uow.stages.stages(template.id):
            copied = OpportunityStage(new_id(), process.id, stage.label, stage.order, stage.probability,
                                      stage.forecast_category, stage.is_closed, stage.is_won, stage.is_active)
            uow.stages.add_stage(copied)
            audit_created(uow, "opportunity_stage", copied.id, actor_id, ctx.now(), fields_of(copied))
        uow.commit()
        return process


def add_stage(
    ctx: ServiceContext, actor_id: int, label: str, *, probability: int, forecast_category: str,
    process: str | None = None, position: int | None = None, closed: bool = False, won: bool = False,
) -> OpportunityStage:
    """Add a stage to a process (the default one) at ``position`` (0 is first; default: last);
    the stages after it move down one, so positions stay 0..n-1 without a duplicate."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        chosen = _find_process(uow, process)
        stages = uow.stages.stages(chosen.id)
        clean = status_rules.clean_label(label)
        status_rules.ensure_label_free(clean, (s.label for s in stages))
        stage = OpportunityStage(new_id(), chosen.id, clean, len(stages), probability,
                                 parse_forecast_category(forecast_category), closed, won)
        before = {s.id: s.order for s in stages}
        placed = place_stage(stages, stage, position)
        stage = next(s for s in placed if s.id == stage.id)
        moved = [s for s in placed if s.id != stage.id]
        uow.stages.add_stage(stage)
        uow.stages.save_stages(moved)
        audit_created(uow, "opportunity_stage", stage.id, actor_id, ctx.now(), fields_of(stage))
        for other in moved:
            audit_changed(uow, "opportunity_stage", other.id, actor_id, ctx.now(), {"order": before[other.id]},
                          {"order": other.order})
        uow.commit()
        return stage


def update_stage(
    ctx: ServiceContext, actor_id: int, stage: str, *, process: str | None = None,
    label: str | None = None, probability: int | None = None, forecast_category: str | None = None,
    active: bool | None = None,
) -> OpportunityStage:
    """Rename, re-weight or (de)activate a stage; the process must keep an open, a won and a lost stage."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        stages = uow.stages.stages(_find_process(uow, process).id)
        matches: list[OpportunityStage] = [
            s for s in stages if s.label.casefold() == stage.casefold() or str(s.id) == stage
        ]
        if not matches:
            raise NotFoundError(f"there is no stage {stage!r}", field="stage")
        chosen = matches[0]
        before = fields_of(chosen)
        if label is not None:
            chosen = status_rules.relabel(chosen, label, stages)
        chosen = replace(
            chosen, probability=chosen.probability if probability is None else probability,
            forecast_category=chosen.forecast_category if forecast_category is None
            else parse_forecast_category(forecast_category),
            is_active=chosen.is_active if active is None else active)
        ensure_valid_stage(chosen)
        ensure_usable_process(with_replaced(stages, chosen))
        uow.stages.save_stages([chosen])
        audit_changed(uow, "opportunity_stage", chosen.id, actor_id, ctx.now(), before, fields_of(chosen))
        uow.commit()
        return chosen


def list_custom_fields(ctx: ServiceContext, record_type: str | None = None) -> list[CustomFieldDefinition]:
    with ctx.reader() as uow:
        return list(uow.custom_fields.definitions(_record_type(record_type) if record_type else None))


def add_custom_field(
    ctx: ServiceContext, actor_id: int, record_type: str, name: str, label: str, field_type: str,
    *, options: list[str] | None = None, required: bool = False,
) -> CustomFieldDefinition:
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        kind = _record_type(record_type)
        definition = define_custom_field(new_id(), kind, name, label, parse_field_type(field_type), options, required)
        if any(d.name == definition.name for d in uow.custom_fields.definitions(kind)):
            raise ConflictError(f"{kind.value} already has a field {definition.name!r}", field="name")
        uow.custom_fields.add(definition)
        audit_created(uow, "custom_field", definition.id, actor_id, ctx.now(), fields_of(definition))
        uow.commit()
        return definition


def update_custom_field(ctx: ServiceContext, actor_id: int, field_id: int, *, label: str | None = None,
                        options: list[str] | None = None, required: bool | None = None,
                        active: bool | None = None) -> CustomFieldDefinition:
    """Relabel a custom field, change a pick-list's options, make it required or not, or
    (de)activate it (admins). Its name and type stay; ``NOT_FOUND`` for no such field."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        found = next((d for d in uow.custom_fields.definitions() if d.id == field_id), None)
        if found is None:
            raise NotFoundError(f"there is no custom field {field_id}", field="custom_field")
        changed = edit_custom_field(found, label=label, options=options, required=required, active=active)
        uow.custom_fields.save(changed)
        audit_changed(uow, "custom_field", changed.id, actor_id, ctx.now(), fields_of(found), fields_of(changed))
        uow.commit()
        return changed


def update_process(ctx: ServiceContext, actor_id: int, process: str, *, name: str | None = None,
                   default: bool | None = None, active: bool | None = None) -> SalesProcess:
    """Rename a sales process, make it the default (the one before stops being it), or
    (de)activate it (admins). The default process stays active and there is always one:
    ``VALIDATION_FAILED`` for un-defaulting or deactivating it (make another the default first)."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        found = _find_process(uow, process)
        others = [p for p in uow.stages.processes() if p.id != found.id]
        changed = found
        if name is not None:
            clean = status_rules.clean_label(name)
            if any(p.name.casefold() == clean.casefold() for p in others):
                raise ConflictError(f"sales process {clean!r} already exists", field="name")
            changed = replace(changed, name=clean)
        if default is False and found.is_default:
            raise ValidationError("a sales process must be the default: make another one the default instead",
                                  field="default")
        if default:
            changed = replace(changed, is_default=True)
        if active is not None:
            changed = replace(changed, is_active=active)
        if changed.is_default and not changed.is_active:
            raise ValidationError("the default sales process stays active: make another one the default first",
                                  field="active")
        previous = [p for p in others if p.is_default] if changed.is_default else []
        undone = [replace(p, is_default=False) for p in previous]
        uow.stages.save_processes([changed, *undone])
        for before, after in [(found, changed), *zip(previous, undone, strict=True)]:
            audit_changed(uow, "sales_process", after.id, actor_id, ctx.now(), fields_of(before), fields_of(after))
        uow.commit()
        return changed


def _record_type(value: str) -> RecordType:
    return parse_record_type(value)
