"""Object rights per role: what admins let managers and reps create, edit and delete (admins only).

The rule itself is the domain's (``domain/security/rights.py``); every create, edit and delete use
case asks it through the acting ``Viewer`` (``ensure_may``), so the API, the web pages, the CLI,
the Salesforce-compatible API and imports refuse alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from leadline.domain.security.rights import (
    RIGHTS_OBJECTS,
    Action,
    ObjectRights,
    parse_action,
    parse_rights_object,
)
from leadline.domain.security.users import parse_role
from leadline.services.context import ServiceContext
from leadline.services.security.access import audit_changed, load_actor, require_admin

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def get_object_rights(ctx: ServiceContext) -> ObjectRights:
    """The organisation's object rights (anyone may read them: pages hide what they would refuse)."""
    with ctx.reader() as uow:
        return ctx.config(uow).rights


def role_may(ctx: ServiceContext, actor_id: int, action: str, record_type: str) -> bool:
    """Whether the actor's role holds the right (``"create"``, ``"account"``): what a page offers.
    Read from the configuration cache; the use cases refuse on their own all the same."""
    with ctx.reader() as uow:
        config = ctx.config(uow)
        actor = config.users.get(actor_id)
        return bool(actor and actor.active
                    and config.rights.allows(actor.role, parse_action(action), parse_rights_object(record_type)))


def set_object_right(ctx: ServiceContext, actor_id: int, role: str, action: str, record_type: str,
                     granted: bool) -> ObjectRights:
    """Grant (or revoke) a role's right to ``action`` records of ``record_type``; audited.

    Refused with ``PERMISSION_DENIED`` for a non-admin and ``CONFIGURATION_INVALID`` for the
    admin role (admins always have every right).

    Example: ``set_object_right(ctx, admin, "rep", "delete", "account", False)``.
    """
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        before = uow.rights.all()
        after = before.with_right(parse_role(role), parse_action(action), parse_rights_object(record_type), granted)
        return _store(uow, actor_id, ctx.now(), before, after)


def set_role_rights(ctx: ServiceContext, actor_id: int, role: str, held: Iterable[tuple[str, str]]) -> ObjectRights:
    """Set every right of ``role`` at once: it holds exactly the (action, object) pairs of
    ``held`` (the settings page's grid of check boxes); refused as ``set_object_right``.

    Example: ``set_role_rights(ctx, admin, "rep", [("create", "lead"), ("edit", "lead")])``.
    """
    with ctx.uow_factory() as uow:
        require_admin(load_actor(uow, actor_id))
        who = parse_role(role)
        wanted = {(parse_action(action), parse_rights_object(kind)) for action, kind in held}
        before = after = uow.rights.all()
        for kind in RIGHTS_OBJECTS:
            for action_ in Action:
                after = after.with_right(who, action_, kind, (action_, kind) in wanted)
        return _store(uow, actor_id, ctx.now(), before, after)


def _store(uow: UnitOfWork, actor_id: int, at: datetime, before: ObjectRights, after: ObjectRights) -> ObjectRights:
    """Write the rights that differ from ``before``, audit them, commit."""
    was: dict[str, object] = {}
    now: dict[str, object] = {}
    for role, action, kind, held in after.grid():
        if before.allows(role, action, kind) != held:
            uow.rights.set(role, action, kind, held)
            name = f"{role.value}.{action.value}.{kind.value}"
            was[name], now[name] = not held, held
    if now:
        audit_changed(uow, "object_right", None, actor_id, at, was, now)
        uow.commit()
    return after
