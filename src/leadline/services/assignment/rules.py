"""The assignment rule set as configuration: entries, round-robin groups, the default owner.

Admins change it; every user may read it. Entries are data
(docs/adr/0033-assignment-rules-as-data.md): a transport sends
``{"name", "criteria": {...}, "user" | "group", "position", "active"}`` and ``rule_from_values``
turns it into an ``AssignmentRule``, the same for a stored entry and a simulated draft.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from leadline.domain.assignment import (
    AssignmentGroup,
    AssignmentRule,
    GroupMember,
    ensure_valid_group,
    parse_criteria,
    parse_group_method,
)
from leadline.domain.common import MAX_POSITION, clean_text, parse_non_negative_int
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.errors import NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.security.users import User
from leadline.services.context import ServiceContext
from leadline.services.security import idempotency
from leadline.services.security.access import audit_created, load_viewer, require_admin
from leadline.services.security.idempotency import IdempotencyClaim
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork

#: the organisation setting holding the default owner's id
DEFAULT_OWNER_SETTING = "assignment.default_owner_id"


@dataclass(frozen=True)
class RuleSet:
    rules: list[AssignmentRule]
    groups: dict[int, AssignmentGroup]
    default_owner_id: int | None
    #: every user, active or not, by id (whom the entries may name)
    users: dict[int, User]


def load_rule_set(uow: UnitOfWork, users: Sequence[User] | None = None) -> RuleSet:
    """The rule set; ``users``: every user, when the caller has read them in this transaction."""
    stored = uow.settings.get(DEFAULT_OWNER_SETTING)
    return RuleSet(uow.assignment.rules(), uow.assignment.groups(), int(stored) if stored else None,
                   {u.id: u for u in (uow.users.list() if users is None else users)})


def list_assignment_rules(ctx: ServiceContext, actor_id: int) -> RuleSet:
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        return load_rule_set(uow)


def rule_from_values(ctx: ServiceContext, uow: UnitOfWork, values: Mapping[str, object], *, position: int,
                     groups: Mapping[int, AssignmentGroup], index: int | None = None) -> AssignmentRule:
    """An entry from a transport's values (``index``: its place in a list, named in errors)."""
    where = "" if index is None else f"rules[{index}]."
    config = ctx.config(uow)
    criteria = values.get("criteria") or {}
    if not isinstance(criteria, Mapping):
        raise ValidationError("is an object of criteria", field=f"{where}criteria")
    try:
        parsed = parse_criteria(
            criteria, source_ids={s.label.casefold(): s.id for s in config.sources},
            campaign_ids={c.name.casefold(): c.id for c in uow.campaigns.list()},
            custom_names=[d.name for d in config.custom_fields_of(RecordType.LEAD)])
    except ValidationError as error:
        raise ValidationError(error.message, field=f"{where}{error.field}") from None
    user_ref, group_ref = values.get("user"), values.get("group")
    if (user_ref in (None, "")) == (group_ref in (None, "")):
        raise ValidationError("an entry points to a user or to a round-robin group (one of them)",
                              field=f"{where}user")
    user = resolve_user(uow, user_ref, field=f"{where}user") if user_ref not in (None, "") else None  # type: ignore[arg-type]
    group = None if group_ref in (None, "") else _group(groups, group_ref, f"{where}group")
    name = clean_text(values.get("name"), field=f"{where}name", max_length=120, required=True)
    given_position = parse_non_negative_int(values.get("position"), field=f"{where}position")
    if given_position is not None and given_position > MAX_POSITION:
        raise ValidationError(f"must be at most {MAX_POSITION}", field=f"{where}position")
    return AssignmentRule(new_id(), given_position if given_position is not None else position, name or "",
                          parsed, user.id if user else None, group.id if group else None,
                          values.get("active", True) not in (False, "false", "no", "0"))


def _group(groups: Mapping[int, AssignmentGroup], reference: object, field: str) -> AssignmentGroup:
    text = str(reference).strip()
    for group in groups.values():
        if str(group.id) == text or group.name.casefold() == text.casefold():
            return group
    raise ValidationError(f"there is no round-robin group {text!r}", field=field)


