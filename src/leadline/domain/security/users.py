"""Users, their roles and the role hierarchy (who reports to whom)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from leadline.domain.errors import ConflictError, ValidationError


class Role(StrEnum):
    """What a user may administer. Record visibility builds on it (issue 3)."""

    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    email: str
    role: Role
    manager_id: int | None = None
    active: bool = True

    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


def parse_role(value: str) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationError(f"{value!r} is not a role; use one of {allowed}", field="role") from None


def ensure_valid_manager(
    user_id: int | None, manager_id: int | None, manager_of: Callable[[int], int | None]
) -> None:
    """Refuse a manager that would make the hierarchy a loop (a user managing themself, even indirectly).

    ``manager_of`` answers who manages a given user id, as stored now.
    """
    if manager_id is None:
        return
    if user_id is not None and manager_id == user_id:
        raise ValidationError("a user cannot be their own manager", field="manager")
    seen: set[int] = set()
    current: int | None = manager_id
    while current is not None:
        if current == user_id:
            raise ValidationError("this manager would make the role hierarchy a loop", field="manager")
        if current in seen:
            break
        seen.add(current)
        current = manager_of(current)


def first_admin_of(users: Iterable[User], preferred_email: str | None = None) -> User | None:
    """The organisation's admin as setup sees it: the active admin with ``preferred_email`` if there
    is one, else the active admin created first (the smallest id); ``None`` when there is none."""
    admins = [u for u in users if u.role is Role.ADMIN and u.active]
    preferred = [u for u in admins if preferred_email and u.email == preferred_email]
    chosen = preferred or sorted(admins, key=lambda u: u.id)
    return chosen[0] if chosen else None


def can_create_first_admin(users: Iterable[User]) -> bool:
    """``leadline init`` creates an admin only while the organisation has none: a second admin is
    added on purpose, by an admin (``leadline user add --role admin``), never by setup."""
    return first_admin_of(users) is None


def ensure_an_admin_remains(users: Iterable[User]) -> None:
    """The organisation always keeps at least one active admin (someone must be able to fix things)."""
    if not any(u.role is Role.ADMIN and u.active for u in users):
        raise ConflictError("the last active admin must stay an active admin", field="role")
