"""Who may do what. Issue 3 extends this into record-level sharing; for now: the acting user
must exist and be active, and configuration and user management are for admins."""

from __future__ import annotations

from typing import Any

from leadline.domain.errors import NotFoundError, PermissionDeniedError
from leadline.domain.users import User


def load_actor(uow: Any, actor_id: int) -> User:
    actor: User | None = uow.users.get(actor_id)
    if actor is None or not actor.active:
        raise NotFoundError(f"there is no active user {actor_id}", field="actor")
    return actor


def require_admin(actor: User) -> None:
    if not actor.is_admin():
        raise PermissionDeniedError("only an admin may change the configuration", field="actor")