def add_assignment_rule(ctx: ServiceContext, actor_id: int, values: Mapping[str, object], *,
                        claim: IdempotencyClaim[AssignmentRule] | None = None) -> AssignmentRule:
    """A new entry, last unless ``position`` is given (entries run in position order, then age)."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        rules = uow.assignment.rules()
        rule = rule_from_values(ctx, uow, values, position=max((r.position for r in rules), default=0) + 1,
                                groups=uow.assignment.groups())
        uow.assignment.add_rule(rule)
        audit_created(uow, "assignment_rule", rule.id, viewer.id, ctx.now(),
                      {"name": rule.name, "position": rule.position, "user_id": rule.user_id,
                       "group_id": rule.group_id})
        return idempotency.commit(ctx, uow, claim, rule)


def delete_assignment_rule(ctx: ServiceContext, actor_id: int, rule_id: int) -> None:
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        if not uow.assignment.delete_rule(rule_id):
            raise NotFoundError(f"there is no assignment rule {rule_id}", field="rule")
        uow.audit.record("delete", "assignment_rule", rule_id, viewer.id, ctx.now(), {})
        uow.commit()


def update_assignment_rule(ctx: ServiceContext, actor_id: int, rule_id: int,
                           values: Mapping[str, object]) -> AssignmentRule:
    """An entry replaced by ``values`` (as ``add_assignment_rule`` takes them), keeping its id and,
    unless ``position`` is given, its place."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        current = _rule(uow, rule_id)
        made = rule_from_values(ctx, uow, values, position=current.position, groups=uow.assignment.groups())
        rule = replace(made, id=current.id)
        uow.assignment.save_rule(rule)
        uow.audit.record("update", "assignment_rule", rule.id, viewer.id, ctx.now(),
                         {"name": (current.name, rule.name),
                          "position": (str(current.position), str(rule.position))})
        uow.commit()
        return rule


def move_assignment_rule(ctx: ServiceContext, actor_id: int, rule_id: int, direction: str) -> list[AssignmentRule]:
    """The entry one place ``up`` or ``down`` (the entries renumbered 1, 2, 3... in their new order)."""
    if direction not in ("up", "down"):
        raise ValidationError("is up or down", field="direction")
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        rules = uow.assignment.rules()
        current = _rule(uow, rule_id, rules)
        index = rules.index(current)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(rules):
            rules[index], rules[other] = rules[other], rules[index]
        renumbered = [replace(rule, position=number) for number, rule in enumerate(rules, start=1)]
        for before, after in zip(rules, renumbered, strict=True):
            if before.position != after.position:
                uow.assignment.save_rule(after)
                uow.audit.record("update", "assignment_rule", after.id, viewer.id, ctx.now(),
                                 {"position": (str(before.position), str(after.position))})
        uow.commit()
        return renumbered


def _rule(uow: UnitOfWork, rule_id: int, rules: Sequence[AssignmentRule] | None = None) -> AssignmentRule:
    for rule in uow.assignment.rules() if rules is None else rules:
        if rule.id == rule_id:
            return rule
    raise NotFoundError(f"there is no assignment rule {rule_id}", field="rule")


def add_assignment_group(ctx: ServiceContext, actor_id: int, name: str, members: Sequence[tuple[str, object]], *,
                         method: str = "weighted",
                         claim: IdempotencyClaim[AssignmentGroup] | None = None) -> AssignmentGroup:
    """A round-robin group of ``members`` (user e-mail or id, weight), in that order; weights are
    capacities (a member of weight 2 gets twice the leads of one of weight 1)."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        made = []
        for index, (reference, weight) in enumerate(members):
            user = resolve_user(uow, reference, field=f"members[{index}].user")
            if user is None:
                raise ValidationError("is required", field=f"members[{index}].user")
            parsed = parse_non_negative_int(weight if weight not in (None, "") else 1,
                                            field=f"members[{index}].weight")
            made.append(GroupMember(user.id, parsed if parsed is not None else 1, 0, index))
        ensure_valid_group(name, made)
        group = AssignmentGroup(new_id(), name.strip(), parse_group_method(method), tuple(made))
        uow.assignment.add_group(group)
        audit_created(uow, "assignment_group", group.id, viewer.id, ctx.now(),
                      {"name": group.name, "method": group.method.value,
                       "members": ", ".join(f"{m.user_id}x{m.weight}" for m in made)})
        return idempotency.commit(ctx, uow, claim, group)


def set_default_owner(ctx: ServiceContext, actor_id: int, owner: str | None) -> int | None:
    """The owner of a lead no entry matches (None: such a lead keeps its owner)."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        require_admin(viewer.user)
        user = resolve_user(uow, owner, field="default_owner")
        if user is not None:
            viewer.ensure_can_assign(user)
        uow.settings.set(DEFAULT_OWNER_SETTING, str(user.id) if user else "")
        uow.commit()
        return user.id if user else None
