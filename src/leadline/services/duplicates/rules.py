"""Duplicate rules as admins see and change them (the defaults until changed: domain/duplicates/rules.py)."""

from __future__ import annotations

from leadline.domain.duplicates.rules import DuplicateRule, changed_rule, parse_match, parse_record_kind
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import rules_in_force
from leadline.services.security.access import load_viewer, require_admin


def list_duplicate_rules(ctx: ServiceContext, actor_id: int) -> list[DuplicateRule]:
    """Every rule in force, the defaults included, by record kind."""
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        return rules_in_force(ctx, uow)


def set_duplicate_rule(ctx: ServiceContext, actor_id: int, record_kind: object, match: object, *,
                       action: object = None, threshold: object = None, active: bool | None = None) -> DuplicateRule:
    """Change a rule (admins only): its action (allow, warn, block), threshold (1-100, for the
    fuzzy matches) or whether it is active. Example: ``set_duplicate_rule(ctx, admin, "lead",
    "email", action="block")``."""
    with ctx.uow_factory() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        kind = parse_record_kind(record_kind)
        wanted = parse_match(kind, match)
        current = next(r for r in rules_in_force(ctx, uow) if r.record_kind is kind and r.match is wanted)
        rule = changed_rule(current, action=action, threshold=threshold, active=active)
        uow.duplicates.save_rule(rule)
        uow.audit.record("update", "duplicate_rule", None, actor_id, ctx.now(),
                         {rule.name: (f"{current.action} {current.threshold} {current.active}",
                                      f"{rule.action} {rule.threshold} {rule.active}")})
        uow.commit()
        return rule
