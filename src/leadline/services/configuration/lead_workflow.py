"""Admin use cases over the lead workflow: the status transition graph, reason lists,
qualification and opportunity criteria, and the custom field mappings of conversion.

Each is one transaction, audited, and clears the configuration cache so every worker sees the
change within a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from leadline.domain.configuration import statuses as status_rules
from leadline.domain.configuration.custom_fields import CustomFieldDefinition, RecordType, parse_record_type
from leadline.domain.configuration.reasons import Reason, find_reason, parse_reason_kind
from leadline.domain.configuration.statuses import find_status
from leadline.domain.conversion.rules import FieldMapping, ensure_mapping_compatible
from leadline.domain.errors import ConfigurationError, NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.leads.qualification import Criterion, build_criterion, parse_conditions, parse_purpose
from leadline.domain.leads.workflow import default_transitions, ensure_transition_valid
from leadline.services.context import ServiceContext
from leadline.services.security.access import audit_changed, audit_created, fields_of, load_actor, require_admin


@dataclass(frozen=True)
class Transition:
    from_status: str
    to_status: str


def list_transitions(ctx: ServiceContext) -> list[Transition]:
    """The allowed status moves, by label, in list order."""
    with ctx.reader() as uow:
        statuses = {s.id: s for s in uow.statuses.list()}
        pairs = sorted(uow.transitions.list(), key=lambda p: (statuses[p[0]].order, statuses[p[1]].order))
        return [Transition(statuses[a].label, statuses[b].label) for a, b in pairs]


def allow_transition(ctx: ServiceContext, actor_id: int, from_status: str, to_status: str) -> Transition:
    """Allow leads to move from one status to another (admins)."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        statuses = uow.statuses.list()
        a, b = find_status(statuses, from_status), find_status(statuses, to_status)
        ensure_transition_valid(a, b)
        if (a.id, b.id) not in uow.transitions.list():
            uow.transitions.add([(a.id, b.id)])
            uow.audit.record("allow", "lead_status_transition", None, actor_id, ctx.now(),
                             {"transition": (None, f"{a.label} -> {b.label}")})
        uow.commit()
    return Transition(a.label, b.label)


def forbid_transition(ctx: ServiceContext, actor_id: int, from_status: str, to_status: str) -> None:
    """Stop allowing a move; ``NOT_FOUND`` if it was not allowed."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        statuses = uow.statuses.list()
        a, b = find_status(statuses, from_status), find_status(statuses, to_status)
        if (a.id, b.id) not in uow.transitions.list():
            raise NotFoundError(f"leads may not move from {a.label!r} to {b.label!r} already", field="transition")
        uow.transitions.remove([(a.id, b.id)])
        uow.audit.record("forbid", "lead_status_transition", None, actor_id, ctx.now(),
                         {"transition": (f"{a.label} -> {b.label}", None)})
        uow.commit()


def reset_transitions(ctx: ServiceContext, actor_id: int) -> list[Transition]:
    """Replace the graph with the default one derived from the statuses' kinds."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        current = uow.transitions.list()
        uow.transitions.remove(current)
        uow.transitions.add(sorted(default_transitions(uow.statuses.list())))
        uow.audit.record("reset", "lead_status_transition", None, actor_id, ctx.now(),
                         {"transitions": (str(len(current)), "default")})
        uow.commit()
    return list_transitions(ctx)


def list_reasons(ctx: ServiceContext, kind: str | None = None) -> list[Reason]:
    chosen = parse_reason_kind(kind) if kind else None
    with ctx.reader() as uow:
        return [r for r in uow.reasons.list() if chosen is None or r.kind is chosen]


def add_reason(ctx: ServiceContext, actor_id: int, kind: str, label: str) -> Reason:
    """Add a reason at the end of its list (admins)."""
    chosen = parse_reason_kind(kind)
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        same_list = [r for r in uow.reasons.list() if r.kind is chosen]
        clean = status_rules.clean_label(label)
        status_rules.ensure_label_free(clean, (r.label for r in same_list))
        reason = Reason(new_id(), chosen, clean, max((r.order for r in same_list), default=-1) + 1)
        uow.reasons.add(reason)
        audit_created(uow, "reason", reason.id, actor_id, ctx.now(), fields_of(reason))
        uow.commit()
    return reason


