"""Who may do what, applied in every use case (never in a transport).

``load_viewer`` gives the acting user with their place in the role hierarchy, the sharing
defaults and the object rights, from which the domain's ``Viewer`` answers every access question. Configuration and
user management are for admins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadline.domain.errors import NotFoundError, PermissionDeniedError
from leadline.domain.history import render_value
from leadline.domain.security.access import Viewer
from leadline.domain.security.users import User

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


def load_actor(uow: UnitOfWork, actor_id: int) -> User:
    actor: User | None = uow.users.get(actor_id)
    if actor is None or not actor.active:
        raise NotFoundError(f"there is no active user {actor_id}", field="actor")
    return actor


def load_viewer(uow: UnitOfWork, actor_id: int, ctx: Any = None) -> Viewer:
    """The actor with the owners they manage and the organisation's sharing defaults (from the
    configuration cache when ``ctx`` is given)."""
    if ctx is None:
        return Viewer.of(load_actor(uow, actor_id), uow.users.hierarchy(), uow.sharing.all(), uow.rights.all())
    config = ctx.config(uow)
    actor = config.users.get(actor_id)
    if actor is None or not actor.active:
        raise NotFoundError(f"there is no active user {actor_id}", field="actor")
    viewer: Viewer = ctx.cached(uow, ("viewer", actor_id),
                                lambda: Viewer.of(actor, config.hierarchy, config.sharing, config.rights))
    return viewer


def require_admin(actor: User) -> None:
    if not actor.is_admin():
        raise PermissionDeniedError("only an admin may change the configuration", field="actor")


def fields_of(record: Any) -> dict[str, object]:
    """A dataclass record as a plain dict of its fields (for audit and rendering)."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def audit_created(uow: UnitOfWork, record_type: str, record_id: int, actor_id: int | None, at: datetime,
                  values: Mapping[str, object], action: str = "create") -> None:
    """Audit a new record: every field that has a value, from nothing to it."""
    changes = {k: (None, render_value(v)) for k, v in values.items() if v is not None and k != "id"}
    uow.audit.record(action, record_type, record_id, actor_id, at, changes)


def audit_changed(uow: UnitOfWork, record_type: str, record_id: int | None, actor_id: int | None, at: datetime,
                  before: Mapping[str, object], after: Mapping[str, object], action: str = "update") -> None:
    changes = {k: (render_value(before.get(k)), render_value(v)) for k, v in after.items()
               if render_value(before.get(k)) != render_value(v)}
    if changes:
        uow.audit.record(action, record_type, record_id, actor_id, at, changes)
