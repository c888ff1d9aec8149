"""Admin use cases over lead configuration: lead statuses and lead sources."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from leadline.domain.common import parse_position, with_replaced
from leadline.domain.configuration import statuses as status_rules
from leadline.domain.configuration.sources import LeadSource, find_source
from leadline.domain.configuration.statuses import LeadStatus, find_status, parse_status_kind
from leadline.domain.errors import ValidationError
from leadline.domain.ids import new_id
from leadline.domain.leads.workflow import in_graph_order, transitions_like
from leadline.services.context import ServiceContext
from leadline.services.security.access import audit_changed, audit_created, fields_of, load_actor, require_admin

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def list_statuses(ctx: ServiceContext) -> list[LeadStatus]:
    """Every status in graph order: open, working, qualified, unqualified, converted."""
    with ctx.reader() as uow:
        return in_graph_order(uow.statuses.list())


def add_status(
    ctx: ServiceContext, actor_id: int, label: str, kind: str, *, make_default: bool = False,
    position: int | None = None,
) -> LeadStatus:
    """Add a status of a given kind, at the end of the list unless ``position`` is given."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        statuses = uow.statuses.list()
        clean = status_rules.clean_label(label)
        status_rules.ensure_label_free(clean, (s.label for s in statuses))
        last = max((s.order for s in statuses), default=-1)
        order = parse_position(position) if position is not None else last + 1
        status = LeadStatus(new_id(), clean, order, parse_status_kind(kind))
        if make_default:
            previous = [s for s in statuses if s.is_default]
            *statuses, status = status_rules.set_default([*statuses, status], status)
            uow.statuses.save_all(statuses)
            _audit_default_lost(ctx, uow, actor_id, previous)
        uow.statuses.add(status)
        uow.flush()
        uow.transitions.add(sorted(transitions_like(status, [*statuses, status], uow.transitions.list())))
        audit_created(uow, "lead_status", status.id, actor_id, ctx.now(), fields_of(status))
        uow.commit()
        return status


def rename_status(ctx: ServiceContext, actor_id: int, status: str, new_label: str) -> LeadStatus:
    """Rename a status; leads keep it."""
    return change_status(ctx, actor_id, status, label=new_label)


def deactivate_status(ctx: ServiceContext, actor_id: int, status: str) -> LeadStatus:
    """Stop offering a status; leads that have it keep it."""
    return change_status(ctx, actor_id, status, is_active=False)


def set_default_status(ctx: ServiceContext, actor_id: int, status: str) -> LeadStatus:
    """Make a status the one new leads get."""
    return change_status(ctx, actor_id, status, is_default=True)


def delete_status(ctx: ServiceContext, actor_id: int, status: str) -> None:
    """Delete a status no lead carries and that is not needed to keep the list usable."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        statuses = uow.statuses.list()
        chosen = find_status(statuses, status)
        status_rules.ensure_deletable(chosen, uow.statuses.count_leads_with(chosen.id))
        status_rules.ensure_usable([s for s in statuses if s.id != chosen.id])
        uow.transitions.remove_status(chosen.id)
        uow.statuses.delete(chosen.id)
        uow.audit.record("delete", "lead_status", chosen.id, actor_id, ctx.now(), {"label": (chosen.label, None)})
        uow.commit()


def list_sources(ctx: ServiceContext) -> list[LeadSource]:
    with ctx.reader() as uow:
        return list(uow.sources.list())


def add_source(ctx: ServiceContext, actor_id: int, label: str) -> LeadSource:
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        sources = uow.sources.list()
        clean = status_rules.clean_label(label)
        status_rules.ensure_label_free(clean, (s.label for s in sources))
        source = LeadSource(new_id(), clean, max((s.order for s in sources), default=-1) + 1)
        uow.sources.add(source)
        audit_created(uow, "lead_source", source.id, actor_id, ctx.now(), fields_of(source))
        uow.commit()
        return source


def rename_source(ctx: ServiceContext, actor_id: int, source: str, new_label: str) -> LeadSource:
    """Rename a source; leads keep it."""
    return change_source(ctx, actor_id, source, label=new_label)


def set_source_active(ctx: ServiceContext, actor_id: int, source: str, active: bool) -> LeadSource:
    """Deactivate (or reactivate) a source: old leads keep it, new ones cannot pick it."""
    return change_source(ctx, actor_id, source, is_active=active)


def change_status(ctx: ServiceContext, actor_id: int, status: str, *, label: str | None = None,
                  is_default: bool | None = None, is_active: bool | None = None) -> LeadStatus:
    """Rename, make default and/or deactivate one status in one transaction (admins). Reactivating
    is refused here: a deactivated status stays retired."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        statuses = uow.statuses.list()
        chosen = find_status(statuses, status)
        before = fields_of(chosen)
        if label is not None:
            statuses = with_replaced(statuses, status_rules.relabel(chosen, label, statuses))
        if is_default:
            previous = [s for s in statuses if s.is_default and s.id != chosen.id]
            statuses = status_rules.set_default(statuses, chosen)
            _audit_default_lost(ctx, uow, actor_id, previous)
        if is_active is False:
            statuses = status_rules.deactivate(statuses, chosen)
        elif is_active and not chosen.is_active:
            raise ValidationError("a deactivated status cannot be reactivated; add a new one", field="is_active")
        chosen = find_status(statuses, chosen.id)
        uow.statuses.save_all(statuses)
        audit_changed(uow, "lead_status", chosen.id, actor_id, ctx.now(), before, fields_of(chosen))
        uow.commit()
        return chosen


def change_source(ctx: ServiceContext, actor_id: int, source: str, *, label: str | None = None,
                  is_active: bool | None = None) -> LeadSource:
    """Rename and/or (de)activate one source in one transaction (admins)."""
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        sources = uow.sources.list()
        chosen = find_source(sources, source)
        before = fields_of(chosen)
        if label is not None:
            chosen = status_rules.relabel(chosen, label, sources)
        if is_active is not None:
            chosen = replace(chosen, is_active=is_active)
        uow.sources.save_all([chosen])
        audit_changed(uow, "lead_source", chosen.id, actor_id, ctx.now(), before, fields_of(chosen))
        uow.commit()
        return chosen


def _audit_default_lost(ctx: ServiceContext, uow: UnitOfWork, actor_id: int, statuses: list[LeadStatus]) -> None:
    """The status that stopped being the default is a change too."""
    for status in statuses:
        audit_changed(uow, "lead_status", status.id, actor_id, ctx.now(), {"is_default": True}, {"is_default": False})