def change_reason(ctx: ServiceContext, actor_id: int, kind: str, reason: str, *, label: str | None = None,
                  is_active: bool | None = None) -> Reason:
    """Rename and/or (de)activate a reason; records that carry it keep it."""
    chosen_kind = parse_reason_kind(kind)
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        same_list = [r for r in uow.reasons.list() if r.kind is chosen_kind]
        chosen = _reason(same_list, reason)
        before = fields_of(chosen)
        if label is not None:
            chosen = status_rules.relabel(chosen, label, same_list)
        if is_active is not None:
            chosen = replace(chosen, is_active=is_active)
        uow.reasons.save_all([chosen])
        audit_changed(uow, "reason", chosen.id, actor_id, ctx.now(), before, fields_of(chosen))
        uow.commit()
    return chosen


def _reason(reasons: Sequence[Reason], reference: str) -> Reason:
    text = str(reference).strip()
    for reason in reasons:
        if reason.label.casefold() == text.casefold() or str(reason.id) == text:
            return reason
    if reasons:
        find_reason(reasons, reasons[0].kind, text)  # raises with the allowed labels
    raise NotFoundError(f"there is no reason {reference!r}", field="reason")


def list_criteria(ctx: ServiceContext, purpose: str | None = None) -> list[Criterion]:
    chosen = parse_purpose(purpose) if purpose else None
    with ctx.reader() as uow:
        return [c for c in uow.criteria.list() if chosen is None or c.purpose is chosen]


def add_criterion(ctx: ServiceContext, actor_id: int, *, purpose: str, framework: str, name: str,
                  conditions: Sequence[Mapping[str, object]], label: str | None = None) -> Criterion:
    """Add a criterion to a framework (admins). It is active when its framework is the active one
    of its purpose (a new framework starts inactive; see ``use_framework``)."""
    chosen = parse_purpose(purpose)
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        existing = uow.criteria.list()
        parsed = parse_conditions(conditions, uow.custom_fields.definitions(RecordType.LEAD))
        criterion = build_criterion(new_id(), chosen, framework, name, label, parsed,
                                    max((c.order for c in existing), default=-1) + 1)
        same = [c for c in existing if c.framework.casefold() == criterion.framework.casefold()]
        if any(c.purpose is not chosen for c in same):
            raise ValidationError(f"framework {criterion.framework!r} holds {same[0].purpose.value} criteria",
                                  field="framework")
        if any(c.name == criterion.name for c in same):
            raise ValidationError(f"{criterion.framework} already has a criterion {criterion.name!r}", field="name")
        criterion = replace(criterion, framework=same[0].framework if same else criterion.framework,
                            is_active=any(c.is_active for c in same) or not any(
                                c.is_active and c.purpose is chosen for c in existing))
        uow.criteria.add(criterion)
        audit_created(uow, "criterion", criterion.id, actor_id, ctx.now(), _criterion_values(criterion))
        uow.commit()
    return criterion


def remove_criterion(ctx: ServiceContext, actor_id: int, framework: str, name: str, *,
                     allow_none: bool = False) -> None:
    """Remove a criterion. Removing the last one the active framework applies would switch the
    check off (every lead would qualify), so it is refused unless ``allow_none`` says that is meant."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        criteria = uow.criteria.list()
        criterion = _criterion(criteria, framework, name)
        still_applied = [c for c in criteria if c.purpose is criterion.purpose and c.is_active and c != criterion]
        if criterion.is_active and not still_applied and not allow_none:
            raise ConfigurationError(
                f"{criterion.name!r} is the last criterion {criterion.framework} applies for "
                f"{criterion.purpose.value}: without it every lead passes; use another framework first, "
                "or confirm that no criteria should apply (--allow-none, ?allow_none=true)", field="name")
        uow.criteria.delete(criterion.id)
        uow.audit.record("delete", "criterion", criterion.id, actor_id, ctx.now(),
                         {"name": (f"{criterion.framework}.{criterion.name}", None)})
        uow.commit()


def use_framework(ctx: ServiceContext, actor_id: int, framework: str) -> list[Criterion]:
    """Make ``framework`` the active one of its purpose: its criteria on, the others of the same purpose off."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        criteria = uow.criteria.list()
        chosen = [c for c in criteria if c.framework.casefold() == framework.strip().casefold()]
        if not chosen:
            raise NotFoundError(f"there is no framework {framework!r}", field="framework")
        purpose = chosen[0].purpose
        changed = [replace(c, is_active=c in chosen) for c in criteria
                   if c.purpose is purpose and c.is_active != (c in chosen)]
        uow.criteria.save_all(changed)
        uow.audit.record("use_framework", "criterion", None, actor_id, ctx.now(),
                         {purpose.value: (None, chosen[0].framework)})
        uow.commit()
    return [replace(c, is_active=True) for c in chosen]


def _criterion(criteria: Sequence[Criterion], framework: str, name: str) -> Criterion:
    for criterion in criteria:
        if criterion.framework.casefold() == framework.strip().casefold() and criterion.name == name.strip():
            return criterion
    raise NotFoundError(f"there is no criterion {framework}.{name}", field="criterion")


def _criterion_values(criterion: Criterion) -> dict[str, object]:
    return {"purpose": criterion.purpose.value, "framework": criterion.framework, "name": criterion.name,
            "label": criterion.label, "conditions": "; ".join(c.describe() for c in criterion.conditions)}


@dataclass(frozen=True)
class MappingView:
    id: int
    source: str  # lead.<custom field name>
    target: str  # <record type>.<custom field name>


def list_field_mappings(ctx: ServiceContext) -> list[MappingView]:
    with ctx.reader() as uow:
        definitions = {d.id: d for d in uow.custom_fields.definitions()}
        return [_view(m, definitions) for m in uow.field_mappings.list()
                if m.source_field_id in definitions and m.target_field_id in definitions]


def add_field_mapping(ctx: ServiceContext, actor_id: int, source: str, target: str) -> MappingView:
    """Map a custom lead field to a custom field of account, contact or opportunity (``lead.budget_code``
    -> ``opportunity.budget_code``), checked for compatible types when configured (admins)."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        definitions = uow.custom_fields.definitions()
        source_def = _custom_field(definitions, source, "source")
        target_def = _custom_field(definitions, target, "target")
        existing = uow.field_mappings.list()
        ensure_mapping_compatible(source_def, target_def, existing)
        mapping = FieldMapping(new_id(), source_def.id, target_def.id)
        uow.field_mappings.add(mapping)
        view = _view(mapping, {d.id: d for d in definitions})
        audit_created(uow, "conversion_mapping", mapping.id, actor_id, ctx.now(),
                      {"source": view.source, "target": view.target})
        uow.commit()
    return view


def update_field_mapping(ctx: ServiceContext, actor_id: int, mapping_id: int, source: str, target: str
                         ) -> MappingView:
    """Point a field mapping at another source or target field, checked as a new one is
    (``add_field_mapping``) against the other mappings (admins); ``NOT_FOUND`` for no such mapping."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        definitions = uow.custom_fields.definitions()
        existing = uow.field_mappings.list()
        found = next((m for m in existing if m.id == mapping_id), None)
        if found is None:
            raise NotFoundError(f"there is no conversion mapping {mapping_id}", field="mapping")
        source_def = _custom_field(definitions, source, "source")
        target_def = _custom_field(definitions, target, "target")
        ensure_mapping_compatible(source_def, target_def, [m for m in existing if m.id != mapping_id])
        by_id = {d.id: d for d in definitions}
        before = _view(found, by_id)
        mapping = FieldMapping(mapping_id, source_def.id, target_def.id)
        uow.field_mappings.delete(mapping_id)
        uow.flush()
        uow.field_mappings.add(mapping)
        view = _view(mapping, by_id)
        audit_changed(uow, "conversion_mapping", mapping_id, actor_id, ctx.now(),
                      {"source": before.source, "target": before.target},
                      {"source": view.source, "target": view.target})
        uow.commit()
    return view


def remove_field_mapping(ctx: ServiceContext, actor_id: int, mapping_id: int) -> None:
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        if not uow.field_mappings.delete(mapping_id):
            raise NotFoundError(f"there is no conversion mapping {mapping_id}", field="mapping")
        uow.audit.record("delete", "conversion_mapping", mapping_id, actor_id, ctx.now(), {"id": (str(mapping_id),
                                                                                                   None)})
        uow.commit()


def _custom_field(definitions: Sequence[CustomFieldDefinition], reference: str, where: str) -> CustomFieldDefinition:
    """``<record type>.<custom field name>`` to its definition."""
    record_text, _, name = str(reference).strip().partition(".")
    if not name:
        raise ValidationError(f"{reference!r} is not <record type>.<field name>", field=where)
    record_type = parse_record_type(record_text, field=where)
    for definition in definitions:
        if definition.record_type is record_type and definition.name == name.removeprefix("custom."):
            return definition
    raise NotFoundError(f"there is no custom field {reference!r}", field=where)


def _view(mapping: FieldMapping, definitions: Mapping[int, Any]) -> MappingView:
    source, target = definitions[mapping.source_field_id], definitions[mapping.target_field_id]
    return MappingView(mapping.id, f"{source.record_type.value}.{source.name}",
                       f"{target.record_type.value}.{target.name}")
